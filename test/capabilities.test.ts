import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { capabilities, libraryVersion, setThreads } from '../lib/capabilities';
import { runCli, repoRoot } from './helpers/cli';

/** The version CMake found (TorchConfigVersion.cmake in the Torch config folder the build used). */
function builtAgainstVersion(): string {
  const cache = fs.readFileSync(path.join(repoRoot, 'build', 'CMakeCache.txt'), 'utf8');
  const torchDir = /^PTYCHOPINN_TORCH_CONFIG_DIR:INTERNAL=(.*)$/m.exec(cache)?.[1];
  if (!torchDir) throw new Error('build/CMakeCache.txt has no PTYCHOPINN_TORCH_CONFIG_DIR');
  const config = fs.readFileSync(path.join(torchDir, 'TorchConfigVersion.cmake'), 'utf8');
  return /set\(PACKAGE_VERSION "([^"]+)"\)/.exec(config)![1];
}

describe('capabilities()', () => {
  afterAll(() => setThreads(os.availableParallelism()));

  it('reports the LibTorch version the addon was built against', () => {
    expect(capabilities().libtorch.version).toBe(builtAgainstVersion());
  });

  it('loads only the LibTorch the build found, whatever else is installed', () => {
    const cache = fs.readFileSync(path.join(repoRoot, 'build', 'CMakeCache.txt'), 'utf8');
    const c10 = /^c10_LIBRARY:FILEPATH=(.*)$/m.exec(cache)?.[1];
    expect(c10).toBeTruthy();
    const libdir = fs.realpathSync(path.dirname(c10!));
    const { library, loadedVersion, version } = capabilities().libtorch;
    expect(fs.realpathSync(path.dirname(library))).toBe(libdir);
    // Every LibTorch library mapped into this process comes from that one folder.
    const mapped = new Set(
      fs
        .readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .map((line) => line.split(/\s+/).slice(5).join(' '))
        .filter((file) => /\/lib(torch|torch_cpu|c10)\.so/.test(file))
        .map((file) => fs.realpathSync(path.dirname(file))),
    );
    expect([...mapped]).toEqual([libdir]);
    expect(loadedVersion?.split('.').slice(0, 2)).toEqual(version.split('.').slice(0, 2));
  });

  it('reads the loaded version from what each kind of install records', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-libtorch-'));
    const write = (file: string, text = '') => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
      return path.join(dir, file);
    };
    expect(libraryVersion(write('debian/libtorch_cpu.so.1.13.1'))).toBe('1.13.1');
    write('pip/torch/version.py', "__version__ = '2.13.0+cpu'\n");
    expect(libraryVersion(write('pip/torch/lib/libtorch_cpu.so'))).toBe('2.13.0+cpu');
    write('unpacked/libtorch/build-version', '2.5.1+cu124\n');
    expect(libraryVersion(write('unpacked/libtorch/lib/libtorch_cpu.so'))).toBe('2.5.1+cu124');
    expect(libraryVersion(write('bare/lib/libtorch_cpu.so'))).toBeNull();
    expect(libraryVersion('')).toBeNull();
  });

  it('defaults intra-op threads to the available cores', () => {
    expect(capabilities().threads.intraOp).toBe(os.availableParallelism());
  });

  it('reports the thread count actually in effect after setting it through LibTorch', () => {
    expect(setThreads(1)).toBe(1);
    expect(capabilities().threads.intraOp).toBe(1);
    expect(capabilities().threads.parallelInfo).toMatch(/at::get_num_threads\(\) : 1/);
    expect(() => setThreads(0)).toThrow(/positive integer, got 0/);
  });

  it('describes the addon and this CPU build', () => {
    const caps = capabilities();
    expect(caps.packageVersion).toBe(JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    expect(fs.existsSync(caps.addon.path)).toBe(true);
    expect(caps.addon.prebuilt).toBe(caps.addon.path.includes(`${path.sep}prebuilds${path.sep}`));
    expect(caps.cuda.available).toBe(caps.cuda.devices.length > 0);
    if (!caps.cuda.compiled) expect(caps.cuda.devices).toEqual([]);
  });
});

describe('ptychopinn info / doctor', () => {
  it('info --json honours PTYCHOPINN_NUM_THREADS', () => {
    const run = runCli(['info', '--json'], { ...process.env, PTYCHOPINN_NUM_THREADS: '1' });
    expect(run.status).toBe(0);
    const info = JSON.parse(run.stdout);
    expect(info.threads.intraOp).toBe(1);
    expect(info.libtorch.version).toBe(builtAgainstVersion());
  });

  it('info prints a human summary', () => {
    const run = runCli(['info']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^LibTorch: +\d+\.\d+\S* loaded from \/\S+ \(compiled against \d+\.\d+\.\d+\)$/m);
    expect(run.stdout).toMatch(/^threads: +\d+ intra-op/m);
  });

  it('doctor names a bad environment variable and exits non-zero', () => {
    const run = runCli(['doctor', '--json'], { ...process.env, PTYCHOPINN_NUM_THREADS: 'lots' });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    const env = report.findings.find((f: { check: string }) => f.check === 'environment');
    expect(env.detail).toMatch(/PTYCHOPINN_NUM_THREADS="lots" is invalid: expected a positive integer/);
  });

  it('doctor passes its self-test on a working install', () => {
    const run = runCli(['doctor', '--json']);
    const report = JSON.parse(run.stdout);
    const selfTest = report.findings.find((f: { check: string }) => f.check === 'LibTorch self-test');
    expect(selfTest.ok).toBe(true);
    const runtime = report.findings.find((f: { check: string }) => f.check === 'LibTorch runtime');
    expect(runtime).toMatchObject({ ok: true, detail: expect.stringMatching(/^LibTorch \d+\.\d+\S* loaded from \//) });
  });
});
