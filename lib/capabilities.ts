import { addon } from './native';
import type { NativeCudaDevice } from './native/binding';
import { packageVersion } from './packageInfo';

export interface Capabilities {
  packageVersion: string;
  addon: { path: string; prebuilt: boolean };
  libtorch: { version: string; cxx11Abi: boolean };
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
      libtorch: { version: native.libtorchVersion, cxx11Abi: native.cxx11Abi },
      cuda: { compiled: native.cudaCompiled, available: native.cudaAvailable, devices: native.cudaDevices },
      threads: { intraOp: native.numThreads, interop: native.numInteropThreads, parallelInfo: native.parallelInfo },
      mkldnn: native.mkldnn,
      mkl: native.mkl,
    };
  }
  return cached;
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
