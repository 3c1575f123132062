// The valid files the fuzzer mutates: a small dataset (the first 8 patterns of
// fixtures/lines-n32.npz with its probe, positions and object), stored and
// deflated, and the model.ptpinn of an untrained N = 32 network of the engine fuzzed.
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist', 'lib');
const { writeBundle } = require(path.join(dist, 'bundle', 'bundle'));
const { DEFAULT_CONFIG } = require(path.join(dist, 'config', 'schema'));
const { readNpz, writeNpz } = require(path.join(dist, 'io', 'npz'));
const { modelFromFields } = require(path.join(dist, 'backends', 'fromFields'));

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'lines-n32.npz');
const M = 8;
const N = 32;

async function datasetArrays() {
  const { arrays } = await readNpz(FIXTURE, { keys: ['diff3d', 'probeGuess', 'xcoords', 'ycoords', 'objectGuess'] });
  const first = (key, per) => ({
    ...arrays.get(key),
    shape: [M, ...arrays.get(key).shape.slice(1)],
    data: arrays.get(key).data.slice(0, M * per),
  });
  return {
    diff3d: first('diff3d', N * N),
    probeGuess: arrays.get('probeGuess'),
    xcoords: first('xcoords', 1),
    ycoords: first('ycoords', 1),
    objectGuess: arrays.get('objectGuess'),
    nphotons: { dtype: 'float64', shape: [], data: new Float64Array([1e9]) },
  };
}

async function bundle(file, backend) {
  const probe = { dtype: 'complex64', shape: [N, N], data: new Float32Array(2 * N * N).fill(0.02) };
  const model = modelFromFields({ N, n_filters_scale: 1, seed: 1, backend }, probe);
  await writeBundle(
    file,
    {
      backend,
      packageVersion: '0.0.0-fuzz',
      libtorchVersion: 'fuzz',
      config: { ...DEFAULT_CONFIG, N, n_filters_scale: 1, device: 'cpu', backend },
      N,
      gridsize: 1,
      inputScale: 10,
      intensityScale: 10,
      probe: { tensor: 'probe', shape: [N, N], layout: 'real-imag' },
      training: null,
    },
    model.stateDict(),
  );
  model.dispose();
}

/** Writes the valid files into `dir`, the bundle written by `backend`; returns their paths. */
async function writeInputs(dir, backend) {
  const arrays = await datasetArrays();
  const files = {
    npzStored: path.join(dir, 'data-stored.npz'),
    npzDeflated: path.join(dir, 'data-deflated.npz'),
    bundle: path.join(dir, 'model.ptpinn'),
  };
  await writeNpz(files.npzStored, arrays, { compress: false });
  await writeNpz(files.npzDeflated, arrays, { compress: true });
  await bundle(files.bundle, backend);
  return files;
}

module.exports = { writeInputs };
