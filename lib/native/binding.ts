// The whole native contract in one place: every function the addon exports, typed.
// The C++ side lives in native/; keep the two in step.

/** Element types that cross the boundary. Complex values are interleaved (re, im). */
export type DType = 'float32' | 'float64' | 'complex64' | 'complex128';

/**
 * A tensor as it crosses the boundary. Inputs are copied into native memory on the
 * calling thread; outputs are handed over without a copy and freed when the
 * ArrayBuffer is collected.
 */
export interface JsTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array;
}

export interface NativeCudaDevice {
  index: number;
  name: string;
  totalMemoryBytes: number;
  computeCapability: string;
}

export interface NativeCapabilities {
  /** LibTorch version the addon was compiled against (torch/version.h). */
  libtorchVersion: string;
  cudaCompiled: boolean;
  cudaAvailable: boolean;
  cudaDevices: NativeCudaDevice[];
  numThreads: number;
  numInteropThreads: number;
  mkldnn: boolean;
  mkl: boolean;
  parallelInfo: string;
  cxx11Abi: boolean;
}

export interface NativeBinding {
  capabilities(): NativeCapabilities;
  /** Sets LibTorch's intra-op thread count; returns the count now in effect. */
  setNumThreads(threads: number): number;
  /** Returns 2·x + 1 computed by LibTorch (runtime self-test). */
  affineRoundTrip(x: JsTensor): JsTensor;
}
