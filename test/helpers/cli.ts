import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.join(__dirname, '..', '..');

/** Runs the real CLI (bin/ptychopinn.js) in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'ptychopinn.js'), ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
}
