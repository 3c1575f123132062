// A short run of scripts/fuzz.js (the full 5,000-case run is `npm run bench fuzz`):
// damaged NPZ files and model bundles must end parsed or in a clean library error,
// never in a crash, a hang or a stray RangeError/TypeError.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { repoRoot } from './helpers/cli';

interface Counts {
  ok: number;
  clean: number;
  failures: number;
}

describe('fuzzing the NPZ and bundle readers', () => {
  it('ends 280 damaged files (40 per target) parsed or in a clean error', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'fuzz.js'), '--cases', '280', '--seed', '11'],
      {
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Counts & {
      cases: number;
      byTarget: Record<string, Counts>;
      examples: unknown[];
    };
    expect(summary.examples).toEqual([]);
    expect(run.status).toBe(0);
    expect(summary).toMatchObject({ cases: 280, failures: 0 });
    expect(summary.ok + summary.clean).toBe(280);
    expect(Object.keys(summary.byTarget).sort()).toEqual([
      'bundle',
      'bundle-manifest',
      'bundle-weights',
      'npz-deflated',
      'npz-member-deflated',
      'npz-member-stored',
      'npz-stored',
    ]);
    for (const counts of Object.values(summary.byTarget)) expect(counts.ok + counts.clean).toBe(40);
    // Member-level damage must get past the zip layer sometimes, or the readers behind it go untested.
    expect(summary.byTarget['npz-member-stored'].ok).toBeGreaterThan(0);
    expect(summary.byTarget['bundle-weights'].ok).toBeGreaterThan(0);
  }, 120_000);
});
