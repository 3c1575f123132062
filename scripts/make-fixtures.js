#!/usr/bin/env node
// Writes the simulated datasets under fixtures/ (run `npm run compile` first):
//   lines-n64-train.npz, lines-n64-test.npz  one 64-pixel lines scan, top and bottom halves
//   lines-n32.npz                            a small 32-pixel lines scan for fast tests
// Each holds diff3d (Poisson noise), probeGuess, objectGuess, Y, xcoords, ycoords,
// xcoords_start, ycoords_start and nphotons. Seeds are fixed, so reruns reproduce them.
'use strict';
const path = require('node:path');

const { saveDataset } = require('../dist/lib/data/datasetFile');
const { simulate } = require('../dist/lib/simulate/simulate');

const out = path.join(__dirname, '..', 'fixtures');

/** Rows [from, to) of every per-pattern array; the object and probe are shared. */
function subset(dataset, from, to) {
  const N = dataset.diffraction.shape[1];
  const rows = (tensor, width) => ({
    ...tensor,
    shape: [to - from, N, N],
    data: tensor.data.slice(from * N * N * width, to * N * N * width),
  });
  return {
    ...dataset,
    diffraction: rows(dataset.diffraction, 1),
    Y: rows(dataset.Y, 2),
    xcoords: dataset.xcoords.slice(from, to),
    ycoords: dataset.ycoords.slice(from, to),
    xcoordsStart: dataset.xcoordsStart.slice(from, to),
    ycoordsStart: dataset.ycoordsStart.slice(from, to),
  };
}

async function main() {
  // A 16 × 16 raster (step N/4) split by rows: the test half is a region the training half never saw.
  const n64 = simulate({ N: 64, nImages: 256, nphotons: 1e9, seed: 64, object: { kind: 'lines' } });
  await saveDataset(path.join(out, 'lines-n64-train.npz'), subset(n64, 0, 128));
  await saveDataset(path.join(out, 'lines-n64-test.npz'), subset(n64, 128, 256));
  const n32 = simulate({ N: 32, nImages: 196, nphotons: 1e9, seed: 32, object: { kind: 'lines' } });
  await saveDataset(path.join(out, 'lines-n32.npz'), n32);
  for (const name of ['lines-n64-train.npz', 'lines-n64-test.npz', 'lines-n32.npz'])
    console.log(`wrote fixtures/${name}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
