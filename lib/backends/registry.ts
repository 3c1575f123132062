// Backend dispatch (PtychoPINN §4.8 behaviour): a selected backend that is not
// available is an error saying what is missing and how to install it, never a
// silent fallback; every result records the backend that produced it. Both
// engines read the same model bundles, so any bundle runs on the engine asked for.
import { coerceField, type BackendName } from '../config/schema';
import type { Availability, Engine } from './engine';
import { libtorchEngine } from './libtorch/libtorchEngine';
import { tensorflowEngine } from './tensorflow/tensorflowEngine';

export type { Availability } from './engine';

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly missing: string,
    readonly install: string,
  ) {
    super(
      `backend '${backend}' is selected but not available: ${missing}.\n  install: ${install.split('\n').join('\n           ')}`,
    );
    this.name = 'BackendUnavailableError';
  }
}

const REGISTRY: Readonly<Record<BackendName, Engine>> = { libtorch: libtorchEngine, tensorflow: tensorflowEngine };

/** Accepts 'libtorch', 'tensorflow' and PtychoPINN's aliases 'pytorch' and 'torch'. */
export function resolveBackendName(name: string): BackendName {
  return coerceField('backend', name, 'backend');
}

/** The engine, or a BackendUnavailableError explaining what is missing. */
export function requireBackend(name: BackendName): Engine {
  const backend = REGISTRY[name];
  const availability = backend.availability();
  if (!availability.available) throw new BackendUnavailableError(name, availability.missing, availability.install);
  return backend;
}

export function listBackends(): { name: BackendName; availability: Availability }[] {
  return Object.values(REGISTRY).map((b) => ({ name: b.name, availability: b.availability() }));
}
