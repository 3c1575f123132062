// Backend dispatch (PtychoPINN §4.8 behaviour): a selected backend that is not
// available is an error saying what is missing and how to install it, never a
// silent fallback; every result records the backend that produced it.
import { coerceField, type BackendName } from '../config/schema';
import type { Availability, Engine } from './engine';
import { libtorchEngine } from './libtorch/libtorchEngine';

export type { Availability } from './engine';

export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly missing: string,
    readonly install: string,
  ) {
    super(`backend '${backend}' is selected but not available: ${missing}.\n  install: ${install}`);
    this.name = 'BackendUnavailableError';
  }
}

export class BackendMismatchError extends Error {
  constructor(
    readonly requested: BackendName,
    readonly bundleBackend: BackendName,
    readonly file: string,
  ) {
    super(
      `${file} was written by the '${bundleBackend}' backend, but backend '${requested}' was requested; ` +
        `open it without a backend (it dispatches on the bundle) or with backend '${bundleBackend}'`,
    );
    this.name = 'BackendMismatchError';
  }
}

const tensorflowUnavailable: Availability = {
  available: false,
  missing: 'the TensorFlow C API addon is not part of this installation',
  install: "use backend 'libtorch' (the default); the TensorFlow backend has not been released",
};

const tensorflow: Engine = {
  name: 'tensorflow',
  availability: () => tensorflowUnavailable,
  createModel() {
    throw new BackendUnavailableError('tensorflow', tensorflowUnavailable.missing, tensorflowUnavailable.install);
  },
};

const REGISTRY: Readonly<Record<BackendName, Engine>> = { libtorch: libtorchEngine, tensorflow };

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
