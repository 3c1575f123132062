// What scripts/leak-check.sh runs under valgrind: every kind of native object and
// call once or twice at the smallest size (valgrind runs LibTorch ~50× slower),
// including the error paths, then drops everything and collects the garbage so
// that finalizers run before exit.
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist', 'lib');
const { addon } = require(path.join(dist, 'native'));
const { capabilities } = require(path.join(dist, 'capabilities'));
const physics = require(path.join(dist, 'physics'));
const { modelFromFields, settingsFromDefaults } = require(path.join(dist, 'backends', 'fromFields'));

const N = 32;

function tensor(dtype, shape, fill) {
  const size = shape.reduce((a, b) => a * b, 1) * (dtype.startsWith('complex') ? 2 : 1);
  const Array = dtype === 'float64' || dtype === 'complex128' ? Float64Array : Float32Array;
  return { dtype, shape, data: Array.from({ length: size }, fill) };
}

function expectThrow(what, call) {
  try {
    call();
  } catch {
    return;
  }
  throw new Error(`${what} did not throw`);
}

function physicsOps() {
  const probe = tensor('complex64', [8, 8], (_, i) => (i % 2 ? 0 : 0.5));
  const patches = tensor('complex64', [2, 4, 8, 8], (_, i) => Math.sin(i));
  const positions = tensor('float32', [2, 4, 2], (_, i) => (i % 3) - 1);
  const intensity = physics.forwardIntensity(patches, positions, probe, 2);
  physics.poissonNll(intensity, intensity);
  physics.mergePatches(patches, positions, probe);
  physics.translate(
    tensor('float32', [8, 8], (_, i) => i),
    tensor('float64', [2], () => 0.5),
  );
  physics.normalizeProbe(probe);
  addon().binding.vjp(
    'translate',
    tensor('float64', [8, 8], () => 1),
    tensor('float64', [8, 8], (_, i) => i),
    tensor('float64', [2], () => 0.25),
  );
  expectThrow('bad positions', () =>
    physics.forwardIntensity(
      patches,
      tensor('float32', [2, 3, 2], () => 0),
      probe,
      1,
    ),
  );
  expectThrow('NaN offsets', () =>
    physics.translate(
      tensor('float32', [8, 8], () => 0),
      tensor('float64', [2], () => NaN),
    ),
  );
}

function stitching() {
  const { StitchCanvas } = addon().binding;
  const canvas = new StitchCanvas(40, 40, 'complex64');
  canvas.add(
    tensor('complex64', [2, 8, 8], () => 1),
    tensor('float64', [2, 2], (_, i) => 10 + i),
    6,
  );
  canvas.result();
  canvas.dispose();
  new StitchCanvas(16, 16, 'float32'); // never disposed: left to the finalizer
  expectThrow('bad dtype', () => new StitchCanvas(4, 4, 'int8'));
}

async function model() {
  const probe = tensor('complex64', [N, N], (_, i) => (i % 2 ? 0 : 0.02));
  const amplitudes = tensor('float32', [4, 1, N, N], (_, i) => Math.abs(Math.sin(i)));
  const positions = tensor('float32', [4, 1, 2], () => 0);
  const a = modelFromFields({ N, n_filters_scale: 1, seed: 1 }, probe);
  await a.infer(amplitudes, { batchSize: 2 });
  const events = [];
  await a.train(
    { amplitudes, positions },
    {
      settings: settingsFromDefaults({ epochs: 1, batchSize: 2, checkpointEvery: 1 }),
      onProgress: (e) => events.push(e.type),
    },
  );
  const b = modelFromFields({ N, n_filters_scale: 1, seed: 2 }, probe);
  b.loadStateDict(a.stateDict());
  expectThrow('wrong N', () => b.infer(tensor('float32', [1, 1, 64, 64], () => 0)));
  expectThrow('missing weights', () => b.loadStateDict({}));
  const controller = new AbortController();
  const aborted = b.train(
    { amplitudes, positions },
    {
      settings: settingsFromDefaults({ epochs: 5, batchSize: 2 }),
      signal: controller.signal,
    },
  );
  controller.abort();
  await aborted;
  a.dispose();
  modelFromFields({ N, n_filters_scale: 1 }, probe); // never disposed: left to the finalizer
  expectThrow('bad config', () => modelFromFields({ N: 48 }, probe));
  return events;
}

async function main() {
  capabilities();
  physicsOps();
  stitching();
  const events = await model();
  for (let i = 0; i < 3; i += 1) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(`leak-check workload done (training events: ${[...new Set(events)].join(', ')})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
