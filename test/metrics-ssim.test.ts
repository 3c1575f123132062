// SSIM of reference §8 (7×7 uniform window, K1 0.01, K2 0.03, sample covariances)
// against values worked out here from the formula.
import { describe, expect, it } from 'vitest';

import { ssim, type RealImage } from '../lib/metrics';
import { Rng } from '../lib/random/rng';

const C1 = (range: number): number => (0.01 * range) ** 2;
const C2 = (range: number): number => (0.03 * range) ** 2;

function random(height: number, width: number, seed: number): RealImage {
  const rng = new Rng(seed);
  return { height, width, data: new Float64Array(height * width).map(() => rng.uniform()) };
}

function constant(height: number, width: number, value: number): RealImage {
  return { height, width, data: new Float64Array(height * width).fill(value) };
}

describe('SSIM', () => {
  it('an image against itself is 1', () => {
    const x = random(20, 13, 1);
    expect(ssim(x, x, 1)).toBe(1);
  });

  it('constant images: (2μxμy + C1)/(μx² + μy² + C1), the structure term being C2/C2', () => {
    expect(ssim(constant(7, 7, 0.2), constant(7, 7, 0.6), 1)).toBeCloseTo(
      (2 * 0.2 * 0.6 + C1(1)) / (0.2 ** 2 + 0.6 ** 2 + C1(1)),
      14,
    );
  });

  it('an image against itself plus an offset: the luminance term, window by window', () => {
    const x = random(9, 10, 2);
    const offset = 0.3;
    const y = { ...x, data: x.data.map((v) => v + offset) };
    const range = 2;
    let expected = 0;
    let windows = 0;
    for (let i = 0; i + 7 <= 9; i++) {
      for (let j = 0; j + 7 <= 10; j++) {
        let mx = 0;
        for (let a = 0; a < 7; a++) for (let b = 0; b < 7; b++) mx += x.data[(i + a) * 10 + j + b] / 49;
        const my = mx + offset;
        expected += (2 * mx * my + C1(range)) / (mx * mx + my * my + C1(range));
        windows++;
      }
    }
    expect(windows).toBe(12);
    expect(ssim(x, y, range)).toBeCloseTo(expected / windows, 12);
  });

  it('one window, y = 2x: variances are sample variances (divided by 48)', () => {
    const x = random(7, 7, 3);
    const y = { ...x, data: x.data.map((v) => 2 * v) };
    const mu = x.data.reduce((s, v) => s + v, 0) / 49;
    const s2 = x.data.reduce((s, v) => s + (v - mu) ** 2, 0) / 48;
    // μy = 2μ, σy² = 4s², σxy = 2s²
    const expected = ((4 * mu * mu + C1(1)) * (4 * s2 + C2(1))) / ((5 * mu * mu + C1(1)) * (5 * s2 + C2(1)));
    expect(ssim(x, y, 1)).toBeCloseTo(expected, 14);
  });

  it('refuses images smaller than the window and a data range that is not positive', () => {
    expect(() => ssim(constant(6, 9, 0), constant(6, 9, 0), 1)).toThrow(/at least 7×7, got 6×9/);
    expect(() => ssim(constant(7, 7, 0), constant(7, 7, 0), 0)).toThrow(/positive data range, got 0/);
  });
});
