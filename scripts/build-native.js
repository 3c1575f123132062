#!/usr/bin/env node
// Builds the addon from source with cmake-js into build/Release/ptychopinn.node.
// Usage: node scripts/build-native.js [build|rebuild] [cmake-js options…]
// (for example --out build-cuda, or --CDNAME=VALUE for a CMake definition)
'use strict';
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const command = process.argv[2] === 'rebuild' ? 'rebuild' : 'build';
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
// Each LibTorch translation unit needs about 1.2 GB to compile: one job per
// core, but never so many that a small machine runs out of memory.
const memoryJobs = Math.max(1, Math.floor(os.totalmem() / 1.5e9));
const jobs = Math.max(1, Math.min(os.availableParallelism(), memoryJobs));
const extra = process.argv.slice(3);
const result = spawnSync(
  process.execPath,
  [cmakeJs, command, '--parallel', String(jobs), '--log-level', 'warn', ...extra],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
