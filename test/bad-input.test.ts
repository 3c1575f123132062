// Bad input, through the library and the CLI: each case is a clear error naming the
// file or field (and the fix), never a crash, a huge allocation, or a damaged model.
// Basic refusals (truncated zip, bad magic, CRC, NaN, missing keys) are in
// npz-roundtrip, dataset-contract and bundle tests; these are the rest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';

import { type ManifestFields, readManifest, writeBundle } from '../lib/bundle/bundle';
import { decodeSafetensors } from '../lib/bundle/safetensors';
import { DEFAULT_CONFIG } from '../lib/config/schema';
import { loadDataset } from '../lib/data/datasetFile';
import { writeFileAtomic, WriteFileError } from '../lib/io/atomicWrite';
import type { NpyArray } from '../lib/io/ndarray';
import { readNpz, writeNpz } from '../lib/io/npz';
import { createModel } from './helpers/model';
import type { StateDict } from '../lib/native/binding';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { repoRoot, runCli } from './helpers/cli';
import { manifestFields } from './helpers/manifest';
import { tensorflowAvailable } from './helpers/tensorflow';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-bad-input-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function temp(name: string): string {
  counter += 1;
  return path.join(dir, `${counter}-${name}`);
}

const MiB = 2 ** 20;

/** A .npy file (format 1.0) with the given header dictionary and raw data bytes. */
function npy(header: string, data: Uint8Array): Uint8Array {
  let text = `${header} `;
  while ((10 + text.length + 1) % 64 !== 0) text += ' ';
  text += '\n';
  const out = new Uint8Array(10 + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), 10);
  out.set(data, 10 + text.length);
  return out;
}

/** An NPZ holding one member `<key>.npy` with exactly these bytes. */
async function rawNpz(key: string, bytes: Uint8Array, compress = false): Promise<string> {
  const yazl = await import('yazl');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(bytes), `${key}.npy`, { compress });
  zip.end();
  const file = temp(`${key}.npz`);
  fs.writeFileSync(file, await buffer(zip.outputStream as NodeJS.ReadableStream));
  return file;
}

/** Rewrites the sizes the zip declares for its first member (local header and central directory). */
function declareSizes(file: string, sizes: { compressed?: number; uncompressed: number }): void {
  const bytes = fs.readFileSync(file);
  const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt32LE(sizes.uncompressed, 22);
  bytes.writeUInt32LE(sizes.uncompressed, central + 24);
  if (sizes.compressed !== undefined) {
    bytes.writeUInt32LE(sizes.compressed, 18);
    bytes.writeUInt32LE(sizes.compressed, central + 20);
  }
  fs.writeFileSync(file, bytes);
}

/** Resolves what `promise` rejects with, and how much ArrayBuffer memory grew meanwhile. */
async function failure(promise: Promise<unknown>): Promise<{ error: Error; grew: number }> {
  const before = process.memoryUsage().arrayBuffers;
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: Error) => reason,
  );
  return { error, grew: process.memoryUsage().arrayBuffers - before };
}

describe('declared sizes are checked before anything is allocated', () => {
  it('an .npy header declaring a shape far larger than its data', async () => {
    const file = await rawNpz(
      'diff3d',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", new Uint8Array(64)),
    );
    const { error, grew } = await failure(readNpz(file));
    expect(error.name).toBe('NpyFormatError');
    expect(error.message).toMatch(
      /key 'diff3d' is truncated: shape \(100000, 100000, 100000\) needs 1000000000000000 values, the file holds 16/,
    );
    expect(grew).toBeLessThan(MiB);
  });

  it('a deflated member declaring 4 GiB uncompressed', async () => {
    const file = temp('inflate.npz');
    await writeNpz(file, { x: { dtype: 'float32', shape: [4], data: new Float32Array(4) } });
    declareSizes(file, { uncompressed: 0xfffffff0 });
    const { error, grew } = await failure(readNpz(file));
    expect(error.name).toBe('ZipFormatError');
    expect(error.message).toMatch(/member x\.npy declares 4294967280 bytes inflated from \d+, more than deflate can/);
    expect(grew).toBeLessThan(MiB);
  });

  it('a stored member whose declared size runs past the end of the file', async () => {
    const file = temp('stored.npz');
    await writeNpz(file, { x: { dtype: 'float32', shape: [4], data: new Float32Array(4) } }, { compress: false });
    declareSizes(file, { compressed: 0xfffffff0, uncompressed: 0xfffffff0 });
    const { error, grew } = await failure(readNpz(file));
    expect(error.message).toMatch(/member x\.npy cannot be read \(file data overflows file bounds/);
    expect(grew).toBeLessThan(MiB);
  });

  it('malformed .npy headers and dtypes that used to hang or overflow the reader', async () => {
    const negative = await rawNpz(
      'x',
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }", new Uint8Array(8)),
    );
    await expect(readNpz(negative)).rejects.toThrow(/key 'x' has a malformed \.npy header: "\{'descr': '<f4'/);
    // Inside a deflated member the format error is reported as itself, not as damage to the zip.
    const deflated = await rawNpz('x', Buffer.from('not numpy at all, but deflated'), true);
    await expect(readNpz(deflated)).rejects.toThrow(
      /^\S+: key 'x' is not a NumPy \.npy array \(bad magic bytes 6e 6f 74/,
    );
    const zeroWidth = await rawNpz(
      'x',
      npy("{'descr': '<U0', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(8)),
    );
    await expect(readNpz(zeroWidth)).rejects.toThrow(/key 'x' has dtype <U0, which ptychopinn does not read/);
    const strayBytes = await rawNpz(
      'x',
      npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(12)),
    );
    await expect(readNpz(strayBytes)).rejects.toThrow(
      /key 'x' is truncated: shape \(2,\) needs 2 values, the file holds 1/,
    );
    // 300,000 characters: npyjs spread them into one call and overflowed the stack.
    const long = 'ptychography '.repeat(23_077);
    const file = temp('long.npz');
    await writeNpz(file, { note: { dtype: 'str', shape: [2], data: [long, 'π'] } });
    expect((await readNpz(file)).arrays.get('note')?.data).toEqual([long, 'π']);
  });
});

const M = 3;
const N = 32;

/** A valid small dataset (M patterns of N × N, amplitudes, inside a 64 × 64 object). */
function validArrays(): Record<string, NpyArray> {
  return {
    diff3d: { dtype: 'float32', shape: [M, N, N], data: new Float32Array(M * N * N).map((_, k) => 0.5 + (k % 7) / 3) },
    probeGuess: { dtype: 'complex64', shape: [N, N], data: new Float32Array(2 * N * N).fill(0.5) },
    xcoords: { dtype: 'float64', shape: [M], data: new Float64Array([20, 30, 40]) },
    ycoords: { dtype: 'float64', shape: [M], data: new Float64Array([22, 26, 30]) },
    objectGuess: { dtype: 'complex64', shape: [64, 64], data: new Float32Array(2 * 64 * 64).fill(1) },
  };
}

async function dataset(overrides: Record<string, NpyArray | undefined>): Promise<string> {
  const arrays = Object.entries({ ...validArrays(), ...overrides }).filter(([, array]) => array !== undefined);
  const file = temp('data.npz');
  await writeNpz(file, Object.fromEntries(arrays) as Record<string, NpyArray>);
  return file;
}

describe('datasets', () => {
  it.each([
    [
      'complex diffraction',
      { diff3d: { dtype: 'complex64', shape: [M, N, N], data: new Float32Array(2 * M * N * N) } },
      /key 'diff3d' is complex \(complex64\); diffraction must be real/,
    ],
    [
      'integer probe',
      { probeGuess: { dtype: 'int32', shape: [N, N], data: new Int32Array(N * N) } },
      /key 'probeGuess' has dtype int32; expected a complex \(or real float\) image/,
    ],
    [
      'complex positions',
      { xcoords: { dtype: 'complex64', shape: [M], data: new Float32Array(2 * M) } },
      /key 'xcoords' has dtype complex64; positions must be real numbers/,
    ],
    [
      'string positions',
      { ycoords: { dtype: 'str', shape: [M], data: ['a', 'b', 'c'] } },
      /key 'ycoords' is a string array; a numeric array is needed/,
    ],
    [
      'a probe of the wrong shape',
      { probeGuess: { dtype: 'complex64', shape: [N, N / 2], data: new Float32Array(N * N) } },
      /key 'probeGuess' has shape \(32, 16\) but the patterns are 32×32/,
    ],
  ] as [string, Record<string, NpyArray>, RegExp][])('refuses %s', async (_, overrides, message) => {
    await expect(loadDataset(await dataset(overrides))).rejects.toThrow(message);
  });

  it('refuses a file with no patterns, and all-zero diffraction whatever its kind', async () => {
    const empty = await dataset({
      diff3d: { dtype: 'float32', shape: [0, N, N], data: new Float32Array(0) },
      xcoords: { dtype: 'float64', shape: [0], data: new Float64Array(0) },
      ycoords: { dtype: 'float64', shape: [0], data: new Float64Array(0) },
    });
    await expect(loadDataset(empty)).rejects.toThrow(/xcoords and ycoords are empty, so the dataset has no patterns/);
    const zeros = await dataset({ diff3d: { dtype: 'float32', shape: [M, N, N], data: new Float32Array(M * N * N) } });
    for (const inputKind of [undefined, 'amplitude', 'counts'] as const) {
      await expect(loadDataset(zeros, { inputKind })).rejects.toThrow(
        /key 'diff3d' holds only zeros: every pattern is blank, so there is nothing to reconstruct/,
      );
    }
  });

  it('refuses positions whose patch misses the object, or (without one) lie far from the scan', async () => {
    const outside = await dataset({
      xcoords: { dtype: 'float64', shape: [M], data: new Float64Array([20, 30, 20_000]) },
    });
    await expect(loadDataset(outside)).rejects.toThrow(
      /xcoords\/ycoords: position 2 \(x 20000, y 30\) is so far outside objectGuess \(64×64\) that its 32×32 patch does not touch it; positions are patch centres in object pixels; check their units/,
    );
    // Nanometres instead of pixels: stitching would have needed a 2e5 × 2e5 canvas.
    const far = await dataset({
      objectGuess: undefined,
      xcoords: { dtype: 'float64', shape: [M], data: new Float64Array([0, 150_000, 300_000]) },
    });
    await expect(loadDataset(far)).rejects.toThrow(
      /position 0 \(x 0, y 22\) lies 150000 px from the scan's centre \(150000\.0, 26\.0\), so the stitched object would need a 300032×300032 canvas/,
    );
  });
});

const config = { ...DEFAULT_CONFIG, N, n_filters_scale: 1, device: 'cpu' };
const fields = manifestFields(config);

/** The weights of an untrained N = 32 model (fast; training is not what is tested here). */
function untrainedState(): StateDict {
  const probe = { dtype: 'complex64' as const, shape: [N, N], data: new Float32Array(2 * N * N).fill(0.02) };
  const model = createModel({ N, n_filters_scale: 1, seed: 3 }, probe);
  const state = model.stateDict();
  model.dispose();
  return state;
}

/** The same weights with the first network tensor under another name. */
function renamedTensor(state: StateDict): StateDict {
  const name = Object.keys(state).find((key) => key !== 'probe' && key !== 'log_scale')!;
  const { [name]: tensor, ...rest } = state;
  return { ...rest, [`${name}_renamed`]: tensor };
}

/** Bundles are opened on each engine here (the TensorFlow one when it is installed). */
const engines = ['libtorch', ...(tensorflowAvailable() ? ['tensorflow'] : [])];

describe('model bundles', () => {
  const state = untrainedState();

  it.each(engines)('refuses data of another N with the sizes and the fix (%s)', async (backend) => {
    const file = temp('model.ptpinn');
    await writeBundle(file, fields, state);
    const reconstructor = await Reconstructor.openModel(file, { backend });
    const big = new Float32Array(M * 64 * 64).map((_, k) => 0.5 + (k % 5) / 4);
    const data = await loadDataset(
      await dataset({
        diff3d: { dtype: 'float32', shape: [M, 64, 64], data: big },
        probeGuess: { dtype: 'complex64', shape: [64, 64], data: new Float32Array(2 * 64 * 64).fill(1) },
        objectGuess: undefined,
      }),
    );
    await expect(reconstructor.reconstruct(data)).rejects.toThrow(
      /patterns are 64×64 but the model's N is 32; use a model trained at N = 64, or crop\/bin the data to 32 \(dataset options cropTo, bin; CLI --crop-to, --bin\)/,
    );
    reconstructor.dispose();
  });

  it.each(engines)(
    'refuses a probe tensor of the wrong shape, non-finite weights and an invalid or inconsistent manifest (%s)',
    async (backend) => {
      const cases: [Partial<ManifestFields>, StateDict, RegExp][] = [
        [
          {},
          { ...state, probe: { dtype: 'float32', shape: [16, 16, 2], data: new Float32Array(512) } },
          /weights\.safetensors: tensor 'probe' has shape \[16,16,2\]; a model with N = 32 needs \[32, 32, 2\]/,
        ],
        [
          {},
          { ...state, log_scale: { dtype: 'float32', shape: [1], data: new Float32Array([NaN]) } },
          /tensor 'log_scale' holds NaN at flat index 0; the model's training diverged/,
        ],
        [
          { N: 48, config: { ...config, N: 48 } },
          state,
          /manifest\.json: N = 48 \(from manifest\.json\) is invalid: expected a power of two/,
        ],
        [{ N: 64 }, state, /manifest\.json is inconsistent: N 64 and gridsize 1, but its config has 32 and 1/],
        [{ inputScale: -1 }, state, /manifest\.json: inputScale must be a positive number, got -1/],
        [{}, renamedTensor(state), /bad\.ptpinn: .*missing/],
      ];
      for (const [manifest, weights, message] of cases) {
        const file = temp('bad.ptpinn');
        await writeBundle(file, { ...fields, ...manifest }, weights);
        const { error } = await failure(Reconstructor.openModel(file, { backend }));
        expect(error.name).toBe('BundleError');
        expect(error.message).toMatch(new RegExp(`^${file}: `));
        expect(error.message).toMatch(message);
      }
    },
  );

  it('refuses malformed safetensors headers', () => {
    const weights = (header: unknown, data = 16) => {
      const json = Buffer.from(JSON.stringify(header));
      const bytes = new Uint8Array(8 + json.length + data);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(json, 8);
      return bytes;
    };
    const decode = (header: unknown) => () => decodeSafetensors(weights(header), 'w');
    expect(decode([1, 2])).toThrow(/^w: header is not a JSON object of tensors$/);
    expect(decode({ x: { dtype: 'F32', shape: [-1, -4], data_offsets: [0, 16] } })).toThrow(
      /w: tensor 'x' .* is malformed/,
    );
    expect(decode({ x: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } })).toThrow(/w: tensor 'x' .* is malformed/);
    expect(decode({ x: null })).toThrow(/w: tensor 'x' \(null\) is malformed/);
    expect(
      decodeSafetensors(weights({ x: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }), 'w').x.shape,
    ).toEqual([2, 2]);
  });

  it('a failing write leaves the previous file intact and no temporary behind', async () => {
    const file = temp('model.ptpinn');
    await writeBundle(file, fields, state);
    const before = fs.readFileSync(file);
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('PK, half a bundle');
        throw new Error('disk on fire');
      })(),
    );
    const { error } = await failure(writeFileAtomic(file, failing));
    expect(error).toBeInstanceOf(WriteFileError);
    expect(error.message).toBe(`cannot write ${file} (disk on fire); the file is as it was before`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await readManifest(file)).N).toBe(N);
  });
});

/** A user error: exit code 1, one line on stderr naming what is wrong, no stack trace. */
function expectUserError(run: ReturnType<typeof runCli>, message: RegExp): void {
  expect(run.signal).toBeNull();
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('CLI', () => {
  const state = untrainedState();

  it('infer names the damaged data file, the damaged model file and the bad value', async () => {
    const model = temp('model.ptpinn');
    await writeBundle(model, fields, state);
    const good = await dataset({});
    const truncated = temp('truncated.npz');
    const whole = fs.readFileSync(good);
    fs.writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    const garbled = temp('garbled.ptpinn');
    fs.writeFileSync(garbled, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)));
    const out = temp('out');
    const infer = (modelFile: string, data: string) =>
      runCli(['infer', '--model', modelFile, '--data', data, '--output-dir', out, '--quiet']);
    expectUserError(infer(model, truncated), /truncated\.npz is not a readable NPZ \(zip\) archive/);
    expectUserError(infer(garbled, good), /garbled\.ptpinn: cannot be read as a model bundle/);
    const nan = validArrays().diff3d;
    (nan.data as Float32Array)[N * N + 5] = NaN;
    expectUserError(
      infer(model, await dataset({ diff3d: nan })),
      /key 'diff3d' holds NaN at pattern 1, pixel \(0, 5\)/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it('inspect refuses an invalid manifest', async () => {
    const file = temp('model.ptpinn');
    await writeBundle(file, { ...fields, config: { ...config, gridsize: 0 }, gridsize: 0 }, state);
    expectUserError(runCli(['inspect', file]), /manifest\.json: gridsize = 0 \(from manifest\.json\) is invalid/);
  });

  it('train whose checkpoint cannot be written exits with an error and leaves the previous model intact', async () => {
    const outputDir = temp('train');
    const model = path.join(outputDir, 'model.ptpinn');
    await writeBundle(model, fields, state);
    const before = fs.readFileSync(model);
    const data = path.join(repoRoot, 'fixtures', 'lines-n32.npz');
    const args = ['--train-data', data, '--output-dir', outputDir, '--N', '32', '--n-filters-scale', '1'];
    const train = [...args, '--nepochs', '3', '--n-groups', '16', '--checkpoint-every', '1', '--quiet'];
    // A 1 MiB file-size limit: the 1.7 MB bundle cannot be written (EFBIG).
    const bin = path.join(repoRoot, 'bin', 'ptychopinn.js');
    const run = spawnSync(
      'bash',
      ['-c', 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, bin, 'train', ...train],
      {
        encoding: 'utf8',
        timeout: 110_000,
      },
    );
    expect(run.signal).toBeNull(); // a segfault at exit used to follow
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /cannot write .*model\.ptpinn \(EFBIG: file too large, write\); the file is as it was before/,
    );
    // One line, printed by the CLI: train() rejected, nothing went unhandled.
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(model).equals(before)).toBe(true);
    expect(fs.readdirSync(outputDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
