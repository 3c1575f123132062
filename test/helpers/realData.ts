// Real measured data for the real-data tests: tike's Siemens star (tests/data/
// siemens-star-small.npz.bz2 of github.com/AdvancedPhotonSource/tike, BSD-3-style
// UChicago Argonne licence): 516 frames of 128 × 128 photon counts from the
// Velociprobe at the Advanced Photon Source. It is not part of this repository (data
// fetched from public repositories stay out of the project's commits): a test finds
// it at PTYCHOPINN_REAL_DATA or in ../shared/real/, and skips, saying so, elsewhere.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { repoRoot } from './cli';

const NAME = 'siemens-star-small.npz';

/** The NPZ (a .bz2 is unpacked once to a temporary folder), or undefined with the reason printed. */
export function realDataFile(): string | undefined {
  const candidates = [
    process.env.PTYCHOPINN_REAL_DATA,
    path.join(repoRoot, '..', 'shared', 'real', NAME),
    path.join(repoRoot, '..', 'shared', 'real', `${NAME}.bz2`),
  ].filter((file): file is string => file !== undefined && fs.existsSync(file));
  const found = candidates[0];
  if (!found) {
    console.warn(
      `skipping the real-data tests: ${NAME}(.bz2) is neither at PTYCHOPINN_REAL_DATA nor in ../shared/real/ ` +
        `(tike's tests/data/${NAME}.bz2)`,
    );
    return undefined;
  }
  if (!found.endsWith('.bz2')) return found;
  const unpacked = path.join(os.tmpdir(), `ptychopinn-real-${fs.statSync(found).size}-${NAME}`);
  if (!fs.existsSync(unpacked)) {
    fs.writeFileSync(`${unpacked}.part`, execFileSync('bunzip2', ['-c', found], { maxBuffer: 1 << 30 }));
    fs.renameSync(`${unpacked}.part`, unpacked);
  }
  return unpacked;
}
