// The native physics against independent TypeScript oracles of reference §2–3.
import { describe, expect, it } from 'vitest';

import { extractPatches, farField, forwardIntensity, mergePatches, translate } from '../lib/physics';
import type { Translation } from '../lib/physics';
import {
  centralWindow,
  extractOracle,
  farFieldOracle,
  maxAbs,
  maxAbsDiff,
  mergeOracle,
  randomArray,
  rng,
  tensor,
  translateOracle,
  type WeightingName,
} from './helpers/oracle';

const translations: Translation[] = ['kernels', 'grid_sample'];

describe('translate', () => {
  it('moves a single bright pixel by (+2.5, −1.0) to where the convention says', () => {
    const img = new Float32Array(16 * 16);
    img[8 * 16 + 4] = 1; // row 8, column 4
    const out = translate(tensor('float32', [16, 16], img), tensor('float64', [2], [2.5, -1.0]));
    const lit = Array.from(out.data).flatMap((v, i) => (v > 1e-7 ? [[Math.floor(i / 16), i % 16, v]] : []));
    // x: 4 + 2.5 = 6.5 → columns 6 and 7 share it; y: 8 − 1 = 7.
    expect(lit).toEqual([
      [7, 6, 0.5],
      [7, 7, 0.5],
    ]);
  });

  it.each(translations)('matches the bilinear oracle on random images with sub-pixel offsets (%s)', (translation) => {
    const random = rng(7);
    const [P, H, W] = [5, 12, 9];
    const img = randomArray(P * H * W * 2, random);
    const offsets = Array.from({ length: P * 2 }, () => (random() - 0.5) * 8);
    const out = translate(tensor('complex128', [P, H, W], img), tensor('float64', [P, 2], offsets), { translation });
    expect(out.shape).toEqual([P, H, W]);
    for (let p = 0; p < P; p++) {
      const plane = img.subarray(p * H * W * 2, (p + 1) * H * W * 2);
      const expected = translateOracle(plane, H, W, 2, offsets[2 * p], offsets[2 * p + 1]);
      const got = out.data.subarray(p * H * W * 2, (p + 1) * H * W * 2);
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-12);
    }
  });

  it('translates float32 real images to 1e-6 of the oracle', () => {
    const random = rng(3);
    const img = randomArray(2 * 3 * 10 * 10, random);
    const offsets = [0.25, -3.75, 1.5, 0, -0.5, 9.5, 4.1, 2.2, -7.3, 0.01, 0, 0];
    const out = translate(tensor('float32', [2, 3, 10, 10], img), tensor('float32', [2, 3, 2], offsets));
    for (let p = 0; p < 6; p++) {
      const expected = translateOracle(
        img.subarray(p * 100, (p + 1) * 100),
        10,
        10,
        1,
        offsets[2 * p],
        offsets[2 * p + 1],
      );
      expect(maxAbsDiff(out.data.subarray(p * 100, (p + 1) * 100), expected)).toBeLessThan(1e-6);
    }
  });
});

describe('merge and extract', () => {
  const N = 16;
  const C = 4;
  const B = 2;
  const random = rng(11);
  const patches = randomArray(B * C * N * N * 2, random);
  const probe = randomArray(N * N * 2, random);
  // Sub-pixel relative positions [x, y], different per group.
  const positions = Array.from({ length: B * C * 2 }, () => (random() - 0.5) * 7);
  const Np = 24;

  function weightsFor(weighting: WeightingName): Float64Array {
    if (weighting !== 'probe') return centralWindow(N);
    return Float64Array.from({ length: N * N }, (_, i) => probe[2 * i] ** 2 + probe[2 * i + 1] ** 2);
  }

  const cases = (['probe', 'central_mask', 'uniform'] as const).flatMap((w) =>
    translations.map((t) => [w, t] as const),
  );

  it.each(cases)('merge with %s weighting follows the reference formula (%s)', (weighting, translation) => {
    const merged = mergePatches(
      tensor('complex128', [B, C, N, N], patches),
      tensor('float64', [B, C, 2], positions),
      tensor('complex128', [N, N], probe),
      { weighting, paddedSize: Np, translation },
    );
    expect(merged.shape).toEqual([B, Np, Np]);
    for (let b = 0; b < B; b++) {
      const groupPositions = [0, 1, 2, 3].map((c) => [positions[(b * C + c) * 2], positions[(b * C + c) * 2 + 1]]);
      const expected = mergeOracle(
        patches.subarray(b * C * N * N * 2, (b + 1) * C * N * N * 2),
        groupPositions,
        weightsFor(weighting),
        N,
        Np,
        weighting,
      );
      const got = merged.data.subarray(b * Np * Np * 2, (b + 1) * Np * Np * 2);
      expect(maxAbsDiff(got, expected) / maxAbs(expected)).toBeLessThan(1e-10);
    }
  });

  it.each(translations)('extract crops the shifted merged object (%s)', (translation) => {
    const merged = randomArray(B * Np * Np * 2, random);
    const out = extractPatches(tensor('complex128', [B, Np, Np], merged), tensor('float64', [B, C, 2], positions), N, {
      translation,
    });
    expect(out.shape).toEqual([B, C, N, N]);
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const expected = extractOracle(merged.subarray(b * Np * Np * 2, (b + 1) * Np * Np * 2), Np, N, [
          positions[(b * C + c) * 2],
          positions[(b * C + c) * 2 + 1],
        ]);
        const k = (b * C + c) * N * N * 2;
        expect(maxAbsDiff(out.data.subarray(k, k + N * N * 2), expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('uses the reference padded size by default: 74 for C = 1, 78 for C = 4', () => {
    const probeT = tensor('complex128', [N, N], probe);
    const one = mergePatches(
      tensor('complex128', [1, 1, N, N], patches.subarray(0, N * N * 2)),
      tensor('float64', [1, 1, 2], [0, 0]),
      probeT,
    );
    expect(one.shape).toEqual([1, N + 10, N + 10]);
    const four = mergePatches(
      tensor('complex128', [B, C, N, N], patches),
      tensor('float64', [B, C, 2], positions),
      probeT,
    );
    expect(four.shape).toEqual([B, N + 14, N + 14]);
  });
});

describe('far field', () => {
  it.each([8, 16])('equals the direct DFT, fftshifted and ortho-normalised, for N = %i', (n) => {
    const random = rng(n);
    const psi = randomArray(3 * n * n * 2, random);
    const out = farField(tensor('complex128', [3, n, n], psi));
    for (let p = 0; p < 3; p++) {
      const expected = farFieldOracle(psi.subarray(p * n * n * 2, (p + 1) * n * n * 2), n);
      expect(maxAbsDiff(out.data.subarray(p * n * n * 2, (p + 1) * n * n * 2), expected)).toBeLessThan(1e-12);
    }
  });

  it('puts a constant illumination into the centre pixel N/2 with Parseval’s norm', () => {
    const n = 8;
    const psi = new Float64Array(n * n * 2);
    for (let i = 0; i < n * n; i++) psi[2 * i] = 1;
    const out = farField(tensor('complex128', [n, n], psi));
    const centre = ((n / 2) * n + n / 2) * 2;
    expect(out.data[centre]).toBeCloseTo(n, 12); // Σ 1 / n = n² / n
    const energy = Array.from(out.data).reduce((s, v) => s + v * v, 0);
    expect(energy).toBeCloseTo(n * n, 10);
  });

  it('forwardIntensity = |far field(scale · probe · O)|² without the overlap constraint', () => {
    const n = 8;
    const random = rng(5);
    const O = randomArray(n * n * 2, random);
    const P = randomArray(n * n * 2, random);
    const scale = 3;
    const psi = new Float64Array(n * n * 2);
    for (let i = 0; i < n * n; i++) {
      psi[2 * i] = scale * (P[2 * i] * O[2 * i] - P[2 * i + 1] * O[2 * i + 1]);
      psi[2 * i + 1] = scale * (P[2 * i] * O[2 * i + 1] + P[2 * i + 1] * O[2 * i]);
    }
    const F = farFieldOracle(psi, n);
    const expected = Array.from({ length: n * n }, (_, i) => F[2 * i] ** 2 + F[2 * i + 1] ** 2);
    const I = forwardIntensity(
      tensor('complex128', [1, 1, n, n], O),
      tensor('float64', [1, 1, 2], [1.5, -2]), // ignored without objectBig
      tensor('complex128', [n, n], P),
      scale,
    );
    expect(I.dtype).toBe('float64');
    expect(maxAbsDiff(I.data, expected) / maxAbs(expected)).toBeLessThan(1e-12);
  });
});
