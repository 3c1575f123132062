// `ptychopinn simulate` end to end: the CLI contract of issue 4 writes a dataset that
// loads under the contract.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { loadDataset } from '../lib/data/datasetFile';
import { runCli } from './helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-cli-simulate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ptychopinn simulate', () => {
  it('writes a lines dataset with ground truth', async () => {
    const out = path.join(dir, 'data.npz');
    const run = runCli([
      'simulate',
      '--object',
      'lines',
      '--n-images',
      '48',
      '--N',
      '32',
      '--nphotons',
      '1e6',
      '--seed',
      '1',
      '-o',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/wrote .*data\.npz: 48 patterns 32×32; simulated lines object/);
    const ds = await loadDataset(out);
    expect(ds.diffraction.shape).toEqual([48, 32, 32]);
    expect(ds.Y?.shape).toEqual([48, 32, 32]);
    expect(ds.objectGuess).toBeDefined();
    expect(ds.nphotons).toBe(1e6);
  });

  it('passes the generator options through', async () => {
    const out = path.join(dir, 'disk.npz');
    const run = runCli([
      'simulate',
      '--object',
      'grf',
      '--probe',
      'disk',
      '--probe-radius',
      '5',
      '--fresnel-number',
      '2',
      '--positions',
      'random',
      '--n-images',
      '16',
      '--N',
      '32',
      '--object-size',
      '90',
      '--no-noise',
      '--no-compress',
      '-o',
      out,
    ]);
    expect(run.status).toBe(0);
    const ds = await loadDataset(out);
    expect(ds.objectGuess!.shape).toEqual([90, 90]);
    expect(run.stdout).toMatch(/simulated grf object 90×90, disk probe, 16 random positions, .* no noise/);
  });

  it('reports bad flags with the flag and the fix', () => {
    const png = runCli(['simulate', '--object', 'png', '-o', path.join(dir, 'x.npz')]);
    expect(png.status).toBe(1);
    expect(png.stderr).toMatch(/--object png needs --png-amplitude <file>/);
    const size = runCli(['simulate', '--N', '48', '-o', path.join(dir, 'x.npz')]);
    expect(size.status).toBe(1);
    expect(size.stderr).toMatch(/N = 48 \(from simulate\) is invalid: expected a power of two/);
  });
});
