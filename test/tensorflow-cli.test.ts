// --backend tensorflow on the command line: train, infer (either engine on either
// engine's model), demo, and info / doctor listing both engines. TensorFlow writes
// two lines of its own to stderr when it loads, so stderr is not expected empty here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { readManifest } from '../lib/bundle/bundle';
import type { StringArray } from '../lib/io/ndarray';
import { readNpz } from '../lib/io/npz';
import { repoRoot, runCli } from './helpers/cli';
import { tensorflowAvailable } from './helpers/tensorflow';

const fixture = path.join(repoRoot, 'fixtures', 'lines-n32.npz');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-tf-cli-'));
}

/** The JSON result line of a --json run. */
function result(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe.runIf(tensorflowAvailable())('ptychopinn --backend tensorflow', () => {
  it('trains with TensorFlow, and infers with either engine, recording which trained and which ran', async () => {
    const dir = tempDir();
    const train = runCli([
      'train',
      '--train-data',
      fixture,
      '--output-dir',
      dir,
      '--backend',
      'tensorflow',
      ...['--N', '32', '--n-filters-scale', '1', '--nepochs', '1', '--n-groups', '64', '--json'],
    ]);
    expect(train.status).toBe(0);
    expect(result(train.stdout)).toMatchObject({ type: 'result', epochs: 1, backend: 'tensorflow' });
    const model = path.join(dir, 'model.ptpinn');
    expect((await readManifest(model)).backend).toBe('tensorflow');

    for (const [flags, ran] of [
      [[], 'tensorflow'],
      [['--backend', 'torch'], 'libtorch'],
    ] as const) {
      const out = path.join(dir, `infer-${ran}`);
      const args = ['infer', '--model', model, '--data', fixture, '--output-dir', out, '--refine-iterations', '0'];
      const infer = runCli([...args, ...flags, '--json']);
      expect(infer.status).toBe(0);
      expect(result(infer.stdout)).toMatchObject({ backend: ran, trainedBackend: 'tensorflow' });
      const { arrays } = await readNpz(path.join(out, 'reconstruction.npz'), { keys: ['backend', 'trained_backend'] });
      expect((arrays.get('backend') as StringArray).data).toEqual([ran]);
      expect((arrays.get('trained_backend') as StringArray).data).toEqual(['tensorflow']);
    }

    const wrong = runCli(['infer', '--model', model, '--data', fixture, '--output-dir', dir, '--backend', 'jax']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/backend = "jax" .* expected one of libtorch, tensorflow \(aliases: pytorch, torch\)/);
  }, 120_000);

  it('demo reconstructs with the shipped (LibTorch-trained) model on TensorFlow', () => {
    const out = tempDir();
    const demo = runCli(['demo', '--output-dir', out, '--backend', 'tensorflow', '--n-images', '64', '--json']);
    expect(demo.status).toBe(0);
    expect(result(demo.stdout)).toMatchObject({
      mode: 'pretrained',
      backend: 'tensorflow',
      trainedBackend: 'libtorch',
    });
    expect(fs.existsSync(path.join(out, 'reconstruction.npz'))).toBe(true);
  }, 120_000);

  it('info --json and doctor list both engines with version, library and threads', () => {
    const info = runCli(['info', '--json'], { ...process.env, PTYCHOPINN_NUM_THREADS: '1' });
    expect(info.status).toBe(0);
    const engines = JSON.parse(info.stdout).engines as { name: string; available: boolean; threads: object }[];
    expect(engines.map((e) => [e.name, e.available])).toEqual([
      ['libtorch', true],
      ['tensorflow', true],
    ]);
    expect(engines[1]).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      library: expect.stringMatching(/libtensorflow\S*\.so/),
      threads: { intraOp: 1 },
    });
    const doctor = runCli(['doctor', '--json']);
    expect(doctor.status).toBe(0);
    const checks = JSON.parse(doctor.stdout).findings.filter((f: { check: string }) =>
      f.check.startsWith('TensorFlow'),
    );
    expect(checks.map((f: { check: string; ok: boolean }) => [f.check, f.ok])).toEqual([
      ['TensorFlow engine', true],
      ['TensorFlow self-test', true],
      ['TensorFlow threads', true],
    ]);
  });
});
