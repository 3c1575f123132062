// Simulated probes: PtychoPINN's default (reference §7) and a disk aperture brought
// out of focus by Fresnel propagation.
import type { JsTensor } from '../native/binding';
import { gaussianBlur } from './blur';
import { fromAmplitudePhase } from './complexImage';
import { orthoFft2, orthoIfft2 } from '../physics/fourier';

/**
 * A Gaussian window of σ = N/(0.7·π²) thresholded at half its maximum (a disk of
 * radius ≈ 10.9 px at N = 64), blurred with σ = 1 px, plus 1e-9 as in PtychoPINN.
 * Centred on pixel N/2 (ours: PtychoPINN's window is centred between N/2 − 1 and N/2).
 */
export function defaultProbe(N: number): JsTensor {
  const sigma = N / (0.7 * Math.PI * Math.PI);
  const window = new Float64Array(N * N);
  for (let i = 0; i < N; i += 1) {
    for (let j = 0; j < N; j += 1) {
      const value = Math.exp(-((i - N / 2) ** 2 + (j - N / 2) ** 2) / (2 * sigma * sigma));
      window[i * N + j] = value > 0.5 ? 1 : 0;
    }
  }
  const amplitude = gaussianBlur(window, N, N, 1).map((value) => value + 1e-9);
  return fromAmplitudePhase(amplitude, undefined, N, N);
}

export interface DiskProbeOptions {
  /** Aperture radius in pixels. Default N/8. */
  radius?: number;
  /** Fresnel number r²/(λz) of the aperture at the sample: smaller is further from focus. Default 1. */
  fresnelNumber?: number;
}

/**
 * A uniform disk propagated by the Fresnel transfer function exp(−iπλz|f|²), on a
 * grid padded to 2N so that the spreading field does not wrap, then cropped to N×N.
 */
export function diskProbe(N: number, options: DiskProbeOptions = {}): JsTensor {
  const radius = options.radius ?? N / 8;
  const fresnelNumber = options.fresnelNumber ?? 1;
  if (!(radius > 0 && radius < N / 2))
    throw new RangeError(`disk probe radius must be in (0, ${N / 2}), got ${radius}`);
  if (!(fresnelNumber > 0)) throw new RangeError(`fresnelNumber must be positive, got ${fresnelNumber}`);
  const P = 2 * N;
  const disk = new Float32Array(2 * P * P);
  for (let i = 0; i < P; i += 1) {
    for (let j = 0; j < P; j += 1) if ((i - N) ** 2 + (j - N) ** 2 <= radius * radius) disk[2 * (i * P + j)] = 1;
  }
  const lambdaZ = (radius * radius) / fresnelNumber; // px²
  const spectrum = orthoFft2({ dtype: 'complex64', shape: [P, P], data: disk }).data;
  for (let i = 0; i < P; i += 1) {
    const fy = (i < P / 2 ? i : i - P) / P;
    for (let j = 0; j < P; j += 1) {
      const fx = (j < P / 2 ? j : j - P) / P;
      const phase = -Math.PI * lambdaZ * (fx * fx + fy * fy);
      const k = 2 * (i * P + j);
      const [re, im] = [spectrum[k], spectrum[k + 1]];
      spectrum[k] = re * Math.cos(phase) - im * Math.sin(phase);
      spectrum[k + 1] = re * Math.sin(phase) + im * Math.cos(phase);
    }
  }
  const field = orthoIfft2({ dtype: 'complex64', shape: [P, P], data: spectrum }).data;
  const data = new Float32Array(2 * N * N);
  for (let i = 0; i < N; i += 1)
    data.set(field.subarray(2 * ((i + N / 2) * P + N / 2), 2 * ((i + N / 2) * P + N / 2 + N)), 2 * i * N);
  return { dtype: 'complex64', shape: [N, N], data };
}
