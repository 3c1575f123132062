// Complex images (complex64 JsTensors) built from amplitude and phase.
import type { JsTensor } from '../native/binding';

export function fromAmplitudePhase(
  amplitude: Float64Array,
  phase: Float64Array | undefined,
  height: number,
  width: number,
): JsTensor {
  const data = new Float32Array(2 * height * width);
  for (let k = 0; k < height * width; k += 1) {
    const angle = phase ? phase[k] : 0;
    data[2 * k] = amplitude[k] * Math.cos(angle);
    data[2 * k + 1] = amplitude[k] * Math.sin(angle);
  }
  return { dtype: 'complex64', shape: [height, width], data };
}

/** Values scaled linearly onto [0, 1]. */
export function rescaleUnit(values: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const span = max - min || 1;
  return values.map((value) => (value - min) / span);
}
