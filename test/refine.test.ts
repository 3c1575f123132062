// Physics refinement: the patch cut it differentiates, and the fit of a whole object
// to a scan's measured amplitudes (lib/refine/refineObject.ts).
import { describe, expect, it } from 'vitest';

import { evaluate } from '../lib/metrics';
import { addon } from '../lib/native';
import { refineObject } from '../lib/refine/refineObject';
import { simulate } from '../lib/simulate/simulate';
import type { StitchedObject } from '../lib/stitch/Stitcher';
import { randomArray, rng, sample, tensor } from './helpers/oracle';

const { binding } = addon();

describe('gatherPatches', () => {
  it('cuts bilinear patches at sub-pixel corners, zero outside the object', () => {
    const random = rng(7);
    const [H, W, n] = [9, 11, 4];
    const object = tensor('complex128', [H, W], randomArray(H * W * 2, random));
    const corners = [
      [0, 0],
      [2.5, 1.25],
      [-0.75, 6.5],
      [8.2, 7.9],
    ];
    const patches = binding.gatherPatches(object, tensor('float64', [4, 2], corners.flat()), n);
    expect(patches.shape).toEqual([4, n, n]);
    corners.forEach(([x, y], m) => {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const expected = sample(object.data, H, W, 2, y + j, x + i);
          const k = 2 * ((m * n + j) * n + i);
          expect(patches.data[k]).toBeCloseTo(expected[0], 12);
          expect(patches.data[k + 1]).toBeCloseTo(expected[1], 12);
        }
      }
    });
  });
});

const N = 32;
/** A noise-free scan: the fit can then go all the way to the truth. */
const scan = simulate({ N, nImages: 64, seed: 11, noise: false, positions: { kind: 'raster', step: 6 } });
const [truthH, truthW] = scan.objectGuess!.shape;

/** A flat start on the grid the stitcher would give: the central crops' extent. */
function flatStart(level = 1): StitchedObject {
  const pad = 10;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  scan.xcoords.forEach((x, i) => {
    x0 = Math.min(x0, x - pad);
    x1 = Math.max(x1, x + pad);
    y0 = Math.min(y0, scan.ycoords[i] - pad);
    y1 = Math.max(y1, scan.ycoords[i] + pad);
  });
  const [width, height] = [x1 - x0, y1 - y0];
  const data = new Float32Array(2 * width * height).map((_, k) => (k % 2 ? 0 : level));
  return {
    object: { dtype: 'complex64', shape: [height, width], data },
    amplitude: new Float32Array(width * height).fill(level),
    phase: new Float32Array(width * height),
    height,
    width,
    origin: [x0, y0],
  };
}

const metricsOf = (s: StitchedObject) =>
  evaluate(
    { object: { height: s.height, width: s.width, data: s.object.data }, origin: s.origin },
    { height: truthH, width: truthW, data: scan.objectGuess!.data },
  );

describe('refineObject', () => {
  it('fits a flat start to the scan: the object appears and the R-factor falls', async () => {
    const start = flatStart();
    const records: number[] = [];
    const { stitched, summary } = await refineObject(start, scan, {
      iterations: 30,
      onIteration: (r) => records.push(r.loss),
    });
    expect([stitched.height, stitched.width, ...stitched.origin]).toEqual([start.height, start.width, ...start.origin]);
    expect(summary.iterations).toBe(30);
    expect(records).toHaveLength(30);
    expect(records.at(-1)!).toBeLessThan(records[0] / 10);
    expect(summary.finalRFactor).toBeLessThan(summary.initialRFactor / 5);
    const metrics = metricsOf(stitched);
    expect(metrics.amplitude.ssim).toBeGreaterThan(0.9);
    expect(metricsOf(start).amplitude.ssim).toBeLessThan(0.3);
  }, 30_000);

  it('does not depend on the level of the starting object, and repeats with the same seed', async () => {
    const a = await refineObject(flatStart(1), scan, { iterations: 3, seed: 5 });
    const b = await refineObject(flatStart(1000), scan, { iterations: 3, seed: 5 });
    const c = await refineObject(flatStart(1), scan, { iterations: 3, seed: 5 });
    expect(c.stitched.object.data).toEqual(a.stitched.object.data);
    let worst = 0;
    a.stitched.object.data.forEach((v, k) => {
      worst = Math.max(worst, Math.abs(v - b.stitched.object.data[k]));
    });
    expect(worst).toBeLessThan(1e-4 * Math.max(...a.stitched.amplitude));
  });

  it('leaves the measured amplitudes untouched (they are read in place)', async () => {
    const before = Float32Array.from(scan.diffraction.data);
    await refineObject(flatStart(), scan, { iterations: 2 });
    expect(scan.diffraction.data).toEqual(before);
  });

  it('stops on abort and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = refineObject(flatStart(), scan, {
      iterations: 100000,
      signal: controller.signal,
      onIteration: () => controller.abort(),
    });
    await expect(pending).rejects.toThrow(/aborted/i);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('rejects with the error a progress callback throws', async () => {
    const pending = refineObject(flatStart(), scan, {
      iterations: 5,
      onIteration: () => {
        throw new Error('callback says no');
      },
    });
    await expect(pending).rejects.toThrow('callback says no');
  });

  it('names a bad argument', () => {
    const start = flatStart();
    const data = {
      object: start.object,
      probe: scan.probeGuess,
      amplitudes: scan.diffraction,
      corners: tensor('float64', [3, 2], [0, 0, 1, 1, 2, 2]),
    };
    expect(() => binding.refineObject(data)).toThrow(/corners: expected shape \[64, 2\], got \[3, 2\]/);
    expect(() =>
      binding.refineObject({ ...data, amplitudes: tensor('float32', [2, 5, 5], new Float32Array(50)) }),
    ).toThrow(/amplitudes: expected shape \[\*, 32, 32\]/);
    expect(() =>
      binding.refineObject({ ...data, corners: tensor('float64', [64, 2], new Float64Array(128)) }, { batchSize: 0 }),
    ).toThrow(/batchSize: expected a positive integer/);
  });
});
