import fs from 'node:fs';
import path from 'node:path';

import { repoRoot } from './cli';

/** ../shared/parity beside the checkout (CI always has it). */
export const parityDir = path.join(repoRoot, '..', 'shared', 'parity');

/**
 * Whether the frozen parity cases are here. Under CI their absence is a failure;
 * elsewhere the tests skip and say why.
 */
export function parityAvailable(): boolean {
  if (fs.existsSync(path.join(parityDir, 'c1_bigF.npz'))) return true;
  if (process.env.CI) throw new Error(`parity fixtures missing under CI: expected ${parityDir}`);
  console.warn(`skipping parity tests: ${parityDir} not found (they need ../shared/parity beside the checkout)`);
  return false;
}

/** Model settings of each frozen case (shared/parity/README.md). */
export const parityCases = [
  { file: 'c1_bigF.npz', flags: [] as string[], options: { objectBig: false } },
  {
    file: 'c4_bigT_probe.npz',
    flags: ['--object-big', '--weighting', 'probe'],
    options: { objectBig: true, weighting: 'probe' as const },
  },
  // Sub-pixel offsets: these pin the order of §3's merge (translate, then multiply).
  {
    file: 'sp_n64_g2_central.npz',
    flags: ['--object-big', '--weighting', 'central_mask', '--padded-size', '68'],
    options: { objectBig: true, weighting: 'central_mask' as const, paddedSize: 68 },
  },
  {
    file: 'sp_n64_g1_central.npz',
    flags: ['--object-big', '--weighting', 'central_mask', '--padded-size', '64'],
    options: { objectBig: true, weighting: 'central_mask' as const, paddedSize: 64 },
  },
];
