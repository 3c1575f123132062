// Ptychodus interop: NumPy-written product + diffraction files in, a product out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { readPtychodus } from '../lib/data/ptychodusRead';
import { writePtychodusProduct } from '../lib/data/ptychodusWrite';
import type { NumericArray } from '../lib/io/ndarray';
import { readNpz, writeNpz } from '../lib/io/npz';

const fixtures = path.join(__dirname, '..', 'fixtures', 'numpy');
const product = path.join(fixtures, 'ptychodus_product.npz');
const patterns = path.join(fixtures, 'ptychodus_patterns.npz');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-ptychodus-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// The formulas of ptychodus() in scripts/make-numpy-fixtures.py.
const N = 32;
const positionIndexes = [15, 10, 12, 11, 14];
const xPx = [20, 23, 26, 29, 32];
const yPx = [30, 28, 26, 24, 22];
const count = (pattern: number, i: number, j: number) => (7 * (pattern - 10) + 3 * i + j) % 50;

describe('readPtychodus', () => {
  it('matches patterns to positions by index, converts metres to pixels, keeps the bad-pixel mask', async () => {
    const { dataset, metadata } = await readPtychodus(product, patterns);
    expect(metadata).toMatchObject({
      name: 'fixture scan',
      objectPixelWidthM: 1e-8,
      objectPixelHeightM: 2e-8,
      objectCenterXM: 1e-6,
      objectCenterYM: -2e-6,
      detectorObjectDistanceM: 2,
      probeEnergyEV: 8000,
      exposureTimeS: 0.1,
    });
    xPx.forEach((x, k) => expect(dataset.xcoords[k]).toBeCloseTo(x, 8));
    yPx.forEach((y, k) => expect(dataset.ycoords[k]).toBeCloseTo(y, 8));
    expect(Array.from(dataset.scanIndex!)).toEqual(positionIndexes);
    expect(dataset.diffraction.shape).toEqual([5, N, N]);
    positionIndexes.forEach((index, k) => {
      const [i, j] = [7, 9];
      expect(dataset.diffraction.data[(k * N + i) * N + j]).toBe(Math.fround(Math.sqrt(count(index, i, j))));
    });
    expect(dataset.badPixels![3 * N + 4]).toBe(1);
    expect(dataset.diffraction.data[3 * N + 4]).toBe(0);
    expect(dataset.probeGuess.shape).toEqual([N, N]);
    // probe (1 + x/10)·exp(i·y/10) at x = 5, y = 2.
    expect(dataset.probeGuess.data[2 * (2 * N + 5)]).toBeCloseTo(1.5 * Math.cos(0.2), 6);
    expect(dataset.objectGuess!.shape).toEqual([72, 80]);
    expect(dataset.nphotons).toBeGreaterThan(0);
    expect(dataset.notes.join('\n')).toMatch(/1 pattern\(s\) without a position were dropped/);
    expect(dataset.notes.join('\n')).toMatch(/converted counts to amplitudes/);
  });

  it("refuses a diffraction file that lacks a position's pattern", async () => {
    const { arrays } = await readNpz(patterns);
    const partial = path.join(dir, 'partial.npz');
    const stack = arrays.get('patterns') as NumericArray;
    await writeNpz(partial, {
      patterns: { ...stack, shape: [2, N, N], data: (stack.data as Uint16Array).slice(0, 2 * N * N) },
      indexes: { dtype: 'int64', shape: [2], data: new BigInt64Array([10n, 11n]) },
    });
    await expect(readPtychodus(product, partial)).rejects.toThrow(
      /position 0 has pattern index 15, which the diffraction file does not hold/,
    );
  });
});

describe('writePtychodusProduct', () => {
  it('writes every key of the Ptychodus product, and reads back to the same positions', async () => {
    const { dataset, metadata } = await readPtychodus(product, patterns);
    const out = path.join(dir, 'product.npz');
    await writePtychodusProduct(out, {
      probe: dataset.probeGuess,
      object: dataset.objectGuess!,
      xcoords: dataset.xcoords,
      ycoords: dataset.ycoords,
      indexes: dataset.scanIndex,
      lossValues: [4, 3],
      metadata,
    });
    const { arrays } = await readNpz(out);
    const shapes = Object.fromEntries([...arrays].map(([key, array]) => [key, [array.dtype, array.shape]]));
    expect(shapes).toEqual({
      name: ['str', []],
      comments: ['str', []],
      probe_position_indexes: ['int64', [5]],
      probe_position_x_m: ['float64', [5]],
      probe_position_y_m: ['float64', [5]],
      probe: ['complex64', [1, 1, N, N]],
      probe_pixel_width_m: ['float64', []],
      probe_pixel_height_m: ['float64', []],
      object: ['complex64', [1, 72, 80]],
      object_center_x_m: ['float64', []],
      object_center_y_m: ['float64', []],
      object_pixel_width_m: ['float64', []],
      object_pixel_height_m: ['float64', []],
      object_layer_spacing_m: ['float64', [0]],
      loss_values: ['float64', [2]],
      detector_object_distance_m: ['float64', []],
      probe_energy_eV: ['float64', []],
      exposure_time_s: ['float64', []],
    });
    const original = await readNpz(product);
    const xm = original.arrays.get('probe_position_x_m')!.data as Float64Array;
    (arrays.get('probe_position_x_m')!.data as Float64Array).forEach((x, k) => expect(x).toBeCloseTo(xm[k], 20));
    const again = await readPtychodus(out, patterns);
    again.dataset.xcoords.forEach((x, k) => expect(x).toBeCloseTo(dataset.xcoords[k], 9));
    expect(again.metadata.name).toBe('fixture scan');
  });
});
