// npm pack → install into an empty project with no cmake and no compiler on PATH →
// the package loads its prebuilt binary.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { repoRoot } from './helpers/cli';

const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');

/** A PATH holding only node, npm and sh: no cmake, cc, gcc, g++, c++ or make. */
function compilerFreePath(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nexec "${process.execPath}" "${npmCli}" "$@"\n`, { mode: 0o755 });
  return bin;
}

describe('packed tarball', () => {
  it('installs without a compiler and loads the prebuilt binary', () => {
    // CI makes the prebuild in a step of its own; elsewhere make it here.
    const prebuilds = path.join(repoRoot, 'prebuilds', `${process.platform}-${process.arch}`);
    const hasPrebuild = () => fs.existsSync(prebuilds) && fs.readdirSync(prebuilds).some((f) => f.endsWith('.node'));
    if (!hasPrebuild()) {
      execFileSync(process.execPath, [npmCli, 'run', 'prebuild', '--silent'], { cwd: repoRoot, stdio: 'ignore' });
    }
    expect(hasPrebuild()).toBe(true);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-pack-'));
    const packed = execFileSync(process.execPath, [npmCli, 'pack', '--silent', '--pack-destination', work], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const tarball = path.join(work, packed.trim().split('\n').pop()!);

    const project = path.join(work, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    const env = { HOME: os.homedir(), PATH: compilerFreePath(work), npm_config_loglevel: 'error' };
    for (const tool of ['cmake', 'cc', 'c++', 'gcc', 'g++', 'make']) {
      expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env }).status).not.toBe(0);
    }
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect(install.stderr + install.stdout).not.toMatch(/building from source/);
    expect(install.status).toBe(0);

    const probe = spawnSync('node', ['-e', "console.log(JSON.stringify(require('ptychopinn').capabilities().addon))"], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect(probe.stderr).toBe('');
    const addonInfo = JSON.parse(probe.stdout);
    expect(addonInfo.prebuilt).toBe(true);
    expect(addonInfo.path).toContain(
      path.join('node_modules', 'ptychopinn', 'prebuilds', `${process.platform}-${process.arch}`),
    );

    const cli = spawnSync('node', [path.join(project, 'node_modules', '.bin', 'ptychopinn'), 'doctor', '--json'], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    const selfTest = JSON.parse(cli.stdout).findings.find((f: { check: string }) => f.check === 'LibTorch self-test');
    expect(selfTest.ok).toBe(true);
  }, 240_000);
});
