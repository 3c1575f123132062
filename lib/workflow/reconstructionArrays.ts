// The arrays of a reconstruction NPZ, shared by `ptychopinn infer` (a file) and
// services (a response body) so that both give the same keys, dtypes and shapes.
import type { NpyArray } from '../io/ndarray';
import type { Reconstruction } from './reconstructScan';

/**
 * object complex64 (H, W), amplitude and phase float32 (H, W), origin float64 [x0, y0],
 * positions (M, 2), backend (the engine that ran the model), trained_backend; after physics refinement also network_object (the
 * network's own object on the same grid) and r_factor float64 [network, refined].
 */
export function reconstructionArrays(result: Reconstruction): Record<string, NpyArray> {
  const shape = [result.height, result.width];
  const refined: Record<string, NpyArray> =
    result.network && result.refinement
      ? {
          network_object: { dtype: 'complex64', shape, data: result.network.object.data as Float32Array },
          r_factor: {
            dtype: 'float64',
            shape: [2],
            data: Float64Array.from([result.refinement.initialRFactor, result.refinement.finalRFactor]),
          },
        }
      : {};
  return {
    ...refined,
    object: { dtype: 'complex64', shape, data: result.object.data as Float32Array },
    amplitude: { dtype: 'float32', shape, data: result.amplitude },
    phase: { dtype: 'float32', shape, data: result.phase },
    origin: { dtype: 'float64', shape: [2], data: Float64Array.from(result.origin) },
    positions: { dtype: 'float64', shape: [result.positions.length / 2, 2], data: result.positions },
    backend: { dtype: 'str', shape: [], data: [result.backend] },
    trained_backend: { dtype: 'str', shape: [], data: [result.trainedBackend] },
  };
}
