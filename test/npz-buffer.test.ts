// NPZ archives in memory (HTTP bodies): the same bytes and arrays as files, the same
// refusals, and a size bound checked before anything is allocated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import type { NpyArray } from '../lib/io/ndarray';
import { npzBuffer, NpzSizeError, readNpz, readNpzBuffer, writeNpz } from '../lib/io/npz';
import { ZipFormatError } from '../lib/io/zipReader';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-npz-buffer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const arrays: Record<string, NpyArray> = {
  diffraction: { dtype: 'float32', shape: [2, 3], data: new Float32Array([0.5, 1, 2, 3, 4, 5]) },
  probe: { dtype: 'complex64', shape: [2], data: new Float32Array([1, -1, 0.5, 2]) },
  // All zeros: 80 kB that deflates to a few hundred bytes.
  zeros: { dtype: 'float64', shape: [10_000], data: new Float64Array(10_000) },
  backend: { dtype: 'str', shape: [], data: ['libtorch'] },
};

describe('npzBuffer / readNpzBuffer', () => {
  for (const compress of [true, false]) {
    it(`gives the bytes writeNpz writes and reads them back (${compress ? 'deflated' : 'stored'})`, async () => {
      const file = path.join(dir, `a-${compress}.npz`);
      await writeNpz(file, arrays, { compress });
      const bytes = await npzBuffer(arrays, { compress });
      expect(bytes.equals(fs.readFileSync(file))).toBe(true);
      const back = await readNpzBuffer(bytes, 'request body');
      expect(back.file).toBe('request body');
      for (const [key, array] of Object.entries(arrays)) expect(back.arrays.get(key), key).toEqual(array);
      expect(back).toEqual({ ...(await readNpz(file)), file: 'request body' });
    });
  }

  it('refuses bytes that are not a zip archive, naming the source', async () => {
    await expect(readNpzBuffer(Buffer.from('not a zip at all'), 'request body')).rejects.toThrow(ZipFormatError);
    await expect(readNpzBuffer(Buffer.from('not a zip at all'), 'request body')).rejects.toThrow(
      /^request body is not a readable NPZ \(zip\) archive/,
    );
  });

  it('refuses a truncated archive', async () => {
    const bytes = await npzBuffer(arrays, { compress: false });
    // The first 100 bytes and the central directory: the members' data are gone.
    const damaged = Buffer.concat([bytes.subarray(0, 100), bytes.subarray(bytes.length - 400)]);
    await expect(readNpzBuffer(damaged, 'request body')).rejects.toThrow(ZipFormatError);
  });

  it('refuses arrays declaring more than maxBytes uncompressed, before inflating them', async () => {
    const bytes = await npzBuffer(arrays);
    expect(bytes.length).toBeLessThan(2_000);
    const read = readNpzBuffer(bytes, 'request body', { maxBytes: 50_000 });
    await expect(read).rejects.toThrow(NpzSizeError);
    await expect(read).rejects.toThrow(/request body: its arrays take \d+ bytes uncompressed, more than the 50000/);
    // Only the keys asked for count.
    const some = await readNpzBuffer(bytes, 'request body', { maxBytes: 50_000, keys: ['diffraction', 'probe'] });
    expect([...some.arrays.keys()].sort()).toEqual(['diffraction', 'probe']);
  });
});
