// The shipped fixtures: what they hold, that they are self-consistent, and their size.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadDataset } from '../lib/data/datasetFile';
import { groupPositions } from '../lib/data/grouping';
import { diffractionAmplitude } from '../lib/physics';

const fixtures = path.join(__dirname, '..', 'fixtures');

/** Files written by other programs (PtychoPINN, h5py) for the interoperability tests: their own budget. */
const FOREIGN = ['ptychopinn', 'hdf5'].map((name) => path.join(fixtures, name));

function folderBytes(dir: string, skip: string[] = []): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((total, entry) => {
    const full = path.join(dir, entry.name);
    if (skip.includes(full)) return total;
    return total + (entry.isDirectory() ? folderBytes(full, skip) : fs.statSync(full).size);
  }, 0);
}

describe('fixtures/', () => {
  it("stays under 10 MB in all, and the foreign programs' files under 6 MB more", () => {
    expect(folderBytes(fixtures, FOREIGN)).toBeLessThan(10 * 1024 * 1024);
    expect(FOREIGN.reduce((total, dir) => total + folderBytes(dir), 0)).toBeLessThan(6 * 1024 * 1024);
  });

  it('lines-n32: 196 patterns at N = 32 with objectGuess, probeGuess and Y, groupable for gridsize 1 and 2', async () => {
    const ds = await loadDataset(path.join(fixtures, 'lines-n32.npz'));
    expect(ds.notes).toEqual([]);
    expect(ds.diffraction.shape).toEqual([196, 32, 32]);
    expect(ds.Y!.shape).toEqual([196, 32, 32]);
    expect(ds.probeGuess.shape).toEqual([32, 32]);
    expect(ds.objectGuess!.shape[0]).toBeGreaterThan(100);
    expect(ds.nphotons).toBe(1e9);
    expect(groupPositions(ds.xcoords, ds.ycoords).count).toBe(196);
    expect(groupPositions(ds.xcoords, ds.ycoords, { gridsize: 2, seed: 1 }).count).toBe(196);
  });

  it('lines-n32: the patterns are Poisson counts of |far field(probeGuess · Y)|²', async () => {
    const ds = await loadDataset(path.join(fixtures, 'lines-n32.npz'));
    const expected = diffractionAmplitude(ds.Y!, ds.probeGuess).data;
    let residual = 0;
    let total = 0;
    for (let k = 0; k < expected.length; k += 1) {
      residual += (ds.diffraction.data[k] ** 2 - expected[k] ** 2) ** 2;
      total += expected[k] ** 2;
    }
    expect(total / 196 / 1e9).toBeCloseTo(1, 3);
    expect(residual / total).toBeGreaterThan(0.95);
    expect(residual / total).toBeLessThan(1.05);
  });

  it('lines-n64 train and test halves: one scan, disjoint rows, shared object and probe', async () => {
    const train = await loadDataset(path.join(fixtures, 'lines-n64-train.npz'));
    const test = await loadDataset(path.join(fixtures, 'lines-n64-test.npz'));
    for (const half of [train, test]) {
      expect(half.diffraction.shape).toEqual([128, 64, 64]);
      expect(half.Y!.shape).toEqual([128, 64, 64]);
    }
    expect(test.objectGuess!.data).toEqual(train.objectGuess!.data);
    expect(test.probeGuess.data).toEqual(train.probeGuess.data);
    expect(Math.max(...train.ycoords)).toBeLessThan(Math.min(...test.ycoords));
  });
});
