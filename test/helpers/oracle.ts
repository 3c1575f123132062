// Independent TypeScript oracles of the physics (reference §2–3), written from the
// formulas, in float64, for comparing with the native kernels.
import type { JsTensor } from '../../lib/native/binding';

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, random: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => random() * 2 - 1);
}

export function tensor(dtype: JsTensor['dtype'], shape: number[], data: ArrayLike<number>): JsTensor {
  const array = dtype === 'float32' || dtype === 'complex64' ? Float32Array.from(data) : Float64Array.from(data);
  return { dtype, shape, data: array };
}

/**
 * Bilinear sample of one plane (h × w × k interleaved channels) at (sy, sx), zero
 * outside: written as the sum over the four neighbours of the hat-kernel weights.
 */
export function sample(plane: ArrayLike<number>, h: number, w: number, k: number, sy: number, sx: number): number[] {
  const out = new Array<number>(k).fill(0);
  const y0 = Math.floor(sy);
  const x0 = Math.floor(sx);
  for (let yy = y0; yy <= y0 + 1; yy++) {
    for (let xx = x0; xx <= x0 + 1; xx++) {
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const weight = (1 - Math.abs(sy - yy)) * (1 - Math.abs(sx - xx));
      for (let c = 0; c < k; c++) out[c] += weight * plane[(yy * w + xx) * k + c];
    }
  }
  return out;
}

/** translate(img, [dx, dy]): out[y, x] = img(y − dy, x − dx) (reference §2). */
export function translateOracle(plane: ArrayLike<number>, h: number, w: number, k: number, dx: number, dy: number) {
  const out = new Float64Array(h * w * k);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = sample(plane, h, w, k, y - dy, x - dx);
      for (let c = 0; c < k; c++) out[(y * w + x) * k + c] = v[c];
    }
  }
  return out;
}

/** Zero-pads an n × n × k plane to np × np, centred (leading pad floor((np − n)/2)). */
export function padOracle(plane: ArrayLike<number>, n: number, np: number, k: number): Float64Array {
  const out = new Float64Array(np * np * k);
  const off = Math.floor((np - n) / 2);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < k; c++) out[((y + off) * np + x + off) * k + c] = plane[(y * n + x) * k + c];
    }
  }
  return out;
}

export type WeightingName = 'probe' | 'central_mask' | 'uniform';

/**
 * Merge of one group (reference §3): patches C × n × n complex interleaved,
 * positions C × [x, y], weights n × n real; returns np × np complex interleaved.
 */
export function mergeOracle(
  patches: Float64Array,
  positions: number[][],
  weights: Float64Array,
  n: number,
  np: number,
  weighting: WeightingName,
): Float64Array {
  const num = new Float64Array(np * np * 2);
  const den = new Float64Array(np * np);
  positions.forEach(([px, py], c) => {
    // §3: the patch and its weight are translated separately, then multiplied.
    const patch = patches.subarray(c * n * n * 2, (c + 1) * n * n * 2);
    const shiftedPatch = translateOracle(padOracle(patch, n, np, 2), np, np, 2, -px, -py);
    const shiftedWeight = translateOracle(padOracle(weights, n, np, 1), np, np, 1, -px, -py);
    for (let i = 0; i < np * np; i++) {
      num[2 * i] += shiftedPatch[2 * i] * shiftedWeight[i];
      num[2 * i + 1] += shiftedPatch[2 * i + 1] * shiftedWeight[i];
      den[i] += shiftedWeight[i];
    }
  });
  const maxDen = Math.max(...den);
  const out = new Float64Array(np * np * 2);
  for (let i = 0; i < np * np; i++) {
    let factor: number;
    if (weighting === 'probe') factor = den[i] > 1e-6 * maxDen ? 1 / Math.max(den[i], 1e-12) : 0;
    else if (weighting === 'uniform') factor = den[i] > 1e-6 ? 1 / Math.max(den[i], 1e-12) : 0;
    else factor = den[i] > 1e-6 ? 1 / (den[i] + 0.001) : 0;
    out[2 * i] = num[2 * i] * factor;
    out[2 * i + 1] = num[2 * i + 1] * factor;
  }
  return out;
}

/** Extract patch c: translate merged by +p_c, crop the central n × n (reference §3). */
export function extractOracle(merged: Float64Array, np: number, n: number, [px, py]: number[]): Float64Array {
  const shifted = translateOracle(merged, np, np, 2, px, py);
  const off = Math.floor((np - n) / 2);
  const out = new Float64Array(n * n * 2);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      out[(y * n + x) * 2] = shifted[((y + off) * np + x + off) * 2];
      out[(y * n + x) * 2 + 1] = shifted[((y + off) * np + x + off) * 2 + 1];
    }
  }
  return out;
}

/** The binary window, 1 on rows and columns N/4 … N/4 + N/2 − 1 (reference §3). */
export function centralWindow(n: number): Float64Array {
  const w = new Float64Array(n * n);
  for (let y = n / 4; y < n / 4 + n / 2; y++) for (let x = n / 4; x < n / 4 + n / 2; x++) w[y * n + x] = 1;
  return w;
}

/** fftshift(fft2(x, norm='ortho')) by the direct O(N⁴) DFT; x n × n complex interleaved. */
export function farFieldOracle(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n * 2);
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      let re = 0;
      let im = 0;
      for (let y = 0; y < n; y++) {
        for (let xx = 0; xx < n; xx++) {
          const angle = (-2 * Math.PI * (u * y + v * xx)) / n;
          const a = x[(y * n + xx) * 2];
          const b = x[(y * n + xx) * 2 + 1];
          re += a * Math.cos(angle) - b * Math.sin(angle);
          im += a * Math.sin(angle) + b * Math.cos(angle);
        }
      }
      // fftshift: frequency u lands at index (u + n/2) mod n.
      const su = (u + n / 2) % n;
      const sv = (v + n / 2) % n;
      out[(su * n + sv) * 2] = re / n;
      out[(su * n + sv) * 2 + 1] = im / n;
    }
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
