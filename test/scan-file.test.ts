// A scan read from its file a slice at a time (--stream): the same patterns, positions
// and reconstruction as the file loaded whole, and clear refusals where slices cannot be.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadDataset, Reconstructor, saveDataset, ScanFile, simulate, type PtychoDataset } from '../lib';
import { readNpz } from '../lib/io/npz';
import { runCli } from './helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-scanfile-'));
const stored = path.join(dir, 'stored.npz');
const compressed = path.join(dir, 'compressed.npz');
let dataset: PtychoDataset;
let reconstructor: Reconstructor;

beforeAll(async () => {
  dataset = simulate({ N: 32, nImages: 90, seed: 5, nphotons: 1e6 });
  delete dataset.Y;
  await saveDataset(stored, dataset, { compress: false });
  await saveDataset(compressed, dataset);
  reconstructor = Reconstructor.create({ N: 32, n_filters_scale: 1, nepochs: 1, n_groups: 16, seed: 1 }, {});
  await reconstructor.train(dataset);
}, 60_000);

afterAll(() => {
  reconstructor?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ScanFile', () => {
  it('gives the patterns and positions of the whole file, slice by slice', async () => {
    using scan = await ScanFile.open(stored);
    const whole = await loadDataset(stored);
    expect(scan.count).toBe(90);
    expect(scan.N).toBe(32);
    expect(Array.from(scan.xcoords)).toEqual(Array.from(whole.xcoords));
    expect(Array.from(scan.first.probeGuess.data)).toEqual(Array.from(whole.probeGuess.data));
    // The ground-truth object, as large as the reconstruction, is read only when asked for.
    expect(scan.first.objectGuess).toBeUndefined();
    const truth = await scan.groundTruth();
    expect(truth?.shape).toEqual(whole.objectGuess!.shape);
    expect(Array.from(truth!.data)).toEqual(Array.from(whole.objectGuess!.data));
    const slice = await scan.slice(40, 7);
    expect(slice.diffraction.shape).toEqual([7, 32, 32]);
    expect(Array.from(slice.diffraction.data)).toEqual(
      Array.from(whole.diffraction.data.subarray(40 * 1024, 47 * 1024)),
    );
    expect(Array.from(slice.ycoords)).toEqual(Array.from(whole.ycoords.subarray(40, 47)));
    // As many patterns as pixels on a side: still patterns first, as in the file.
    expect((await scan.slice(0, 32)).diffraction.shape).toEqual([32, 32, 32]);
    await expect(scan.slice(85, 6)).rejects.toThrow(/patterns \[85, 91\) are outside its 90/);
  });

  it('crops the frames and scales the positions as loadDataset does', async () => {
    const wide = path.join(dir, 'wide.npz');
    await saveDataset(wide, simulate({ N: 64, nImages: 12, seed: 2 }), { compress: false });
    using scan = await ScanFile.open(wide, { cropTo: 32 });
    const whole = await loadDataset(wide, { cropTo: 32 });
    expect(scan.N).toBe(32);
    expect(Array.from(scan.ycoords)).toEqual(Array.from(whole.ycoords));
    expect(Array.from((await scan.slice(10, 2)).diffraction.data)).toEqual(
      Array.from(whole.diffraction.data.subarray(10 * 1024, 12 * 1024)),
    );
  });

  it('refuses a compressed file, naming it and the fix', async () => {
    await expect(ScanFile.open(compressed)).rejects.toThrow(
      new RegExp(`${compressed}.*compressed \\(numpy.savez_compressed\\); re-save it with numpy.savez.*drop --stream`),
    );
  });
});

describe('Reconstructor.reconstructStreamed', () => {
  it('stitches the same object as reconstruct() of the file loaded whole', async () => {
    using scan = await ScanFile.open(stored);
    // Chunks of 13 groups: the slices do not line up with anything in the scan.
    const streamed = await reconstructor.reconstructStreamed(scan, { chunkGroups: 13 });
    const whole = await reconstructor.reconstruct(await loadDataset(stored), { refine: false });
    expect([streamed.height, streamed.width, ...streamed.origin]).toEqual([whole.height, whole.width, ...whole.origin]);
    let difference = 0;
    for (let i = 0; i < whole.object.data.length; i += 1) {
      difference = Math.max(difference, Math.abs(streamed.object.data[i] - whole.object.data[i]));
    }
    expect(difference).toBeLessThan(1e-6);
    expect(streamed.refinement).toBeUndefined();
    expect(streamed.timings.patternsPerSecond).toBeGreaterThan(0);
  });

  it('refuses a gridsize 2 model: its groups reach across slices', async () => {
    const gridsize2 = Reconstructor.create({ N: 32, gridsize: 2, n_filters_scale: 1, nepochs: 1, n_groups: 8 }, {});
    try {
      await gridsize2.train(dataset);
      using scan = await ScanFile.open(stored);
      await expect(gridsize2.reconstructStreamed(scan)).rejects.toThrow(/gridsize 2.*load the file whole/);
    } finally {
      gridsize2.dispose();
    }
  }, 60_000);
});

describe('ptychopinn infer --stream', () => {
  it('writes the network object of a scan read slice by slice, and refuses refinement flags', async () => {
    const model = path.join(dir, 'model.ptpinn');
    await reconstructor.saveModel(model);
    const out = path.join(dir, 'streamed');
    const args = ['infer', '--model', model, '--data', stored, '--output-dir', out, '--stream', '--json'];
    const run = runCli(args);
    expect(run.status, run.stderr).toBe(0);
    const whole = await reconstructor.reconstruct(dataset, { refine: false });
    const written = (await readNpz(path.join(out, 'reconstruction.npz'))).arrays;
    expect(written.get('amplitude')?.shape).toEqual([whole.height, whole.width]);
    expect(written.has('network_object')).toBe(false);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(Number.isFinite(metrics.amplitude.ssim)).toBe(true);
    const refused = runCli([...args, '--refine-iterations', '5']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/--stream reconstructs with the network alone.*drop --stream or the --refine flags/);
  }, 60_000);
});
