// PtychoPINN's `lines` object: random line segments on a canvas twice the object's
// size, blurred at three scales (σ 1, 5, 10 with weights 1, 2, 5), the centre cropped.
// The amplitude is scaled to a maximum of 1; the phase is zero, as in PtychoPINN.
// The blur is one multiplication in Fourier space (periodic; the crop keeps the
// canvas edges, where it differs from scipy's reflecting filter, out of the object).
import type { JsTensor } from '../native/binding';
import type { Rng } from '../random/rng';
import { fromAmplitudePhase } from './complexImage';
import { orthoFft2, orthoIfft2 } from '../physics/fourier';

/** PtychoPINN draws 400 lines on a 784-pixel canvas; the same density at any size. */
const LINES_PER_PIXEL2 = 400 / (784 * 784);

export function linesObject(size: number, rng: Rng): JsTensor {
  const canvas = 2 * size;
  const image = new Float64Array(canvas * canvas);
  const count = Math.max(1, Math.round(LINES_PER_PIXEL2 * canvas * canvas));
  for (let n = 0; n < count; n += 1) {
    const [r0, c0, r1, c1] = [rng.int(canvas), rng.int(canvas), rng.int(canvas), rng.int(canvas)];
    drawLine(image, canvas, r0, c0, r1, c1);
  }
  const blurred = blur(image, canvas);
  const amplitude = new Float64Array(size * size);
  const offset = Math.floor(size / 2);
  let max = 0;
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j < size; j += 1) {
      const value = blurred[2 * ((i + offset) * canvas + j + offset)];
      amplitude[i * size + j] = value;
      max = Math.max(max, value);
    }
  }
  if (max > 0) amplitude.forEach((value, k) => (amplitude[k] = value / max));
  return fromAmplitudePhase(amplitude, undefined, size, size);
}

/** image ∗ (g₁ + 2·g₅ + 5·g₁₀), g_σ the unit-sum Gaussian; complex64 interleaved result. */
function blur(image: Float64Array, size: number): Float32Array {
  const spectrum = orthoFft2({ dtype: 'complex64', shape: [size, size], data: interleave(image) }).data;
  for (let i = 0; i < size; i += 1) {
    const fy = (i < size / 2 ? i : i - size) / size;
    for (let j = 0; j < size; j += 1) {
      const fx = (j < size / 2 ? j : j - size) / size;
      const f2 = 2 * Math.PI * Math.PI * (fx * fx + fy * fy);
      const gain = Math.exp(-f2) + 2 * Math.exp(-25 * f2) + 5 * Math.exp(-100 * f2);
      spectrum[2 * (i * size + j)] *= gain;
      spectrum[2 * (i * size + j) + 1] *= gain;
    }
  }
  return orthoIfft2({ dtype: 'complex64', shape: [size, size], data: spectrum }).data as Float32Array;
}

function interleave(real: Float64Array): Float32Array {
  const data = new Float32Array(2 * real.length);
  for (let k = 0; k < real.length; k += 1) data[2 * k] = real[k];
  return data;
}

/** Bresenham's line, both end points included. */
function drawLine(image: Float64Array, width: number, r0: number, c0: number, r1: number, c1: number): void {
  const dr = Math.abs(r1 - r0);
  const dc = Math.abs(c1 - c0);
  const sr = r0 < r1 ? 1 : -1;
  const sc = c0 < c1 ? 1 : -1;
  let error = dc - dr;
  let [r, c] = [r0, c0];
  for (;;) {
    image[r * width + c] = 1;
    if (r === r1 && c === c1) return;
    const twice = 2 * error;
    if (twice > -dr) {
      error -= dr;
      c += sc;
    }
    if (twice < dc) {
      error += dc;
      r += sr;
    }
  }
}
