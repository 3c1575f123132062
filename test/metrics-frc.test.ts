// FFT and Fourier ring correlation of reference §8. Crossings are in cycles/pixel.
import { describe, expect, it } from 'vitest';

import {
  fftInPlace,
  fft2InPlace,
  firstCrossing,
  fourierRingCorrelation,
  frcResolution,
  halfBitThreshold,
  type FrcCurve,
  type RealImage,
} from '../lib/metrics';
import { Rng } from '../lib/random/rng';

function random(height: number, width: number, seed: number): RealImage {
  const rng = new Rng(seed);
  return { height, width, data: new Float64Array(height * width).map(() => rng.uniform()) };
}

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * k * t) / n;
      outRe[k] += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
      outIm[k] += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
    }
  }
  return [outRe, outIm];
}

/**
 * The image with every frequency of ring > keep turned by ±90° (i·sign(k), odd so that
 * the image stays real): rings up to `keep` correlate fully, the rest not at all, since
 * Σ F·(i·sign(k)·F)* over a ring cancels between k and −k. n must be odd (no Nyquist
 * frequency, which would be its own mirror).
 */
function quadratureBeyond(image: RealImage, keep: number): RealImage {
  const n = image.width;
  const re = Float64Array.from(image.data);
  const im = new Float64Array(n * n);
  fft2InPlace(re, im, n, n);
  const signed = (i: number): number => (i <= n / 2 ? i : i - n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (Math.round(Math.hypot(signed(i), signed(j))) <= keep) continue;
      const sign = Math.sign(signed(i) || signed(j));
      const k = i * n + j;
      [re[k], im[k]] = [-sign * im[k], sign * re[k]];
    }
  }
  // Inverse through conjugation.
  for (let k = 0; k < im.length; k++) im[k] = -im[k];
  fft2InPlace(re, im, n, n);
  return { height: n, width: n, data: re.map((v) => v / (n * n)) };
}

describe('fft', () => {
  it.each([1, 2, 8, 64, 3, 7, 12, 30])('matches the naive DFT at length %i', (n) => {
    const rng = new Rng(n);
    const re = new Float64Array(n).map(() => rng.normal());
    const im = new Float64Array(n).map(() => rng.normal());
    const [expectedRe, expectedIm] = naiveDft(re, im);
    fftInPlace(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(expectedRe[k], 10);
      expect(im[k]).toBeCloseTo(expectedIm[k], 10);
    }
  });
});

describe('Fourier ring correlation', () => {
  it.each([
    [32, 32],
    [30, 30],
    [20, 27],
  ])('an image with itself (%i×%i) is 1 at every ring, with no crossing', (height, width) => {
    const x = random(height, width, 5);
    const curve = fourierRingCorrelation(x, x);
    const n = Math.min(height, width);
    expect(curve.size).toBe(n);
    expect(curve.correlation.length).toBe(Math.floor(n / 2) + 1);
    for (const value of curve.correlation) expect(value).toBeCloseTo(1, 12);
    expect(frcResolution(curve)).toEqual({ frc50: null, frc_1_7: null, frc_halfbit: null });
  });

  it('ring 0 is the mean alone and ring 1 its 8 neighbours; the rings hold the disk up to Nyquist', () => {
    const curve = fourierRingCorrelation(random(16, 16, 1), random(16, 16, 2));
    expect(Array.from(curve.pixels.subarray(0, 2))).toEqual([1, 8]);
    let inDisk = 0;
    for (let i = -8; i < 8; i++) for (let j = -8; j < 8; j++) if (Math.round(Math.hypot(i, j)) <= 8) inDisk++;
    expect(curve.pixels.reduce((s, v) => s + v, 0)).toBe(inDisk);
  });

  it('independent noise images correlate weakly and cross 0.5 at the lowest rings', () => {
    const curve = fourierRingCorrelation(random(64, 64, 11), random(64, 64, 12));
    const rings = Array.from(curve.correlation.subarray(1));
    expect(rings.reduce((s, v) => s + v, 0) / rings.length).toBeLessThan(0.15);
    const { frc50, frc_1_7 } = frcResolution(curve);
    expect(frc50).not.toBeNull();
    expect(frc50!).toBeLessThan(3 / 64);
    expect(frc_1_7!).toBeLessThan(0.2);
  });

  it('1 up to ring R and 0 beyond: crossings interpolated between R and R + 1', () => {
    const n = 31;
    const x = random(n, n, 7);
    const R = 6;
    const curve = fourierRingCorrelation(x, quadratureBeyond(x, R));
    for (let r = 0; r <= R; r++) expect(curve.correlation[r]).toBeCloseTo(1, 10);
    for (let r = R + 1; r <= 15; r++) expect(curve.correlation[r]).toBeCloseTo(0, 10);
    const resolution = frcResolution(curve);
    // 0.5 lies halfway from 1 to 0; 1/7 at 6/7 of the way.
    expect(resolution.frc50!).toBeCloseTo((R + 0.5) / n, 10);
    expect(resolution.frc_1_7!).toBeCloseTo((R + 6 / 7) / n, 10);
    // The half-bit threshold changes from ring to ring: 1 − T(n_R) above, 0 − T(n_R+1) below.
    const above = 1 - halfBitThreshold(curve.pixels[R]);
    const below = -halfBitThreshold(curve.pixels[R + 1]);
    expect(resolution.frc_halfbit!).toBeCloseTo((R + above / (above - below)) / n, 10);
  });

  it('firstCrossing interpolates linearly between rings of a given curve', () => {
    const curve: FrcCurve = {
      size: 8,
      correlation: Float64Array.from([1, 0.9, 0.6, 0.4, 0.1]),
      pixels: Float64Array.from([1, 8, 16, 20, 24]),
    };
    expect(firstCrossing(curve, () => 0.5)).toBeCloseTo(2.5 / 8, 14);
    const above = 0.4 - 1 / 7;
    const below = 0.1 - 1 / 7;
    expect(firstCrossing(curve, () => 1 / 7)).toBeCloseTo((3 + above / (above - below)) / 8, 14);
    expect(firstCrossing(curve, () => 0.05)).toBeNull();
  });

  it('the half-bit curve is 1 for a single pixel and tends to 0.2071/1.2071', () => {
    expect(halfBitThreshold(1)).toBeCloseTo(1, 12);
    expect(halfBitThreshold(8)).toBeCloseTo((0.2071 + 1.9102 / Math.sqrt(8)) / (1.2071 + 0.9102 / Math.sqrt(8)), 14);
    expect(halfBitThreshold(1e12)).toBeCloseTo(0.2071 / 1.2071, 5);
  });
});
