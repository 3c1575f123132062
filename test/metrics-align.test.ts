// Alignment before comparison (reference §7, §8): the ground truth cropped to the
// reconstruction's origin, the border trimmed, the phase trend removed.
import { describe, expect, it } from 'vitest';

import { cropToRegion, fitPlane, removePhaseTrend, trimBorder, wrapPhase, type RealImage } from '../lib/metrics';
import { Rng } from '../lib/random/rng';

/** A 10×12 ground truth whose value at object-grid (x, y) is x + 100·y + i·(2x − y). */
function linearTruth(): { height: number; width: number; data: Float64Array } {
  const height = 10;
  const width = 12;
  const data = new Float64Array(2 * height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[2 * (y * width + x)] = x + 100 * y;
      data[2 * (y * width + x) + 1] = 2 * x - y;
    }
  }
  return { height, width, data };
}

function expectRegion(crop: { data: Float64Array | Float32Array }, x0: number, y0: number, h: number, w: number) {
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      expect(crop.data[2 * (i * w + j)]).toBeCloseTo(x0 + j + 100 * (y0 + i), 12);
      expect(crop.data[2 * (i * w + j) + 1]).toBeCloseTo(2 * (x0 + j) - (y0 + i), 12);
    }
  }
}

function ramp(height: number, width: number, a: number, b: number, c: number): RealImage {
  const data = new Float64Array(height * width);
  for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) data[i * width + j] = a + b * j + c * i;
  return { height, width, data };
}

describe('cropToRegion', () => {
  it('an integer origin picks the pixels at object-grid [x0 + j, y0 + i]', () => {
    const crop = cropToRegion(linearTruth(), [3, 2], 4, 5);
    expect([crop.height, crop.width]).toEqual([4, 5]);
    expectRegion(crop, 3, 2, 4, 5);
    // The whole ground truth, and a float32 one, read back unchanged.
    const truth = linearTruth();
    expect(Array.from(cropToRegion(truth, [0, 0], 10, 12).data)).toEqual(Array.from(truth.data));
    expectRegion(cropToRegion({ ...truth, data: Float32Array.from(truth.data) }, [7, 6], 4, 5), 7, 6, 4, 5);
  });

  it('a half-pixel origin resamples bilinearly (exact on a linear object)', () => {
    expectRegion(cropToRegion(linearTruth(), [3.5, 2.5], 4, 5), 3.5, 2.5, 4, 5);
    expectRegion(cropToRegion(linearTruth(), [0.25, 5.5], 4, 11), 0.25, 5.5, 4, 11);
  });

  it('an origin a rounding away from an integer is read as that integer', () => {
    expectRegion(cropToRegion(linearTruth(), [7 + 1e-9, 6 - 1e-9], 4, 5), 7, 6, 4, 5);
  });

  it('a region reaching outside the ground truth is refused, naming both sizes', () => {
    expect(() => cropToRegion(linearTruth(), [8, 2], 4, 5)).toThrow(
      /reconstruction \(4×5\) at origin \[8, 2\] covers object-grid x 8 … 12, y 2 … 5.*ground truth \(10×12/,
    );
    expect(() => cropToRegion(linearTruth(), [-0.5, 0], 4, 5)).toThrow(/not inside the ground truth/);
    expect(() => cropToRegion(linearTruth(), [0, 6.5], 4, 5)).toThrow(/not inside the ground truth/);
  });
});

describe('trimBorder', () => {
  it('drops `border` pixels on each side', () => {
    const image = ramp(5, 6, 0, 1, 10);
    const trimmed = trimBorder(image, 2);
    expect([trimmed.height, trimmed.width]).toEqual([1, 2]);
    expect(Array.from(trimmed.data)).toEqual([22, 23]);
    expect(trimBorder(image, 0).data).toEqual(image.data);
    expect(() => trimBorder(image, 3)).toThrow(/border of 3 px leaves nothing of a 5×6 image/);
  });
});

describe('phase alignment', () => {
  it('wrapPhase maps onto (−π, π]', () => {
    expect(wrapPhase(Math.PI)).toBeCloseTo(Math.PI, 15);
    expect(wrapPhase(-Math.PI)).toBeCloseTo(Math.PI, 15);
    expect(wrapPhase(1.5 * Math.PI)).toBeCloseTo(-0.5 * Math.PI, 14);
    expect(wrapPhase(-7)).toBeCloseTo(-7 + 2 * Math.PI, 14);
    expect(wrapPhase(0.3)).toBe(0.3);
  });

  it('fitPlane recovers a + b·x + c·y', () => {
    const [a, b, c] = fitPlane(ramp(6, 9, 0.4, -0.07, 0.11));
    expect(a).toBeCloseTo(0.4, 13);
    expect(b).toBeCloseTo(-0.07, 13);
    expect(c).toBeCloseTo(0.11, 13);
  });

  it.each([
    ['a small ramp', 0.3, 0.02, -0.03],
    ['a ramp that wraps many times', 2.5, 0.9, -1.7],
  ])('plane removal takes %s off a phase exactly', (_, a, b, c) => {
    const rng = new Rng(9);
    const height = 14;
    const width = 17;
    const phase = { height, width, data: new Float64Array(height * width).map(() => rng.uniform() - 0.5) };
    const tilted = ramp(height, width, a, b, c);
    tilted.data.forEach((v, k) => (tilted.data[k] = wrapPhase(v + phase.data[k])));
    const expected = removePhaseTrend(phase, 'plane');
    const aligned = removePhaseTrend(tilted, 'plane');
    for (let k = 0; k < expected.data.length; k++) expect(aligned.data[k]).toBeCloseTo(expected.data[k], 10);
    // Nothing wraps in `phase`, so its alignment is the plain least-squares residual.
    const [pa, pb, pc] = fitPlane(phase);
    const k = 5 * width + 3;
    expect(expected.data[k]).toBeCloseTo(phase.data[k] - (pa + pb * 3 + pc * 5), 13);
  });

  it("'mean' removes only the mean phase, even across the ±π cut", () => {
    const rng = new Rng(4);
    const phase = { height: 8, width: 8, data: new Float64Array(64).map(() => 0.4 * (rng.uniform() - 0.5)) };
    const shifted = { ...phase, data: phase.data.map((v) => wrapPhase(v + 3)) };
    const mean = phase.data.reduce((s, v) => s + v, 0) / 64;
    const aligned = removePhaseTrend(shifted, 'mean');
    for (let k = 0; k < 64; k++) expect(aligned.data[k]).toBeCloseTo(phase.data[k] - mean, 12);
    // A ramp survives mean removal.
    const tilted = removePhaseTrend(ramp(8, 8, 0, 0.1, 0), 'mean');
    expect(tilted.data[7] - tilted.data[0]).toBeCloseTo(0.7, 12);
  });
});
