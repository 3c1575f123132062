// NPZ writing, Zip64, memory behaviour, and refusal of damaged files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';

import type { NpyArray } from '../lib/io/ndarray';
import { encodeNpy } from '../lib/io/npy';
import { readNpz, writeNpz } from '../lib/io/npz';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-npz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const arrays: Record<string, NpyArray> = {
  bool: { dtype: 'bool', shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
  int8: { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
  uint8: { dtype: 'uint8', shape: [3], data: new Uint8Array([0, 128, 255]) },
  int16: { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
  uint16: { dtype: 'uint16', shape: [2], data: new Uint16Array([0, 65535]) },
  int32: { dtype: 'int32', shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
  uint32: { dtype: 'uint32', shape: [2], data: new Uint32Array([0, 2 ** 32 - 1]) },
  int64: { dtype: 'int64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
  uint64: { dtype: 'uint64', shape: [2], data: new BigUint64Array([0n, 2n ** 64n - 1n]) },
  float32: { dtype: 'float32', shape: [2, 3], data: new Float32Array([0.1, -2, 3.5, NaN, Infinity, -0]) },
  float64: { dtype: 'float64', shape: [1, 2], data: new Float64Array([Math.PI, -1e300]) },
  complex64: { dtype: 'complex64', shape: [2], data: new Float32Array([1, -1, 0.5, 2]) },
  complex128: { dtype: 'complex128', shape: [1], data: new Float64Array([Math.E, -Math.PI]) },
  scalar: { dtype: 'float64', shape: [], data: new Float64Array([7]) },
  name: { dtype: 'str', shape: [], data: ['reconstruction 1'] },
};

async function writeRaw(file: string, members: Record<string, Uint8Array>, zip64 = false): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members)) {
    zip.addBuffer(Buffer.from(bytes), name, { compress: false, forceZip64Format: zip64 });
  }
  zip.end({ forceZip64Format: zip64, comment: '' });
  await pipeline(zip.outputStream, fs.createWriteStream(file));
}

describe('writeNpz / readNpz', () => {
  for (const compress of [true, false]) {
    it(`round-trips every dtype ${compress ? 'deflated' : 'stored'}`, async () => {
      const file = path.join(dir, `all-${compress}.npz`);
      await writeNpz(file, arrays, { compress });
      const { arrays: back, skipped } = await readNpz(file);
      expect(skipped).toEqual([]);
      expect([...back.keys()].sort()).toEqual(Object.keys(arrays).sort());
      for (const [key, array] of Object.entries(arrays)) expect(back.get(key), key).toEqual(array);
    });
  }

  it('writes byte-identical files for identical input (reproducible fixtures)', async () => {
    const a = path.join(dir, 'a.npz');
    const b = path.join(dir, 'b.npz');
    await writeNpz(a, arrays);
    await writeNpz(b, arrays);
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
  });

  it('reads a Zip64 archive (Zip64 end of central directory and extra fields)', async () => {
    const file = path.join(dir, 'zip64.npz');
    await writeRaw(file, { 'x.npy': encodeNpy(arrays.float64, 'x') }, true);
    expect(fs.readFileSync(file).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const { arrays: back } = await readNpz(file);
    expect(back.get('x')).toEqual(arrays.float64);
  });

  it('returns stored data as a view of the member buffer, not a copy', async () => {
    const file = path.join(dir, 'big.npz');
    const data = new Float32Array(1 << 20).map((_, i) => i);
    await writeNpz(file, { big: { dtype: 'float32', shape: [1 << 20], data } }, { compress: false });
    const back = (await readNpz(file)).arrays.get('big')!;
    const payload = back.data as Float32Array;
    expect(payload[12345]).toBe(12345);
    // The only allocation is the member itself: header + data.
    expect(payload.buffer.byteLength - payload.byteLength).toBeLessThan(256);
  });

  it('refuses to encode data that does not fit the shape', async () => {
    await expect(
      writeNpz(path.join(dir, 'bad.npz'), { probe: { dtype: 'complex64', shape: [2, 2], data: new Float32Array(4) } }),
    ).rejects.toThrow(/key 'probe': complex64 data of length 4 does not fit shape \(2, 2\) \(expected 8 values/);
  });
});

describe('damaged files are refused with a message that says what is wrong', () => {
  it('a truncated zip', async () => {
    const whole = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'numpy', 'savez.npz'));
    const file = path.join(dir, 'truncated.npz');
    fs.writeFileSync(file, whole.subarray(0, whole.length >> 1));
    await expect(readNpz(file)).rejects.toThrow(/truncated\.npz is not a readable NPZ \(zip\) archive: .*truncated/);
  });

  it('a file that is not a zip at all', async () => {
    const file = path.join(dir, 'text.npz');
    fs.writeFileSync(file, 'diff3d,xcoords\n1,2\n');
    await expect(readNpz(file)).rejects.toThrow(/not a readable NPZ \(zip\) archive/);
  });

  it('a member with a bad .npy magic', async () => {
    const file = path.join(dir, 'magic.npz');
    await writeRaw(file, { 'diff3d.npy': new TextEncoder().encode('this is not numpy data at all') });
    await expect(readNpz(file)).rejects.toThrow(
      /key 'diff3d' is not a NumPy \.npy array \(bad magic bytes 74 68 69 73/,
    );
  });

  it('a member whose data are shorter than its header says', async () => {
    const npy = encodeNpy({ dtype: 'float32', shape: [4, 4], data: new Float32Array(16) }, 'x');
    const file = path.join(dir, 'short.npz');
    await writeRaw(file, { 'diff3d.npy': npy.subarray(0, npy.length - 8) });
    await expect(readNpz(file)).rejects.toThrow(
      /key 'diff3d' is truncated: shape \(4, 4\) needs 16 values, the file holds 14/,
    );
  });

  it('a corrupted member (CRC-32 mismatch)', async () => {
    const file = path.join(dir, 'crc.npz');
    await writeNpz(file, { x: arrays.float64 }, { compress: false });
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf(Buffer.from(new Float64Array([Math.PI]).buffer));
    bytes[at] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expect(readNpz(file)).rejects.toThrow(/member x\.npy is corrupt \(CRC-32 mismatch\)/);
  });

  it('a deflated member whose compressed data are damaged', async () => {
    const file = path.join(dir, 'deflate-damaged.npz');
    const data = new Float32Array(50_000).map((_, i) => Math.sqrt(i));
    await writeNpz(file, { diff3d: { dtype: 'float32', shape: [50_000], data } });
    const bytes = fs.readFileSync(file);
    bytes.fill(0xff, 20_000, 20_400);
    fs.writeFileSync(file, bytes);
    await expect(readNpz(file)).rejects.toThrow(
      /member diff3d\.npy (cannot be read \(.*\); the file is probably truncated or damaged|is corrupt \(CRC-32 mismatch\))/,
    );
  });

  it('a big-endian array', async () => {
    const npy = encodeNpy({ dtype: 'float32', shape: [2], data: new Float32Array(2) }, 'x');
    const header = Buffer.from(npy.buffer, npy.byteOffset, npy.byteLength);
    header.write('>', header.indexOf("'<f4'") + 1, 'latin1');
    const file = path.join(dir, 'big-endian.npz');
    await writeRaw(file, { 'x.npy': header });
    await expect(readNpz(file)).rejects.toThrow(/is big-endian \(>f4\); convert it with arr\.astype/);
  });
});

describe('arrays too large for one zip buffer', () => {
  it('are streamed into the archive and read back exactly (the 10⁵-pattern scans of --stream)', async () => {
    // 260 MiB: past the size from which writeNpz streams a member from the array's memory.
    const shape = [1040, 256, 256];
    const data = new Float32Array(shape[0] * shape[1] * shape[2]);
    for (let i = 0; i < data.length; i += 4099) data[i] = i / 7;
    const file = path.join(dir, 'large.npz');
    await writeNpz(
      file,
      { diff3d: { dtype: 'float32', shape, data }, n: { dtype: 'int64', shape: [], data: new BigInt64Array([3n]) } },
      { compress: false },
    );
    const back = (await readNpz(file)).arrays;
    const read = back.get('diff3d')!;
    expect(read.shape).toEqual(shape);
    let mismatches = 0;
    for (let i = 0; i < data.length; i += 1) if (read.data[i] !== data[i]) mismatches += 1;
    expect(mismatches).toBe(0);
    expect(back.get('n')!.data[0]).toBe(3n);
    fs.rmSync(file);
  }, 60_000);
});
