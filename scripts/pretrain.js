#!/usr/bin/env node
// Trains the model shipped in fixtures/pretrained/lines-n64.ptpinn, which
// `ptychopinn demo` reconstructs with. Seeded and documented: simulated `lines`
// objects as the demo simulates them (N = 64, the default probe, raster step N/8,
// nphotons 1e9), 8,192 training patterns of 8 objects (seeds 1-8), gridsize 1,
// n_filters_scale 1, batch 16, Adam lr 1e-3 with the plateau schedule, stopped after
// --minutes of training; a scan of another object (seed 1001) is reconstructed at
// each budget mark to report the quality reached. It is the quality benchmark with
// these settings and --save. Gridsize 1, the narrow network and several objects are
// what measured best per optimiser step (README, "Reconstruction quality").
//
//   PTYCHOPINN_NUM_THREADS=1 node scripts/pretrain.js [--minutes 40] [--output F]
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.join(__dirname, '..');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '40' },
    output: { type: 'string', default: path.join(root, 'fixtures', 'pretrained', 'lines-n64.ptpinn') },
  },
});
const total = Number(values.minutes);
const marks = [2, 5, 10, 15, 25, 40, 60, 90, 120].filter((m) => m < total).concat([total]);
const run = spawnSync(
  process.execPath,
  [
    path.join(__dirname, 'bench', 'quality.js'),
    ...['--object', 'lines', '--gridsize', '1', '--n-filters-scale', '1', '--train-images', '8192', '--objects', '8'],
    ...['--step', '8', '--seed', '1', '--batch-size', '16', '--learning-rate', '1e-3'],
    ...['--minutes', marks.join(','), '--save', values.output],
  ],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
