// Models built as the workflow builds them: a validated configuration through the engine.
import { modelFromFields, settingsFromDefaults } from '../../lib/backends/fromFields';
import type { JsTensor } from '../../lib/native/binding';

export { modelFromFields as createModel, settingsFromDefaults as settings };

/** A Gaussian probe (N, N) complex64. */
export function gaussianProbe(N: number): JsTensor {
  const data = new Float32Array(N * N * 2);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) data[2 * (y * N + x)] = 0.05 * Math.exp(-((x - N / 2) ** 2 + (y - N / 2) ** 2) / N);
  }
  return { dtype: 'complex64', shape: [N, N], data };
}
