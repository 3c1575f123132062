// Ground-truth object patches at sub-pixel positions: patch pixel j is the object at
// pos − N/2 + j (reference §1), interpolated bilinearly by the native translate (§2).
import type { JsTensor } from '../native/binding';
import { translate } from '../physics';

/**
 * Patches (M, N, N) complex64 of `object` (H, W) centred on (xcoords, ycoords). Each
 * position needs floor(pos) − N/2 − 1 ≥ 0 and floor(pos) + N/2 ≤ size − 1.
 */
export function cutPatches(object: JsTensor, xcoords: Float64Array, ycoords: Float64Array, N: number): JsTensor {
  const [H, W] = object.shape;
  const M = xcoords.length;
  // A window one pixel wider on each side is shifted by the fractional part, then cropped.
  const S = N + 2;
  const windows = new Float32Array(2 * M * S * S);
  const offsets = new Float64Array(2 * M);
  for (let m = 0; m < M; m += 1) {
    const [ix, iy] = [Math.floor(xcoords[m]), Math.floor(ycoords[m])];
    const [left, top] = [ix - N / 2 - 1, iy - N / 2 - 1];
    if (left < 0 || top < 0 || left + S > W || top + S > H) {
      throw new RangeError(
        `position ${m} [${xcoords[m]}, ${ycoords[m]}] puts its ${N}×${N} patch outside the ${H}×${W} object`,
      );
    }
    for (let r = 0; r < S; r += 1) {
      const from = 2 * ((top + r) * W + left);
      windows.set(object.data.subarray(from, from + 2 * S), 2 * (m * S + r) * S);
    }
    offsets[2 * m] = ix - xcoords[m];
    offsets[2 * m + 1] = iy - ycoords[m];
  }
  const shifted = translate(
    { dtype: 'complex64', shape: [M, S, S], data: windows },
    { dtype: 'float64', shape: [M, 2], data: offsets },
  ).data;
  const data = new Float32Array(2 * M * N * N);
  for (let m = 0; m < M; m += 1) {
    for (let r = 0; r < N; r += 1) {
      const from = 2 * ((m * S + r + 1) * S + 1);
      data.set(shifted.subarray(from, from + 2 * N), 2 * (m * N + r) * N);
    }
  }
  return { dtype: 'complex64', shape: [M, N, N], data };
}
