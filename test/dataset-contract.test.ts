// The dataset contract (reference §7): what is accepted, converted, and refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { goodPixelMask } from '../lib/data/dataset';
import { loadDataset, saveDataset } from '../lib/data/datasetFile';
import type { DatasetOptions } from '../lib/data/contract';
import type { NpyArray } from '../lib/io/ndarray';
import { writeNpz } from '../lib/io/npz';
import { farField } from '../lib/physics';
import { rng } from './helpers/oracle';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-contract-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const numpyDir = path.join(__dirname, '..', 'fixtures', 'numpy');

const M = 3;
const N = 32;

/** A valid small dataset: amplitude (m, i, j) = 1.5 + m + i/10 + j/100. */
function validArrays(): Record<string, NpyArray> {
  const diff = new Float32Array(M * N * N);
  for (let m = 0; m < M; m += 1)
    for (let i = 0; i < N; i += 1)
      for (let j = 0; j < N; j += 1) diff[(m * N + i) * N + j] = 1.5 + m + i / 10 + j / 100;
  const probe = new Float32Array(2 * N * N).map((_, k) => (k % 2 === 0 ? 1 : 0.5));
  return {
    diff3d: { dtype: 'float32', shape: [M, N, N], data: diff },
    probeGuess: { dtype: 'complex64', shape: [N, N], data: probe },
    xcoords: { dtype: 'float64', shape: [M], data: new Float64Array([20, 30.5, 40]) },
    ycoords: { dtype: 'float64', shape: [M], data: new Float64Array([21, 22, 23.25]) },
  };
}

function without(arrays: Record<string, NpyArray>, key: string): Record<string, NpyArray> {
  return Object.fromEntries(Object.entries(arrays).filter(([name]) => name !== key));
}

let counter = 0;
async function file(arrays: Record<string, NpyArray>): Promise<string> {
  counter += 1;
  const name = path.join(dir, `case-${counter}.npz`);
  await writeNpz(name, arrays);
  return name;
}

async function load(arrays: Record<string, NpyArray>, options: DatasetOptions = {}) {
  return loadDataset(await file(arrays), options);
}

describe('reading', () => {
  it('reads a NumPy-written float64/complex128 dataset, casting to float32/complex64', async () => {
    const ds = await loadDataset(path.join(numpyDir, 'dataset_complex128.npz'));
    expect(ds.diffraction.dtype).toBe('float32');
    expect(ds.diffraction.shape).toEqual([8, 32, 32]);
    const d = ds.diffraction.data;
    expect(d[(5 * 32 + 7) * 32 + 9]).toBe(Math.fround(Math.sqrt(1 + 5 + 0.5 * 7 + 0.25 * 9)));
    expect(ds.probeGuess).toMatchObject({ dtype: 'complex64', shape: [32, 32] });
    const [x, y] = [3, 4];
    const k = 2 * (y * 32 + x);
    expect(ds.probeGuess.data[k]).toBeCloseTo(((x * y) / 100) * Math.cos((x + y) / 10), 6);
    expect(ds.probeGuess.data[k + 1]).toBeCloseTo(((x * y) / 100) * Math.sin((x + y) / 10), 6);
    expect(ds.objectGuess).toMatchObject({ dtype: 'complex64', shape: [64, 64] });
    expect(Array.from(ds.xcoords.slice(0, 3))).toEqual([16, 18.5, 21]);
    expect(Array.from(ds.scanIndex!)).toEqual(new Array(8).fill(0));
    expect(ds.notes.join('\n')).toMatch(/key '_metadata' not needed; skipped unread/);
    expect(ds.nphotons).toBeUndefined();
  });

  it('accepts the alias `diffraction` and keeps float32 amplitudes without a copy', async () => {
    const diff3d = validArrays().diff3d;
    const ds = await load({ ...without(validArrays(), 'diff3d'), diffraction: diff3d });
    expect(Array.from(ds.diffraction.data)).toEqual(Array.from(diff3d.data as Float32Array));
    expect(ds.notes).toEqual([]);
  });

  it('round-trips through saveDataset / loadDataset', async () => {
    const original = await load({
      ...validArrays(),
      objectGuess: { dtype: 'complex64', shape: [64, 64], data: new Float32Array(2 * 64 * 64).fill(0.25) },
      Y: { dtype: 'complex64', shape: [M, N, N, 1], data: new Float32Array(2 * M * N * N).fill(0.5) },
      scan_index: { dtype: 'int64', shape: [M], data: new BigInt64Array([0n, 1n, 2n]) },
      nphotons: { dtype: 'float64', shape: [], data: new Float64Array([1e6]) },
    });
    expect(original.Y?.shape).toEqual([M, N, N]);
    const name = path.join(dir, 'saved.npz');
    await saveDataset(name, original);
    const back = await loadDataset(name);
    expect(back).toEqual(original);
    expect(back.nphotons).toBe(1e6);
  });

  it('transposes the legacy (N, N, M) layout', async () => {
    const arrays = validArrays();
    const standard = arrays.diff3d.data as Float32Array;
    const legacy = new Float32Array(standard.length);
    for (let m = 0; m < M; m += 1) for (let p = 0; p < N * N; p += 1) legacy[p * M + m] = standard[m * N * N + p];
    const ds = await load({ ...arrays, diff3d: { dtype: 'float32', shape: [N, N, M], data: legacy } });
    expect(ds.diffraction.shape).toEqual([M, N, N]);
    expect(Array.from(ds.diffraction.data)).toEqual(Array.from(standard));
    expect(ds.notes.join()).toMatch(/legacy layout \(N, N, M\) = \(32, 32, 3\) transposed/);
  });

  it('asks for the layout when M = N makes it ambiguous, and follows it', async () => {
    const positions: NpyArray = { dtype: 'float64', shape: [N], data: new Float64Array(N).fill(40) };
    const diff = new Float32Array(N * N * N).map((_, k) => 1.5 + (k % 7) / 3);
    const arrays = { ...validArrays(), xcoords: positions, ycoords: positions };
    const name = await file({ ...arrays, diff3d: { dtype: 'float32', shape: [N, N, N], data: diff } });
    await expect(loadDataset(name)).rejects.toThrow(/pattern axis is ambiguous; pass layout: 'MNN'.*or 'NNM'/);
    const ds = await loadDataset(name, { layout: 'NNM' });
    expect(ds.diffraction.data[1]).toBe(diff[N]);
  });
});

describe('input kind', () => {
  const counts = () => {
    const data = new Uint16Array(M * N * N).map((_, k) => (k * 7919) % 60000);
    return { ...validArrays(), diff3d: { dtype: 'uint16', shape: [M, N, N], data } as NpyArray };
  };

  it('refuses integer counts without inputKind, naming the key and the fix', async () => {
    await expect(load(counts())).rejects.toThrow(
      /key 'diff3d' has integer dtype uint16, so it holds counts or intensities, not amplitudes; pass inputKind: 'counts'.*\(CLI --input-kind\)/,
    );
  });

  it('refuses integer-valued floats (intensities) without inputKind', async () => {
    const arrays = validArrays();
    (arrays.diff3d.data as Float32Array).forEach((v, k, a) => (a[k] = Math.round(v * 10)));
    await expect(load(arrays)).rejects.toThrow(
      /diff3d' looks like intensities or counts \(all values integer-valued\), not amplitudes; pass inputKind/,
    );
  });

  it('converts counts to amplitudes in float (no uint16 overflow) and measures nphotons', async () => {
    const arrays = counts();
    const raw = arrays.diff3d.data as Uint16Array;
    const ds = await load(arrays, { inputKind: 'counts' });
    for (const k of [0, 1, 100, raw.length - 1]) expect(ds.diffraction.data[k]).toBe(Math.fround(Math.sqrt(raw[k])));
    const total = raw.reduce((sum, v) => sum + v, 0);
    expect(ds.nphotons! / (total / M)).toBeCloseTo(1, 6);
    expect((await load(arrays, { inputKind: 'counts', nphotons: 5e8 })).nphotons).toBe(5e8);
  });

  it('clamps negative intensities with a note, refuses negative counts', async () => {
    const arrays = validArrays();
    (arrays.diff3d.data as Float32Array)[5] = -2;
    const ds = await load(arrays, { inputKind: 'intensity' });
    expect(ds.diffraction.data[5]).toBe(0);
    expect(ds.notes.join()).toMatch(/negative intensities were clamped to 0/);
    await expect(load(arrays, { inputKind: 'counts' })).rejects.toThrow(
      /negative value at pattern 0, pixel \(0, 5\); counts cannot be negative/,
    );
  });
});

describe('refusals name the key, the shape or index, and the fix', () => {
  it('missing keys list the keys present', async () => {
    await expect(load(without(validArrays(), 'probeGuess'))).rejects.toThrow(
      /has no key 'probeGuess' \(the probe, complex \(N, N\)\); keys present: diff3d, xcoords, ycoords/,
    );
    await expect(load(without(validArrays(), 'diff3d'))).rejects.toThrow(
      /no key 'diff3d' .*\('diff3d' or 'diffraction'\)/,
    );
  });

  it('a required key stored as a pickled object array', async () => {
    await expect(loadDataset(path.join(numpyDir, 'probe_as_object.npz'))).rejects.toThrow(
      /key 'probeGuess' is stored as a pickled object array, which ptychopinn never unpickles; re-save it/,
    );
  });

  it('NaN in the diffraction, with its pattern and pixel', async () => {
    const arrays = validArrays();
    (arrays.diff3d.data as Float32Array)[(2 * N + 3) * N + 4] = NaN;
    await expect(load(arrays)).rejects.toThrow(/key 'diff3d' holds NaN at pattern 2, pixel \(3, 4\)/);
  });

  it('Inf in the positions', async () => {
    const arrays = validArrays();
    (arrays.ycoords.data as Float64Array)[1] = Infinity;
    await expect(load(arrays)).rejects.toThrow(/key 'ycoords' holds Infinity at flat index 1/);
  });

  it('inconsistent lengths', async () => {
    const arrays = validArrays();
    arrays.ycoords = { dtype: 'float64', shape: [2], data: new Float64Array(2) };
    await expect(load(arrays)).rejects.toThrow(/xcoords has 3 positions but ycoords has 2/);
    const more = validArrays();
    more.diff3d = { dtype: 'float32', shape: [4, N, N], data: new Float32Array(4 * N * N).fill(0.5) };
    await expect(load(more)).rejects.toThrow(
      /key 'diff3d' has shape \(4, 32, 32\) but xcoords\/ycoords hold 3 positions; expected \(3, N, N\)/,
    );
  });

  it('non-square patterns', async () => {
    const arrays = validArrays();
    arrays.diff3d = { dtype: 'float32', shape: [M, 64, 48], data: new Float32Array(M * 64 * 48).fill(0.5) };
    await expect(load(arrays)).rejects.toThrow(/patterns are not square \(64×48\); centre-crop them with cropTo/);
  });

  it('a probe that is not on the pattern grid', async () => {
    const arrays = validArrays();
    arrays.probeGuess = { dtype: 'complex64', shape: [64, 64], data: new Float32Array(2 * 64 * 64) };
    await expect(load(arrays)).rejects.toThrow(/key 'probeGuess' has shape \(64, 64\) but the patterns are 32×32/);
  });

  it('patterns whose size is not a power of two', async () => {
    const arrays = validArrays();
    arrays.diff3d = { dtype: 'float32', shape: [M, 48, 48], data: new Float32Array(M * 48 * 48).fill(0.5) };
    await expect(load(arrays)).rejects.toThrow(/patterns would be 48×48, but N must be a power of two .*cropTo: 32/);
  });
});

describe('detector crop, binning and bad pixels', () => {
  const D = 128;
  /** Counts c(m, i, j) = m + 2i + 3j on a 128 × 128 detector, one hot pixel. */
  function detector(): Record<string, NpyArray> {
    const data = new Int32Array(M * D * D);
    for (let m = 0; m < M; m += 1)
      for (let i = 0; i < D; i += 1) for (let j = 0; j < D; j += 1) data[(m * D + i) * D + j] = m + 2 * i + 3 * j;
    const bad = new Uint8Array(D * D);
    bad[64 * D + 65] = 1;
    return {
      ...validArrays(),
      probeGuess: { dtype: 'complex64', shape: [32, 32], data: new Float32Array(2 * 32 * 32).fill(1) },
      diff3d: { dtype: 'int32', shape: [M, D, D], data },
      bad_pixels: { dtype: 'bool', shape: [D, D], data: bad },
    };
  }

  it('centre-crops: DC (64, 64) lands on (16, 16) of a 32 crop', async () => {
    const ds = await load(detector(), { inputKind: 'counts', cropTo: 32 });
    expect(ds.diffraction.shape).toEqual([M, 32, 32]);
    const at = (m: number, r: number, c: number) => ds.diffraction.data[(m * 32 + r) * 32 + c];
    expect(at(1, 16, 10)).toBe(Math.fround(Math.sqrt(1 + 2 * 64 + 3 * 58)));
    // The hot pixel (64, 65) is (16, 17) of the crop: zeroed and masked.
    expect(at(0, 16, 17)).toBe(0);
    expect(ds.badPixels![16 * 32 + 17]).toBe(1);
    expect(ds.badPixels!.reduce((a, b) => a + b, 0)).toBe(1);
    expect(goodPixelMask(ds)!.data[16 * 32 + 17]).toBe(0);
    expect(ds.notes.join('\n')).toMatch(/centre-cropped to 32×32[\s\S]*1 bad pixel\(s\) are zeroed/);
  });

  it('bins intensities: crop 64 then 2 × 2 blocks summed', async () => {
    const ds = await load(detector(), { inputKind: 'counts', cropTo: 64, bin: 2 });
    const at = (m: number, r: number, c: number) => ds.diffraction.data[(m * 32 + r) * 32 + c];
    // Block (r, c) covers detector rows 32 + 2r .. +1 and columns 32 + 2c .. +1.
    const c = (m: number, i: number, j: number) => m + 2 * i + 3 * j;
    const sum = c(2, 42, 50) + c(2, 42, 51) + c(2, 43, 50) + c(2, 43, 51);
    expect(at(2, 5, 9)).toBe(Math.fround(Math.sqrt(sum)));
    expect(ds.badPixels![16 * 32 + 16]).toBe(1);
  });

  it("moves a probe stored at the frames' size to the cropped grid: its far field cropped like the frames", async () => {
    const random = rng(9);
    const probe = new Float32Array(2 * D * D).map(() => random() - 0.5);
    const arrays = { ...validArrays(), ...detector(), probeGuess: { dtype: 'complex64', shape: [D, D], data: probe } };
    const cropped = await load(arrays as Record<string, NpyArray>, { inputKind: 'counts', cropTo: 32 });
    // Cropping 128 → 32 keeps the detector pixel: the object pixel grows 4 times.
    expect(Array.from(cropped.xcoords)).toEqual([20 / 4, 30.5 / 4, 40 / 4]);
    expect(cropped.notes.join('\n')).toMatch(/positions divided by 4[\s\S]*probeGuess': resampled from 128×128/);
    const wanted = farField({ dtype: 'complex64', shape: [D, D], data: probe });
    const got = farField(cropped.probeGuess);
    let worst = 0;
    for (let r = 0; r < 32; r++) {
      for (let c = 0; c < 2 * 32; c++) {
        worst = Math.max(worst, Math.abs(got.data[r * 64 + c] - wanted.data[(r + 48) * 2 * D + 2 * 48 + c]));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    // Binning keeps the object pixel: positions stay, the probe is cut to the narrower field of view.
    const binned = await load(arrays as Record<string, NpyArray>, { inputKind: 'counts', cropTo: 128, bin: 4 });
    expect(Array.from(binned.xcoords)).toEqual([20, 30.5, 40]);
    expect(binned.probeGuess.data[0]).toBe(probe[2 * (48 * D + 48)]);
  });

  it('a mask given as an option replaces the file mask; a mask of the wrong shape is refused', async () => {
    const bad = new Uint8Array(D * D);
    bad[0] = 1;
    const ds = await load(detector(), {
      inputKind: 'counts',
      cropTo: 128,
      bin: 4,
      badPixels: { dtype: 'uint8', shape: [D, D], data: bad },
    });
    expect(ds.badPixels![0]).toBe(1);
    expect(ds.badPixels!.reduce((a, b) => a + b, 0)).toBe(1);
    await expect(
      load(detector(), { inputKind: 'counts', cropTo: 32, badPixels: { dtype: 'uint8', shape: [4, 4], data: bad } }),
    ).rejects.toThrow(/badPixels option has shape \(4, 4\); it must match the detector frames \(128, 128\)/);
  });
});
