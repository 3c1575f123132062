import fs from 'node:fs';
import path from 'node:path';

import { addon } from './native';
import type { NativeCudaDevice } from './native/binding';
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
  threads: { intraOp: number; interop: number; parallelInfo: string };
  mkldnn: boolean;
  mkl: boolean;
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
