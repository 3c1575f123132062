// End to end: train → save → open → reconstruct → images and metrics, through the
// library and through the CLI, on the shipped N = 32 fixture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { writeReconstructionOutputs } from '../lib/cli/resultFiles';
import { loadDataset } from '../lib/data/datasetFile';
import type { NumericArray, StringArray } from '../lib/io/ndarray';
import { readNpz } from '../lib/io/npz';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { repoRoot, runCli } from './helpers/cli';

const fixture = path.join(repoRoot, 'fixtures', 'lines-n32.npz');
const small = { N: 32, n_filters_scale: 1, nepochs: 2, seed: 1, device: 'cpu' };

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-workflow-'));
}

/** Decodes a PNG and checks it is not blank: at least `minColours` distinct colours. */
function expectPicture(file: string, minColours = 20): void {
  const png = PNG.sync.read(fs.readFileSync(file));
  expect(png.width).toBeGreaterThan(100);
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
  expect(colours.size).toBeGreaterThanOrEqual(minColours);
}

describe('reconstructor workflow (library)', () => {
  it('trains, saves, reopens and reconstructs a stitched object with its origin', async () => {
    const data = await loadDataset(fixture);
    const reconstructor = Reconstructor.create(small, {});
    const events: string[] = [];
    const iteration = reconstructor.trainEvents(data);
    for await (const event of iteration) events.push(event.type);
    const summary = await iteration.result;
    expect(summary.epochs).toBe(2);
    expect(events.filter((e) => e === 'epoch')).toHaveLength(2);

    const dir = tempDir();
    const modelFile = path.join(dir, 'model.ptpinn');
    await reconstructor.saveModel(modelFile);
    const direct = await reconstructor.reconstruct(data);
    reconstructor.dispose();

    const reopened = await Reconstructor.openModel(modelFile, { backend: 'pytorch' });
    const result = await reopened.reconstruct(data, { chunkGroups: 50 });
    reopened.dispose();
    expect(result.backend).toBe('libtorch');
    expect(result.trainedBackend).toBe('libtorch');
    expect(Array.from(result.object.data)).toEqual(Array.from(direct.object.data)); // bundle is exact; chunking too
    expect(result.object.shape).toEqual([result.height, result.width]);
    expect(result.positions.length).toBe(2 * data.xcoords.length);
    // The stitched region spans the scan plus the crop (reference §7), placed by its origin.
    const xmin = Math.min(...data.xcoords);
    const xmax = Math.max(...data.xcoords);
    expect(result.origin[0]).toBeCloseTo(xmin - 10, 0);
    expect(result.width).toBeCloseTo(xmax - xmin + 20, -1);

    const { metrics } = await writeReconstructionOutputs(dir, result, data);
    expect(metrics && Object.keys(metrics.amplitude).sort()).toEqual(
      ['frc50', 'frc_1_7', 'frc_halfbit', 'mae', 'psnr', 'ssim'].sort(),
    );
    expectPicture(path.join(dir, 'amplitude.png'));
    expectPicture(path.join(dir, 'phase.png'));
  }, 60_000);
});

describe('ptychopinn train / infer / evaluate (CLI)', () => {
  it('writes the model, history, images and metrics the contract names', async () => {
    const dir = tempDir();
    const trainDir = path.join(dir, 'train');
    const train = runCli([
      'train',
      '--train-data',
      fixture,
      '--output-dir',
      trainDir,
      '--N',
      '32',
      '--n-filters-scale',
      '1',
      '--nepochs',
      '2',
      '--seed',
      '2',
      '--device',
      'cpu',
      '--json',
    ]);
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    const lines = train.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'epoch')).toHaveLength(2);
    expect(lines.at(-1)).toMatchObject({ type: 'result', epochs: 2, aborted: false, backend: 'libtorch' });
    const history = JSON.parse(fs.readFileSync(path.join(trainDir, 'history.json'), 'utf8'));
    expect(history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    expect(Object.keys(history[0])).toEqual(
      expect.arrayContaining(['loss', 'nll', 'mae', 'validationLoss', 'learningRate', 'seconds']),
    );
    // A line plot: background, axes and labels, and the training curve's colour at least.
    expectPicture(path.join(trainDir, 'loss.png'), 3);
    expect(fs.readFileSync(path.join(trainDir, 'report.html'), 'utf8')).toContain('<h2>Training</h2>');

    const model = path.join(trainDir, 'model.ptpinn');
    const outDir = path.join(dir, 'infer');
    const infer = runCli(['infer', '--model', model, '--data', fixture, '--output-dir', outDir]);
    expect(infer.stderr).toBe('');
    expect(infer.status).toBe(0);
    const { arrays } = await readNpz(path.join(outDir, 'reconstruction.npz'));
    const object = arrays.get('object') as NumericArray;
    expect(object.dtype).toBe('complex64');
    expect((arrays.get('amplitude') as NumericArray).dtype).toBe('float32');
    expect((arrays.get('phase') as NumericArray).shape).toEqual(object.shape);
    expect((arrays.get('origin') as NumericArray).dtype).toBe('float64');
    expect((arrays.get('positions') as NumericArray).shape).toEqual([196, 2]);
    expect((arrays.get('backend') as StringArray).data).toEqual(['libtorch']);
    expect((arrays.get('trained_backend') as StringArray).data).toEqual(['libtorch']);
    expectPicture(path.join(outDir, 'amplitude.png'));
    expectPicture(path.join(outDir, 'phase.png'));
    expectPicture(path.join(outDir, 'comparison.png'));
    const metrics = JSON.parse(fs.readFileSync(path.join(outDir, 'metrics.json'), 'utf8'));
    expect(metrics.border).toBe(2);
    expect(fs.readFileSync(path.join(outDir, 'report.html'), 'utf8')).toContain(metrics.amplitude.ssim.toPrecision(4));

    const evaluate = runCli([
      'evaluate',
      '--reconstruction',
      path.join(outDir, 'reconstruction.npz'),
      '--ground-truth',
      fixture,
      '-o',
      path.join(dir, 'm.json'),
    ]);
    expect(evaluate.status).toBe(0);
    expect(JSON.parse(evaluate.stdout)).toEqual(metrics);

    // Detector frames larger than the model's N: --bin 2 makes 32 × 32 patterns of the
    // N = 64 scan, whose 64 × 64 probe is cut to the 32 × 32 field of view; a bad factor is refused.
    const large = path.join(repoRoot, 'fixtures', 'lines-n64-test.npz');
    const binnedDir = path.join(dir, 'binned');
    const binned = runCli(['infer', '--model', model, '--data', large, '--bin', '2', '--output-dir', binnedDir]);
    expect(binned.stderr).toBe('');
    expect(binned.status).toBe(0);
    expect(fs.existsSync(path.join(binnedDir, 'reconstruction.npz'))).toBe(true);
    const badBin = runCli(['infer', '--model', model, '--data', large, '--crop-to', '0', '--output-dir', dir]);
    expect(badBin.status).toBe(1);
    expect(badBin.stderr).toMatch(/--crop-to: expected a positive integer, got '0'/);
  }, 90_000);

  it('inspect refuses a file that is not a bundle', () => {
    const run = runCli(['inspect', fixture]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/lines-n32\.npz: not a model bundle: it has no manifest\.json/);
  });
});
