import fs from 'node:fs';
import path from 'node:path';

import type { BackendName } from './config/schema';
import { addon, tensorflowAddon } from './native';
import type { NativeCudaDevice } from './native/binding';
import { AddonLoadError } from './native/loader';
import { packageVersion } from './packageInfo';

export interface Capabilities {
  packageVersion: string;
  addon: { path: string; prebuilt: boolean };
  libtorch: {
    /** The version the addon was compiled against. */
    version: string;
    /** The version of the library loaded at run time, when its install says (null: unknown). */
    loadedVersion: string | null;
    /** The LibTorch CPU library loaded at run time. */
    library: string;
    cxx11Abi: boolean;
  };
  cuda: { compiled: boolean; available: boolean; devices: NativeCudaDevice[] };
  /** c10d backends for data-parallel training ('gloo', 'nccl'), or why there are none. */
  distributed: { backends: string[]; unavailableReason: string };
  threads: { intraOp: number; interop: number; parallelInfo: string };
  mkldnn: boolean;
  mkl: boolean;
}

/** One engine as `info` and `doctor` report it. */
export interface EngineSummary {
  name: BackendName;
  available: boolean;
  /** The engine library's version (the one loaded when known). */
  version?: string;
  /** The engine library loaded. */
  library?: string;
  addon?: { path: string; prebuilt: boolean };
  threads?: { intraOp: number; interop: number };
  /** When not available: why (the loader's cause, with the file tried) and the fix. */
  missing?: string;
  fix?: string;
}

let cached: Capabilities | undefined;

/** What this installation can do. Synchronous and cached (setThreads refreshes it). */
export function capabilities(): Capabilities {
  if (!cached) {
    const { binding, path, prebuilt } = addon();
    const native = binding.capabilities();
    cached = {
      packageVersion,
      addon: { path, prebuilt },
      libtorch: {
        version: native.libtorchVersion,
        loadedVersion: libraryVersion(native.libtorchLibrary),
        library: native.libtorchLibrary,
        cxx11Abi: native.cxx11Abi,
      },
      cuda: { compiled: native.cudaCompiled, available: native.cudaAvailable, devices: native.cudaDevices },
      distributed: { backends: native.distributedBackends, unavailableReason: native.distributedUnavailableReason },
      threads: { intraOp: native.numThreads, interop: native.numInteropThreads, parallelInfo: native.parallelInfo },
      mkldnn: native.mkldnn,
      mkl: native.mkl,
    };
  }
  return cached;
}

/**
 * The version of a loaded libtorch_cpu, from what its install records: Debian's
 * versioned file name (libtorch_cpu.so.1.13.0), a pip torch's version.py beside lib/,
 * or an unpacked LibTorch's build-version file.
 */
export function libraryVersion(library: string): string | null {
  if (!library) return null;
  let real = library;
  try {
    real = fs.realpathSync(library);
  } catch {
    return null;
  }
  const versioned = /\.so\.(\d+\.\d+(?:\.\d+)?)$/.exec(real);
  if (versioned) return versioned[1];
  const root = path.dirname(path.dirname(real));
  try {
    const match = /__version__\s*=\s*['"]([^'"]+)['"]/.exec(fs.readFileSync(path.join(root, 'version.py'), 'utf8'));
    if (match) return match[1];
  } catch {
    // not a pip torch
  }
  try {
    return fs.readFileSync(path.join(root, 'build-version'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Sets LibTorch's intra-op thread count for this process; returns the count in effect. */
export function setThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`setThreads(threads): threads must be a positive integer, got ${threads}`);
  }
  const inEffect = addon().binding.setNumThreads(threads);
  cached = undefined;
  return inEffect;
}

function unavailable(name: BackendName, error: unknown): EngineSummary {
  if (!(error instanceof AddonLoadError)) throw error;
  return { name, available: false, missing: error.summary, fix: error.fix };
}

function libtorchSummary(): EngineSummary {
  try {
    const caps = capabilities();
    return {
      name: 'libtorch',
      available: true,
      version: caps.libtorch.loadedVersion ?? caps.libtorch.version,
      library: caps.libtorch.library,
      addon: caps.addon,
      threads: { intraOp: caps.threads.intraOp, interop: caps.threads.interop },
    };
  } catch (error) {
    return unavailable('libtorch', error);
  }
}

function tensorflowSummary(): EngineSummary {
  try {
    const { binding, path, prebuilt } = tensorflowAddon();
    const native = binding.capabilities();
    return {
      name: 'tensorflow',
      available: true,
      version: native.tensorflowVersion,
      library: native.tensorflowLibrary,
      addon: { path, prebuilt },
      threads: { intraOp: native.numThreads, interop: native.numInteropThreads },
    };
  } catch (error) {
    return unavailable('tensorflow', error);
  }
}

/** Both engines: version, library, addon and threads, or why one is not available. */
export function engines(): EngineSummary[] {
  return [libtorchSummary(), tensorflowSummary()];
}

/** The version of an engine's library, for the records a model or a result keeps ('' when it is not loaded). */
export function engineVersion(name: BackendName): string {
  const summary = name === 'libtorch' ? libtorchSummary() : tensorflowSummary();
  return summary.version ?? '';
}
