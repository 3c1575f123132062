// HDF5 files: Ptychodus products and NeXus diffraction stacks written by h5py
// (fixtures/hdf5/, scripts/make-hdf5-fixtures.py), the dataset contract in HDF5,
// products written back, and errors that name the file and the dataset path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDataset } from '../lib/data/datasetFile';
import { ScanFile } from '../lib/data/scanFile';
import { readPtychodus } from '../lib/data/ptychodusRead';
import { writePtychodusProduct } from '../lib/data/ptychodusWrite';
import { h5wasm } from '../lib/io/hdf5';
import { readNpz } from '../lib/io/npz';
import { Reconstructor } from '../lib/workflow/Reconstructor';

const HDF5 = path.join(__dirname, '..', 'fixtures', 'hdf5');
const PRODUCT = path.join(HDF5, 'product.h5');
const DIFFRACTION = path.join(HDF5, 'diffraction.h5');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-hdf5-'));
/** An untrained gridsize-1 network (streaming takes no others): both readings go through the same weights. */
let model: Reconstructor;
beforeAll(async () => {
  model = Reconstructor.create(
    { N: 32, gridsize: 1, n_filters_scale: 1, nepochs: 0, seed: 1, precision: 'float32' },
    {},
  );
  await model.train(await loadDataset(path.join(HDF5, 'scan.npz')));
});
afterAll(() => {
  model?.dispose();
  fs.rmSync(folder, { recursive: true, force: true });
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** An HDF5 file holding one dataset at `group`/`name`, written through h5wasm. */
async function hdf5(
  file: string,
  group: string,
  name: string,
  data: Float32Array | string[],
  shape: number[],
): Promise<string> {
  const h5 = await h5wasm();
  const out = new h5.File(path.join(folder, file), 'w');
  let parent: import('h5wasm').Group = out;
  for (const part of group.split('/').filter(Boolean)) parent = parent.create_group(part);
  parent.create_dataset({ name, data, shape });
  out.close();
  return path.join(folder, file);
}

describe('Ptychodus HDF5 files', () => {
  it('reads a product and a NeXus diffraction stack written by h5py: positions in metres become pixels', async () => {
    const { dataset, metadata } = await readPtychodus(PRODUCT, DIFFRACTION);
    const source = (await readNpz(path.join(__dirname, '..', 'fixtures', 'lines-n32.npz'))).arrays;
    const x = source.get('xcoords')!.data as Float64Array;
    const y = source.get('ycoords')!.data as Float64Array;
    expect(dataset.diffraction.shape).toEqual([32, 32, 32]);
    expect(maxDifference(dataset.xcoords, x.subarray(0, 32))).toBeLessThan(1e-6);
    expect(maxDifference(dataset.ycoords, y.subarray(0, 32))).toBeLessThan(1e-6);
    expect(dataset.objectGuess!.shape).toEqual(source.get('objectGuess')!.shape);
    expect(
      maxDifference(dataset.objectGuess!.data as Float32Array, source.get('objectGuess')!.data as Float32Array),
    ).toBe(0);
    expect(metadata).toMatchObject({
      name: 'lines-n32',
      probeEnergyEV: 8000,
      objectPixelWidthM: 1e-8,
      objectCenterYM: -2e-6,
    });
    // Counts: the amplitudes are their square roots (up to the rounding to whole counts).
    const amplitudes = source.get('diff3d')!.data as Float32Array;
    const scale = dataset.diffraction.data[100] / amplitudes[100];
    expect(
      maxDifference(
        dataset.diffraction.data as Float32Array,
        amplitudes.subarray(0, 32 * 32 * 32).map((a) => a * scale),
      ),
    ).toBeLessThan(1e-3 * Math.max(...amplitudes.subarray(0, 32 * 32 * 32)) * scale);
  });

  it('reads the stack in blocks of any size to the same values', async () => {
    const whole = await readPtychodus(PRODUCT, DIFFRACTION);
    const blocks = await readPtychodus(PRODUCT, DIFFRACTION, { patternsPerRead: 5 });
    expect(
      maxDifference(blocks.dataset.diffraction.data as Float32Array, whole.dataset.diffraction.data as Float32Array),
    ).toBe(0);
  });

  it('writes a product HDF5 that reads back to the same arrays and metadata', async () => {
    const { dataset, metadata } = await readPtychodus(PRODUCT, DIFFRACTION);
    const file = path.join(folder, 'written.h5');
    await writePtychodusProduct(file, {
      probe: dataset.probeGuess,
      object: dataset.objectGuess!,
      xcoords: dataset.xcoords,
      ycoords: dataset.ycoords,
      lossValues: [0.5, 0.25],
      metadata,
    });
    const back = await readPtychodus(file, DIFFRACTION);
    expect(back.metadata).toEqual(metadata);
    expect(
      maxDifference(back.dataset.objectGuess!.data as Float32Array, dataset.objectGuess!.data as Float32Array),
    ).toBe(0);
    expect(maxDifference(back.dataset.probeGuess.data as Float32Array, dataset.probeGuess.data as Float32Array)).toBe(
      0,
    );
    expect(maxDifference(back.dataset.xcoords, dataset.xcoords)).toBeLessThan(1e-9);
    expect(maxDifference(back.dataset.ycoords, dataset.ycoords)).toBeLessThan(1e-9);
    expect(fs.readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the dataset contract in HDF5', () => {
  it('loads the same dataset as the NPZ with the same arrays, and reconstructs the same object', async () => {
    const fromNpz = await loadDataset(path.join(HDF5, 'scan.npz'));
    const fromHdf5 = await loadDataset(path.join(HDF5, 'scan.h5'), { patternsPerRead: 5 });
    expect(fromHdf5.diffraction.shape).toEqual([48, 32, 32]);
    expect(maxDifference(fromHdf5.diffraction.data as Float32Array, fromNpz.diffraction.data as Float32Array)).toBe(0);
    const [a, b] = [
      await model.reconstruct(fromNpz, { refine: false }),
      await model.reconstruct(fromHdf5, { refine: false }),
    ];
    expect([b.height, b.width]).toEqual([a.height, a.width]);
    expect(maxDifference(b.amplitude, a.amplitude)).toBe(0);
    expect(maxDifference(b.phase, a.phase)).toBe(0);
  });
});

describe('a scan streamed from HDF5', () => {
  it('reads slices of the stack and stitches the same object as the same data from NPZ', async () => {
    using scan = await ScanFile.open(path.join(HDF5, 'scan.h5'));
    const whole = await loadDataset(path.join(HDF5, 'scan.npz'));
    expect(scan.count).toBe(48);
    const slice = await scan.slice(21, 5);
    expect(
      maxDifference(
        slice.diffraction.data as Float32Array,
        whole.diffraction.data.subarray(21 * 1024, 26 * 1024) as Float32Array,
      ),
    ).toBe(0);
    // Chunks of 7 groups: the slices line up neither with the file's chunks (8) nor the scan.
    const streamed = await model.reconstructStreamed(scan, { chunkGroups: 7 });
    const fromNpz = await model.reconstruct(whole, { refine: false });
    expect([streamed.height, streamed.width, ...streamed.origin]).toEqual([
      fromNpz.height,
      fromNpz.width,
      ...fromNpz.origin,
    ]);
    expect(maxDifference(streamed.object.data as Float32Array, fromNpz.object.data as Float32Array)).toBeLessThan(1e-6);
  });
});

describe('bad HDF5 files', () => {
  it('names the file and the dataset path that is missing', async () => {
    const file = await hdf5('empty.h5', '', 'other', new Float32Array(4), [4]);
    await expect(readPtychodus(PRODUCT, file)).rejects.toThrow(
      /empty\.h5: dataset 'entry\/data\/data' \(a dataset\) is missing: found nothing there/,
    );
  });

  it('names the file and the dataset path of the wrong rank', async () => {
    const file = await hdf5('flat.h5', 'scan', 'frames', new Float32Array(16), [4, 4]);
    await expect(readPtychodus(PRODUCT, file, { diffractionPath: 'scan/frames' })).rejects.toThrow(
      /flat\.h5: dataset 'scan\/frames' has rank 2 \(shape \[4,4\]\); rank 3 is needed/,
    );
  });

  it('names the file and the dataset path of the wrong dtype', async () => {
    const file = await hdf5('text.h5', 'entry/data', 'data', ['a', 'b'], [2, 1, 1]);
    await expect(readPtychodus(PRODUCT, file)).rejects.toThrow(
      /text\.h5: dataset 'entry\/data\/data' has dtype .*a numeric dtype is needed/,
    );
  });

  it('says a file that is not HDF5 is not', async () => {
    const file = path.join(folder, 'fake.h5');
    fs.writeFileSync(
      file,
      Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really')]),
    );
    await expect(loadDataset(file)).rejects.toThrow(/fake\.h5 cannot be opened as HDF5/);
  });
});
