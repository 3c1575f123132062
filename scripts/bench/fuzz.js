// Issues 7 and 12: the full fuzz run of the NPZ, model-bundle and model-import
// readers, 5,000 seeded cases (scripts/fuzz.js; the test suite runs 320 of them).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'fuzz.js'), '--cases', '5000', '--seed', '1'], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
