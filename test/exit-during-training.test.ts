// Leaving the process while a model trains: process.exit() or an uncaught error used
// to segfault (the training thread ran on inside oneDNN while exit() destroyed its
// static objects). The addon now stops the thread first; the exit code is the one asked for.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { repoRoot } from './helpers/cli';
import { tensorflowAvailable } from './helpers/tensorflow';

/** A child that starts training on `backend` and, at the first batch event, leaves as `how` says. */
function leaveDuringTraining(how: 'process.exit(3)' | 'uncaught error', backend: string) {
  const script = `
    const { Reconstructor, simulate } = require(${JSON.stringify(path.join(repoRoot, 'dist', 'lib'))});
    const data = simulate({ N: 32, nImages: 64, seed: 1 });
    const reconstructor = Reconstructor.create({ N: 32, n_filters_scale: 1, nepochs: 50, batch_size: 4, backend: '${backend}' }, {});
    reconstructor.train(data, { onProgress: (event) => {
      if (event.type !== 'batch') return;
      ${how === 'process.exit(3)' ? 'process.exit(3);' : "setImmediate(() => { throw new Error('boom'); });"}
    } });`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
}

const backends = ['libtorch', ...(tensorflowAvailable() ? ['tensorflow'] : [])];

describe.each(backends)('leaving the process during training (%s)', (backend) => {
  it.each([
    ['process.exit(3)', 3],
    ['uncaught error', 1],
  ] as const)('%s exits with code %i, no crash', (how, code) => {
    for (let run = 0; run < 2; run += 1) {
      const child = leaveDuringTraining(how, backend);
      expect(child.signal).toBeNull();
      expect(child.status).toBe(code);
    }
  });
});
