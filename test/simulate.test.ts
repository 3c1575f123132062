// Simulation: the data are the far field of their own ground truth, photons and
// noise are as asked, and the generators make what they claim.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

import { datasetFromArrays } from '../lib/data/contract';
import { datasetArrays } from '../lib/data/datasetFile';
import type { JsTensor } from '../lib/native/binding';
import { farField } from '../lib/physics';
import { Rng } from '../lib/random/rng';
import { defaultProbe, diskProbe } from '../lib/simulate/probes';
import { scanPositions } from '../lib/simulate/positions';
import { simulate } from '../lib/simulate/simulate';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-simulate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const N = 32;
const abs = (data: ArrayLike<number>, k: number) => Math.hypot(data[2 * k], data[2 * k + 1]);

/** Bilinear sample of a complex64 image at (x, y), zero outside. */
function sample(image: JsTensor, x: number, y: number): [number, number] {
  const [H, W] = image.shape;
  const [x0, y0] = [Math.floor(x), Math.floor(y)];
  let re = 0;
  let im = 0;
  for (const [dy, wy] of [
    [0, 1 - (y - y0)],
    [1, y - y0],
  ]) {
    for (const [dx, wx] of [
      [0, 1 - (x - x0)],
      [1, x - x0],
    ]) {
      const [r, c] = [y0 + dy, x0 + dx];
      if (r < 0 || c < 0 || r >= H || c >= W) continue;
      re += wy * wx * image.data[2 * (r * W + c)];
      im += wy * wx * image.data[2 * (r * W + c) + 1];
    }
  }
  return [re, im];
}

describe('simulate', () => {
  const clean = simulate({ N, nImages: 40, nphotons: 1e6, seed: 4, noise: false, positions: { kind: 'random' } });

  it('diffraction (noise off) equals |far field(probeGuess × Y)| of its own ground truth to 1e-5', () => {
    const { probeGuess, Y, diffraction } = clean;
    const psi = new Float32Array(Y!.data.length);
    for (let m = 0; m < 40; m += 1) {
      for (let p = 0; p < N * N; p += 1) {
        const [a, b] = [probeGuess.data[2 * p], probeGuess.data[2 * p + 1]];
        const k = 2 * (m * N * N + p);
        const [c, d] = [Y!.data[k], Y!.data[k + 1]];
        psi[k] = a * c - b * d;
        psi[k + 1] = a * d + b * c;
      }
    }
    const field = farField({ dtype: 'complex64', shape: [40, N, N], data: psi }).data;
    let peak = 0;
    let worst = 0;
    for (let k = 0; k < diffraction.data.length; k += 1) {
      peak = Math.max(peak, diffraction.data[k]);
      worst = Math.max(worst, Math.abs(abs(field, k) - diffraction.data[k]));
    }
    expect(worst / peak).toBeLessThan(1e-5);
  });

  it('Y is the object at the (sub-pixel) positions: patch pixel j at pos − N/2 + j', () => {
    const { Y, objectGuess, xcoords, ycoords } = clean;
    expect(Y!.shape).toEqual([40, N, N]);
    expect(xcoords.some((x) => !Number.isInteger(x))).toBe(true);
    for (const [m, r, c] of [
      [0, 0, 0],
      [7, 16, 16],
      [39, 31, 5],
      [21, 3, 30],
    ]) {
      const [re, im] = sample(objectGuess!, xcoords[m] - N / 2 + c, ycoords[m] - N / 2 + r);
      const k = 2 * ((m * N + r) * N + c);
      expect(Y!.data[k]).toBeCloseTo(re, 5);
      expect(Y!.data[k + 1]).toBeCloseTo(im, 5);
    }
  });

  it('mean Σ diffraction² is nphotons; with noise, diffraction² are Poisson counts', () => {
    const total = (data: ArrayLike<number>) => Array.from(data).reduce((sum, v) => sum + v * v, 0) / 40;
    expect(total(clean.diffraction.data) / 1e6).toBeCloseTo(1, 4);
    expect(clean.nphotons).toBe(1e6);
    const noisy = simulate({ N, nImages: 40, nphotons: 1e6, seed: 4, positions: { kind: 'random' } });
    expect(total(noisy.diffraction.data) / 1e6).toBeCloseTo(1, 2);
    expect(noisy.diffraction.data.every((v) => Math.abs(v * v - Math.round(v * v)) < 1e-3 * Math.max(1, v * v))).toBe(
      true,
    );
    // Poisson: variance of (counts − expected) ≈ expected, summed over all pixels.
    let residual = 0;
    let expected = 0;
    for (let k = 0; k < noisy.diffraction.data.length; k += 1) {
      const lambda = clean.diffraction.data[k] ** 2;
      residual += (noisy.diffraction.data[k] ** 2 - lambda) ** 2;
      expected += lambda;
    }
    expect(residual / expected).toBeGreaterThan(0.95);
    expect(residual / expected).toBeLessThan(1.05);
  });

  it('is reproducible by seed', () => {
    const a = simulate({ N, nImages: 16, seed: 9, nphotons: 1e4 });
    const b = simulate({ N, nImages: 16, seed: 9, nphotons: 1e4 });
    const c = simulate({ N, nImages: 16, seed: 10, nphotons: 1e4 });
    expect(b.diffraction.data).toEqual(a.diffraction.data);
    expect(c.diffraction.data).not.toEqual(a.diffraction.data);
  });

  it('satisfies the dataset contract (round trip through the NPZ arrays)', () => {
    const ds = simulate({ N, nImages: 24, seed: 2, object: { kind: 'grf' }, probe: { kind: 'disk' } });
    const arrays = new Map(Object.entries(datasetArrays(ds)));
    expect([...arrays.keys()].sort()).toEqual(
      [
        'Y',
        'diff3d',
        'nphotons',
        'objectGuess',
        'probeGuess',
        'xcoords',
        'xcoords_start',
        'ycoords',
        'ycoords_start',
      ].sort(),
    );
    const back = datasetFromArrays({ file: 'simulated', arrays, skipped: [] });
    expect(back.diffraction.data).toEqual(ds.diffraction.data);
    expect(back.nphotons).toBe(1e9);
  });
});

describe('generators', () => {
  it('lines: amplitude in [0, 1] with maximum 1, zero phase, structured', () => {
    const ds = simulate({ N, nImages: 9, seed: 1, noise: false });
    const object = ds.objectGuess!;
    const amplitudes = Array.from({ length: object.data.length / 2 }, (_, k) => abs(object.data, k));
    expect(Math.max(...amplitudes)).toBeCloseTo(1, 5);
    expect(Math.min(...amplitudes)).toBeGreaterThanOrEqual(0);
    expect(object.data.filter((_, k) => k % 2 === 1).every((v) => v === 0)).toBe(true);
    const mean = amplitudes.reduce((a, b) => a + b, 0) / amplitudes.length;
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.9);
  });

  it('grf: power-law spectrum, most power at low frequencies', () => {
    const ds = simulate({ N, nImages: 64, seed: 3, object: { kind: 'grf' }, noise: false });
    const [H, W] = ds.objectGuess!.shape;
    const spectrum = farField(ds.objectGuess!).data;
    let low = 0;
    let high = 0;
    for (let i = 0; i < H; i += 1) {
      for (let j = 0; j < W; j += 1) {
        const r = Math.hypot(i - H / 2, j - W / 2);
        const power = abs(spectrum, i * W + j) ** 2;
        if (r > 0 && r <= 4) low += power;
        if (r > H / 4) high += power;
      }
    }
    expect(low).toBeGreaterThan(20 * high);
  });

  it('png: grey levels become the amplitude, a second PNG the phase', () => {
    const [w, h] = [80, 80];
    const write = (name: string, grey: (x: number, y: number) => number) => {
      const png = new PNG({ width: w, height: h });
      for (let y = 0; y < h; y += 1)
        for (let x = 0; x < w; x += 1) {
          const k = 4 * (y * w + x);
          png.data[k] = png.data[k + 1] = png.data[k + 2] = grey(x, y);
          png.data[k + 3] = 255;
        }
      const file = path.join(dir, name);
      fs.writeFileSync(file, PNG.sync.write(png));
      return file;
    };
    const amplitude = write('amp.png', (x) => x * 3);
    const phase = write('phase.png', (_, y) => (y % 2 === 0 ? 0 : 255));
    const ds = simulate({ N, nImages: 4, object: { kind: 'png', amplitude, phase }, noise: false });
    const object = ds.objectGuess!;
    expect(object.shape).toEqual([h, w]);
    const k = 3 * w + 10;
    expect(abs(object.data, k)).toBeCloseTo(30 / 255, 5);
    expect(Math.atan2(object.data[2 * k + 1], object.data[2 * k])).toBeCloseTo(Math.PI, 4);
    expect(Math.atan2(object.data[2 * (2 * w + 10) + 1], object.data[2 * (2 * w + 10)])).toBeCloseTo(-Math.PI, 4);
  });

  it("default probe: PtychoPINN's thresholded Gaussian, radius ≈ 10.9 px at N = 64, centred on N/2", () => {
    const probe = defaultProbe(64);
    const profile = Array.from({ length: 64 }, (_, j) => abs(probe.data, 32 * 64 + j));
    expect(profile[32]).toBeCloseTo(1, 5);
    expect(profile[32 - 5]).toBeCloseTo(profile[32 + 5], 6);
    const halfWidth = profile.filter((v) => v > 0.5).length / 2;
    expect(halfWidth).toBeGreaterThan(10);
    expect(halfWidth).toBeLessThan(12);
    expect(profile[0]).toBeLessThan(1e-6);
  });

  it('disk probe: in focus it is the disk; defocused it spreads with the same power', () => {
    const focused = diskProbe(64, { radius: 8, fresnelNumber: 1e6 });
    expect(abs(focused.data, 32 * 64 + 32)).toBeCloseTo(1, 2);
    expect(abs(focused.data, 32 * 64 + 45)).toBeLessThan(0.05);
    const defocused = diskProbe(64, { radius: 8, fresnelNumber: 0.5 });
    const power = (p: JsTensor) =>
      Array.from({ length: 64 * 64 }, (_, k) => abs(p.data, k) ** 2).reduce((a, b) => a + b);
    expect(power(defocused) / power(focused)).toBeGreaterThan(0.95);
    expect(abs(defocused.data, 32 * 64 + 45)).toBeGreaterThan(0.05);
  });

  it('raster positions: nominal grid with the step, jitter around it, inside the object', () => {
    const scan = scanPositions(16, 32, 200, { kind: 'raster', step: 10, jitter: 1 }, new Rng(1));
    expect(scan.xcoordsStart[1] - scan.xcoordsStart[0]).toBe(10);
    expect(scan.ycoordsStart[4] - scan.ycoordsStart[0]).toBe(10);
    expect(scan.xcoords[5]).not.toBe(scan.xcoordsStart[5]);
    expect(Math.abs(scan.xcoords[5] - scan.xcoordsStart[5])).toBeLessThan(5);
    expect(() => scanPositions(400, 32, 100, { kind: 'raster', step: 10 }, new Rng(1))).toThrow(
      /20×20 raster with step 10 spans 190 px, more than the 66 px .*; lower --n-images or --step, or raise --object-size/,
    );
  });
});
