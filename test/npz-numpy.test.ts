// NPZ files written by NumPy itself (scripts/make-numpy-fixtures.py) and the shared
// parity files are read exactly.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { NpyArray } from '../lib/io/ndarray';
import { readNpz } from '../lib/io/npz';

const fixtures = path.join(__dirname, '..', 'fixtures', 'numpy');
const parityDir = path.join(__dirname, '..', '..', 'shared', 'parity');

const base = Array.from({ length: 24 }, (_, i) => i);
const interleave = (re: number[], im: number[]) => re.flatMap((r, i) => [r, im[i]]);

/** The formulas of dtype_zoo() in scripts/make-numpy-fixtures.py. */
const zoo: Record<string, { dtype: string; values: unknown[] }> = {
  bool: { dtype: 'bool', values: base.map((b) => (b % 3 === 0 ? 1 : 0)) },
  int8: { dtype: 'int8', values: base.map((b) => b * 5 - 60) },
  uint8: { dtype: 'uint8', values: base.map((b) => b * 10) },
  int16: { dtype: 'int16', values: base.map((b) => b * 1000 - 12000) },
  uint16: { dtype: 'uint16', values: base.map((b) => b * 2000) },
  int32: { dtype: 'int32', values: base.map((b) => b * 100000 - 1000000) },
  uint32: { dtype: 'uint32', values: base.map((b) => b * 150000000) },
  int64: { dtype: 'int64', values: base.map((b) => BigInt(b) * 2n ** 40n - 2n ** 44n) },
  uint64: { dtype: 'uint64', values: base.map((b) => 2n ** 63n + BigInt(b)) },
  float32: { dtype: 'float32', values: base.map((b) => b / 8 - 1.5) },
  float64: { dtype: 'float64', values: base.map((b) => b / 3) },
  complex64: {
    dtype: 'complex64',
    values: interleave(
      base,
      base.map((b) => 0 - 0.25 * b),
    ),
  },
  complex128: {
    dtype: 'complex128',
    values: interleave(
      base.map((b) => b / 3),
      base.map((b) => b / 7),
    ),
  },
};

function expectZoo(arrays: Map<string, NpyArray>): void {
  for (const [key, { dtype, values }] of Object.entries(zoo)) {
    const array = arrays.get(key);
    expect(array, key).toBeDefined();
    expect(array!.dtype, key).toBe(dtype);
    expect(array!.shape, key).toEqual([2, 3, 4]);
    expect(Array.from(array!.data as ArrayLike<unknown>), key).toEqual(values);
  }
}

describe('NumPy-written NPZ files', () => {
  for (const name of ['savez', 'savez_compressed']) {
    it(`reads every dtype of ${name}.npz exactly (Zip64 local headers, ${name === 'savez' ? 'stored' : 'deflated'})`, async () => {
      const { arrays, skipped } = await readNpz(path.join(fixtures, `${name}.npz`));
      expect(skipped).toEqual([]);
      expectZoo(arrays);
      expect(arrays.get('scalar')).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([2.5]) });
      expect(arrays.get('text')).toEqual({ dtype: 'str', shape: [], data: ['ptychopinn \u2713'] });
      expect(arrays.get('empty')).toEqual({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) });
    });
  }

  it('reorders Fortran-order arrays into C order', async () => {
    const { arrays } = await readNpz(path.join(fixtures, 'fortran.npz'));
    expect([...arrays.keys()].sort()).toEqual(['bool', 'complex128', 'float32', 'int16']);
    const subset = new Map([...arrays].filter(([key]) => key in zoo));
    for (const [key, array] of subset) {
      expect(Array.from(array.data as ArrayLike<unknown>), key).toEqual(zoo[key].values);
    }
  });

  it('skips a pickled _metadata member with a note instead of unpickling it', async () => {
    const { arrays, skipped } = await readNpz(path.join(fixtures, 'dataset_complex128.npz'));
    expect(arrays.has('_metadata')).toBe(false);
    expect(skipped).toEqual([expect.objectContaining({ key: '_metadata', kind: 'object' })]);
    expect(skipped[0].note).toMatch(/pickled object array; skipped/);
    expect(arrays.get('probeGuess')?.dtype).toBe('complex128');
  });

  it('reads only the keys asked for', async () => {
    const { arrays, skipped } = await readNpz(path.join(fixtures, 'savez.npz'), { keys: ['float32', 'text'] });
    expect([...arrays.keys()].sort()).toEqual(['float32', 'text']);
    expect(skipped.filter((s) => s.kind === 'not-requested')).toHaveLength(14);
  });
});

// test/parity.test.ts fails when the shared cases are missing; here a reason is enough.
if (!fs.existsSync(parityDir)) console.warn(`skipping 'shared parity NPZ files': ${parityDir} does not exist`);
describe.skipIf(!fs.existsSync(parityDir))('shared parity NPZ files', () => {
  for (const name of ['c1_bigF', 'c4_bigT_probe']) {
    it(`reads ${name}.npz`, async () => {
      const { arrays, skipped } = await readNpz(path.join(parityDir, `${name}.npz`));
      expect(skipped).toEqual([]);
      const C = name === 'c1_bigF' ? 1 : 4;
      expect(arrays.get('x_real')).toMatchObject({ dtype: 'float32', shape: [1, C, 64, 64] });
      expect(arrays.get('positions')).toMatchObject({ dtype: 'float32', shape: [1, C, 1, 2] });
      expect(arrays.get('probe_imag')).toMatchObject({ dtype: 'float32', shape: [64, 64] });
      expect(Array.from(arrays.get('scale')!.data as Float32Array)).toEqual([200]);
      expect(arrays.get('experiment_ids')).toMatchObject({ dtype: 'int64', shape: [1] });
      expect(arrays.get('expected_poisson_loss')).toMatchObject({ dtype: 'float32', shape: [] });
      const meta = arrays.get('metadata_json')!;
      expect(meta.dtype).toBe('str');
      expect(() => JSON.parse((meta.data as string[])[0])).not.toThrow();
      const observed = arrays.get('I_raw')!.data as Float32Array;
      expect(observed.every((value) => Number.isInteger(value))).toBe(true);
    });
  }
});
