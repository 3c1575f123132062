// A short run of scripts/fuzz.js (the full 5,000-case run is `npm run bench fuzz`):
// damaged NPZ files and model bundles must end parsed or in a clean library error,
// never in a crash, a hang or a stray RangeError/TypeError.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { repoRoot } from './helpers/cli';
import { tensorflowAvailable } from './helpers/tensorflow';

interface Counts {
  ok: number;
  clean: number;
  failures: number;
}

const READER_TARGETS = [
  'npz-stored',
  'npz-deflated',
  'npz-member-stored',
  'npz-member-deflated',
  'bundle',
  'bundle-manifest',
  'bundle-weights',
];
const IMPORT_TARGETS = ['ckpt', 'ckpt-pickle', 'h5zip', 'h5zip-params'];

/** A short fuzz run of `targets`, opening the damaged models on `backend`; its summary. */
function fuzz(cases: number, backend: string, targets = READER_TARGETS) {
  const run = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts', 'fuzz.js'),
      ...['--cases', String(cases), '--seed', '11', '--backend', backend, '--targets', targets.join(',')],
    ],
    { encoding: 'utf8', timeout: 90_000 },
  );
  return { run, summary: JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Summary };
}

type Summary = Counts & { cases: number; byTarget: Record<string, Counts>; examples: unknown[] };

const BUNDLE_TARGETS = ['bundle', 'bundle-manifest', 'bundle-weights'];

describe('fuzzing the NPZ, bundle and model-import readers', () => {
  it('ends 280 damaged files (40 per target) parsed or in a clean error', () => {
    const { run, summary } = fuzz(280, 'libtorch');
    expect(summary.examples).toEqual([]);
    expect(run.status).toBe(0);
    expect(summary).toMatchObject({ cases: 280, failures: 0 });
    expect(summary.ok + summary.clean).toBe(280);
    expect(Object.keys(summary.byTarget).sort()).toEqual([...READER_TARGETS].sort());
    for (const counts of Object.values(summary.byTarget)) expect(counts.ok + counts.clean).toBe(40);
    // Member-level damage must get past the zip layer sometimes, or the readers behind it go untested.
    expect(summary.byTarget['npz-member-stored'].ok).toBeGreaterThan(0);
    expect(summary.byTarget['bundle-weights'].ok).toBeGreaterThan(0);
  }, 120_000);

  it('ends 40 damaged PtychoPINN model files (10 per target) imported or in a clean error', () => {
    const { run, summary } = fuzz(40, 'libtorch', IMPORT_TARGETS);
    expect(summary.examples).toEqual([]);
    expect(run.status).toBe(0);
    expect(summary).toMatchObject({ cases: 40, failures: 0 });
    expect(Object.keys(summary.byTarget).sort()).toEqual([...IMPORT_TARGETS].sort());
    for (const counts of Object.values(summary.byTarget)) expect(counts.ok + counts.clean).toBe(10);
  }, 120_000);

  it.runIf(tensorflowAvailable())(
    'ends 140 damaged files (20 per target) opened on the TensorFlow engine parsed or in a clean error',
    () => {
      const { run, summary } = fuzz(140, 'tensorflow');
      expect(summary.examples).toEqual([]);
      expect(run.status).toBe(0);
      expect(summary).toMatchObject({ cases: 140, failures: 0 });
      for (const target of BUNDLE_TARGETS)
        expect(summary.byTarget[target].ok + summary.byTarget[target].clean).toBe(20);
      expect(summary.byTarget['bundle-weights'].ok).toBeGreaterThan(0);
    },
    120_000,
  );
});
