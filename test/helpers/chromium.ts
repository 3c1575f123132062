// Headless Chromium for tests that check what a browser shows. CI installs Debian's
// `chromium` (.ci/run); where none is on PATH the tests that need it skip and say why.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The first Chromium on PATH, or undefined. */
export function findChromium(): string | undefined {
  for (const name of NAMES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0) return found.stdout.trim();
  }
  return undefined;
}

export const NO_CHROMIUM = `no ${NAMES.join(' / ')} on PATH (Debian: apt-get install chromium)`;

/**
 * Runs headless Chromium on `file` with `args` (e.g. --dump-dom, --screenshot=…), in a
 * fresh profile with nothing that reaches the network; returns its stdout.
 */
export function runChromium(browser: string, file: string, args: string[]): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-chromium-'));
  try {
    const run = spawnSync(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        ...args,
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 },
    );
    if (run.status !== 0) throw new Error(`${browser} exited with ${run.status}: ${run.stderr}`);
    return run.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
