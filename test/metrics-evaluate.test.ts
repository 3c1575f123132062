// evaluate (reference §8, issue 6 item 6): alignment then metrics, shaped as metrics.json.
import { describe, expect, it } from 'vitest';

import { cropToRegion, evaluate, type ComplexImage, type Metrics } from '../lib/metrics';
import { Rng } from '../lib/random/rng';

const HEIGHT = 40;
const WIDTH = 48;

/** A random object: amplitude in [0.5, 1], phase in [−0.5, 0.5]. */
function groundTruth(seed = 1): ComplexImage {
  const rng = new Rng(seed);
  const data = new Float64Array(2 * HEIGHT * WIDTH);
  for (let k = 0; k < HEIGHT * WIDTH; k++) {
    const amplitude = 0.5 + 0.5 * rng.uniform();
    const phase = rng.uniform() - 0.5;
    data[2 * k] = amplitude * Math.cos(phase);
    data[2 * k + 1] = amplitude * Math.sin(phase);
  }
  return { height: HEIGHT, width: WIDTH, data };
}

/** The region of the truth at `origin`, amplitude × scale and phase + a + b·x + c·y, as float32. */
function reconstructionOf(
  truth: ComplexImage,
  origin: [number, number],
  height: number,
  width: number,
  scale: number,
  [a, b, c]: [number, number, number],
): ComplexImage {
  const region = cropToRegion(truth, origin, height, width);
  const data = new Float32Array(region.data.length);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const k = i * width + j;
      const amplitude = scale * Math.hypot(region.data[2 * k], region.data[2 * k + 1]);
      const phase = Math.atan2(region.data[2 * k + 1], region.data[2 * k]) + a + b * j + c * i;
      data[2 * k] = amplitude * Math.cos(phase);
      data[2 * k + 1] = amplitude * Math.sin(phase);
    }
  }
  return { height, width, data };
}

function expectPerfect(metrics: Metrics): void {
  for (const channel of [metrics.amplitude, metrics.phase]) {
    // float32 storage of the reconstruction limits agreement to ~1e-7.
    expect(channel.mae).toBeLessThan(1e-6);
    expect(channel.psnr!).toBeGreaterThan(120);
    expect(channel.ssim!).toBeCloseTo(1, 9);
    expect([channel.frc50, channel.frc_1_7, channel.frc_halfbit]).toEqual([null, null, null]);
  }
}

describe('evaluate', () => {
  it('is shaped as metrics.json, JSON-safe, with border 2 by default', () => {
    const truth = groundTruth();
    const metrics = evaluate({ object: reconstructionOf(truth, [4, 3], 24, 30, 1, [0, 0, 0]), origin: [4, 3] }, truth);
    expect(Object.keys(metrics).sort()).toEqual(['amplitude', 'border', 'phase']);
    const keys = ['frc50', 'frc_1_7', 'frc_halfbit', 'mae', 'psnr', 'ssim'];
    expect(Object.keys(metrics.amplitude).sort()).toEqual(keys);
    expect(Object.keys(metrics.phase).sort()).toEqual(keys);
    expect(metrics.border).toBe(2);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);
  });

  it('a cropped truth with its amplitude scaled and a phase plane added compares as perfect', () => {
    const truth = groundTruth();
    const object = reconstructionOf(truth, [5, 7], 24, 30, 2.5, [0.3, 0.05, -0.08]);
    expectPerfect(evaluate({ object, origin: [5, 7] }, truth));
    // A ramp steep enough to wrap across the image is removed as well.
    const steep = reconstructionOf(truth, [5, 7], 24, 30, 0.2, [-2, 0.7, 1.3]);
    expectPerfect(evaluate({ object: steep, origin: [5, 7] }, truth, { border: 3 }));
  });

  it("'mean' alignment removes a constant phase but not a ramp", () => {
    const truth = groundTruth();
    const offset = reconstructionOf(truth, [5, 7], 24, 30, 1, [2, 0, 0]);
    expectPerfect(evaluate({ object: offset, origin: [5, 7] }, truth, { phaseAlignment: 'mean' }));
    const tilted = reconstructionOf(truth, [5, 7], 24, 30, 1, [0, 0.05, 0]);
    const metrics = evaluate({ object: tilted, origin: [5, 7] }, truth, { phaseAlignment: 'mean' });
    expect(metrics.phase.mae).toBeGreaterThan(0.1);
    expect(metrics.amplitude.mae).toBeLessThan(1e-6);
  });

  it('the origin picks the region: the right one compares as perfect, one pixel off does not', () => {
    const truth = groundTruth();
    const object = reconstructionOf(truth, [10, 6], 20, 20, 1, [0, 0, 0]);
    expectPerfect(evaluate({ object, origin: [10, 6] }, truth));
    const shifted = evaluate({ object, origin: [11, 6] }, truth);
    expect(shifted.amplitude.mae).toBeGreaterThan(0.05);
    expect(shifted.amplitude.ssim!).toBeLessThan(0.5);
    expect(shifted.phase.mae).toBeGreaterThan(0.1);
    // Half-pixel origins are resampled: the reconstruction built there matches there only.
    const half = reconstructionOf(truth, [10.5, 6.5], 20, 20, 1, [0, 0, 0]);
    expectPerfect(evaluate({ object: half, origin: [10.5, 6.5] }, truth));
    expect(evaluate({ object: half, origin: [10, 6] }, truth).amplitude.mae).toBeGreaterThan(0.02);
  });

  it('equal images give PSNR null (MSE 0); a constant truth amplitude gives amplitude SSIM null', () => {
    const truth = groundTruth();
    const object = cropToRegion(truth, [0, 0], 20, 20);
    expect(evaluate({ object, origin: [0, 0] }, truth).phase.psnr).toBeNull();
    const phaseOnly = { ...truth, data: truth.data.map((_, k) => (k % 2 ? 0 : 1)) };
    const metrics = evaluate({ object: cropToRegion(phaseOnly, [0, 0], 20, 20), origin: [0, 0] }, phaseOnly);
    expect(metrics.amplitude.ssim).toBeNull();
    expect(metrics.amplitude.mae).toBe(0);
  });

  it('refuses what cannot be compared, saying why', () => {
    const truth = groundTruth();
    const object = reconstructionOf(truth, [0, 0], 12, 12, 1, [0, 0, 0]);
    expect(() => evaluate({ object, origin: [40, 0] }, truth)).toThrow(/not inside the ground truth \(40×48/);
    expect(() => evaluate({ object, origin: [0, 0] }, truth, { border: 3 })).toThrow(
      /12×12 reconstruction less a border of 3 px leaves 6×6; SSIM needs at least 7×7/,
    );
    expect(() => evaluate({ object, origin: [0, 0] }, truth, { border: -1 })).toThrow(/non-negative integer/);
    const dark = { ...object, data: new Float32Array(object.data.length) };
    expect(() => evaluate({ object: dark, origin: [0, 0] }, truth)).toThrow(/amplitude is zero/);
    expect(() => evaluate({ object: { ...object, height: 13 }, origin: [0, 0] }, truth)).toThrow(/13×12 complex/);
  });
});
