#!/usr/bin/env node
// `npm run bench`: runs every benchmark in scripts/bench/ (or those named on the
// command line) against the compiled package in dist/. Slow measurements live here,
// never in the test suite.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, 'bench');
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.js') && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
