import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { addon, tensorflowAddon } from '../lib/native';
import { AddonLoadError, explainLoadFailure, LIBTORCH_ADDON, loadAddon, TENSORFLOW_ADDON } from '../lib/native/loader';
import { repoRoot } from './helpers/cli';
import { toolAvailable } from './helpers/shared';
import { tensorflowAvailable } from './helpers/tensorflow';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-loader-'));
}

/**
 * A copy of a built addon in its own package folder, with the NEEDED entries of its
 * engine library (`engine`) rewritten. Default: the LibTorch addon.
 */
function patchedCopy(
  replacement: (needed: string) => string,
  source = addon().path,
  engine = /^lib(torch|c10)/,
  folder = LIBTORCH_ADDON.folder,
): string {
  const root = tempDir();
  const target = path.join(root, folder, 'build', 'Release', path.basename(source));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  const needed = execFileSync('patchelf', ['--print-needed', target], { encoding: 'utf8' }).split('\n');
  const args = needed.filter((lib) => engine.test(lib)).flatMap((lib) => ['--replace-needed', lib, replacement(lib)]);
  expect(args.length).toBeGreaterThan(0);
  execFileSync('patchelf', [...args, target]);
  return root;
}

/** Loads `root` through the real loader in a child process; returns the error it printed. */
function loadInChild(root: string, spec = 'LIBTORCH_ADDON'): { reason: string; message: string } {
  const loader = path.join(repoRoot, 'dist', 'lib', 'native', 'loader.js');
  const script = `const l = require(${JSON.stringify(loader)});
    try { l.loadAddon(${JSON.stringify(root)}, l.${spec}); console.log(JSON.stringify({ reason: 'loaded' })) }
    catch (e) { console.log(JSON.stringify({ reason: e.reason, message: e.message })) }`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

describe('addon loader', () => {
  it('explains a missing binary: where it looked and how to build one', () => {
    const empty = tempDir();
    let error: unknown;
    try {
      loadAddon(empty, LIBTORCH_ADDON);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AddonLoadError);
    const e = error as AddonLoadError;
    expect(e.reason).toBe('binary-missing');
    expect(e.message).toContain(path.join(empty, 'build', 'Release'));
    expect(e.message).toContain(path.join(empty, 'prebuilds', `${process.platform}-${process.arch}`));
    expect(e.message).toMatch(/fix: +npm rebuild ptychopinn/);
  });

  it.runIf(toolAvailable('patchelf'))(
    'explains a LibTorch library that cannot be found, naming it (needs patchelf)',
    () => {
      const root = patchedCopy((lib) => lib.replace('.so', '-absent.so'));
      const result = loadInChild(root);
      expect(result.reason).toBe('libtorch-missing');
      expect(result.message).toContain(path.join(root, 'build', 'Release', 'ptychopinn.node'));
      expect(result.message).toMatch(
        /cause: lib(torch|c10)\S*-absent\.so\S* is not installed or not on the library path/,
      );
      expect(result.message).toContain('apt-get install libtorch1.13');
      expect(result.message).toContain('LIBTORCH=/path/to/libtorch');
    },
  );

  it.runIf(toolAvailable('patchelf'))(
    'explains a symbol mismatch as a binary built for another LibTorch (needs patchelf)',
    () => {
      // libz resolves, but provides none of LibTorch's symbols.
      const root = patchedCopy(() => 'libz.so.1');
      const result = loadInChild(root);
      expect(result.reason).toBe('abi-mismatch');
      expect(result.message).toMatch(/cause: .*undefined symbol/);
      expect(result.message).toContain('npm rebuild ptychopinn');
    },
  );

  it('explains a TensorFlow addon that was never built: where it looked and how to get TensorFlow', () => {
    const empty = tempDir();
    let error: unknown;
    try {
      loadAddon(empty, TENSORFLOW_ADDON);
    } catch (e) {
      error = e;
    }
    const e = error as AddonLoadError;
    expect(e.reason).toBe('binary-missing');
    expect(e.message).toMatch(/the TensorFlow addon could not be loaded/);
    expect(e.message).toContain(path.join(empty, 'addons', 'tensorflow', 'build', 'Release'));
    expect(e.message).toContain('ptychopinn_tf.node');
    expect(e.message).toMatch(/fix: +install TensorFlow \(python3 -m pip install tensorflow-cpu==2\.21\.0/);
  });

  it.runIf(tensorflowAvailable() && toolAvailable('patchelf'))(
    'explains a TensorFlow library that cannot be found, and the engine becomes unavailable saying so',
    () => {
      const root = patchedCopy(
        (lib) => lib.replace('.so', '-absent.so'),
        tensorflowAddon().path,
        /^libtensorflow/,
        TENSORFLOW_ADDON.folder,
      );
      const tried = path.join(root, TENSORFLOW_ADDON.folder, 'build', 'Release', 'ptychopinn_tf.node');
      const result = loadInChild(root, 'TENSORFLOW_ADDON');
      expect(result.reason).toBe('tensorflow-missing');
      expect(result.message).toContain(tried);
      expect(result.message).toMatch(
        /cause: libtensorflow\S*-absent\.so\S* is not installed or not on the library path/,
      );
      expect(result.message).toContain('pip install tensorflow-cpu==2.21.0');
      expect(result.message).toContain('LIBTENSORFLOW=');

      // The registry's tensorflow engine over that addon: unavailable, with the file, cause and fix.
      const dist = path.join(repoRoot, 'dist', 'lib');
      const script = `const { loadAddon, TENSORFLOW_ADDON } = require(${JSON.stringify(path.join(dist, 'native', 'loader.js'))});
        const { tensorflowEngineFrom } = require(${JSON.stringify(path.join(dist, 'backends', 'tensorflow', 'tensorflowEngine.js'))});
        const { BackendUnavailableError } = require(${JSON.stringify(path.join(dist, 'backends', 'registry.js'))});
        const a = tensorflowEngineFrom(() => loadAddon(${JSON.stringify(root)}, TENSORFLOW_ADDON)).availability();
        console.log(JSON.stringify({ available: a.available, message: new BackendUnavailableError('tensorflow', a.missing, a.install).message }));`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      const engine = JSON.parse(run.stdout) as { available: boolean; message: string };
      expect(engine.available).toBe(false);
      expect(engine.message).toMatch(/^backend 'tensorflow' is selected but not available: /);
      expect(engine.message).toContain(`(tried ${tried})`);
      expect(engine.message).toMatch(/libtensorflow\S*-absent\.so\S* is not installed/);
      expect(engine.message).toMatch(/install: make the TensorFlow the addon was built against loadable again/);
    },
  );

  it('classifies loader messages it has not produced itself', () => {
    expect(explainLoadFailure('x.node', new Error('libfoo.so.3: cannot open shared object file')).reason).toBe(
      'library-missing',
    );
    expect(
      explainLoadFailure('x.node', new Error('The module was compiled against NODE_MODULE_VERSION 93')).reason,
    ).toBe('abi-mismatch');
    expect(explainLoadFailure('x.node', new Error('weird')).reason).toBe('unknown');
    const tensorflow = explainLoadFailure(
      'x_tf.node',
      new Error('libtensorflow_framework.so.2: cannot open shared object file'),
      TENSORFLOW_ADDON,
    );
    expect(tensorflow.reason).toBe('tensorflow-missing');
  });
});
