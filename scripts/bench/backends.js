// Issue 11 benchmark: the two engines side by side. Training and inference
// patterns/s of the PtychoPINN network (N = 64, n_filters_scale 2, batch 16) for
// gridsize 1 and 2, each engine with the same intra-op thread count (the default:
// PTYCHOPINN_NUM_THREADS, else the cores), on the same data.
'use strict';
const { modelFromFields, settingsFromDefaults } = require('../../dist/lib/backends/fromFields');
const { engines } = require('../../dist/lib/capabilities');

const N = 64;
const groups = 128;
// Each figure is the best of this many runs: short runs on a shared machine are noisy.
const repeats = 2;

function tensor(dtype, shape, fill) {
  const size = shape.reduce((a, b) => a * b, 1) * (dtype.startsWith('complex') ? 2 : 1);
  return { dtype, shape, data: Float32Array.from({ length: size }, fill) };
}

/** The first `count` entries along the first axis. */
function slice(t, count) {
  const per = t.data.length / t.shape[0];
  return { ...t, shape: [count, ...t.shape.slice(1)], data: t.data.slice(0, count * per) };
}

async function measure(backend, gridsize) {
  const C = gridsize * gridsize;
  const probe = tensor('complex64', [N, N], (_, i) =>
    i % 2 ? 0 : 0.02 * Math.exp(-((((i / 2) % N) - 32) ** 2) / 200),
  );
  const model = modelFromFields({ N, gridsize, n_filters_scale: 2, backend, device: 'cpu' }, probe, {
    inputScale: 1000,
  });
  const amplitudes = tensor('float32', [groups, C, N, N], (_, i) => Math.abs(Math.sin(i)));
  const positions = tensor('float32', [groups, C, 2], (_, i) => ((i * 7) % 9) - 4);
  const settings = settingsFromDefaults({ epochs: 1, batchSize: 16 });
  // Warm-up: the first runs build kernels and caches in both engines.
  const warm = { amplitudes: slice(amplitudes, 16), positions: slice(positions, 16) };
  await model.infer(warm.amplitudes, { batchSize: 16 });
  await model.train(warm, { settings });
  let inferRate = 0;
  let trainRate = 0;
  for (let r = 0; r < repeats; r++) {
    let start = performance.now();
    await model.infer(amplitudes, { batchSize: 16 });
    inferRate = Math.max(inferRate, (groups * C) / ((performance.now() - start) / 1000));
    start = performance.now();
    await model.train({ amplitudes, positions }, { settings });
    trainRate = Math.max(trainRate, (groups * C) / ((performance.now() - start) / 1000));
  }
  model.dispose();
  return { trainRate, inferRate };
}

(async () => {
  const available = engines().filter((e) => e.available);
  for (const e of engines().filter((e) => !e.available)) console.log(`${e.name}: not available (${e.missing})`);
  console.log(
    `N=${N} nfs=2 batch 16, ${groups} groups, best of ${repeats}; patterns/s (a group of gridsize g is g² patterns)`,
  );
  for (const e of available) console.log(`${e.name.padEnd(11)} ${e.version}, ${e.threads.intraOp} intra-op threads`);
  console.log('gridsize engine        train patterns/s  infer patterns/s');
  for (const gridsize of [1, 2]) {
    const rates = {};
    for (const { name } of available) {
      rates[name] = await measure(name, gridsize);
      const r = rates[name];
      console.log(
        `${String(gridsize).padEnd(9)}${name.padEnd(14)}${r.trainRate.toFixed(1).padStart(16)}${r.inferRate.toFixed(1).padStart(18)}`,
      );
    }
    if (rates.libtorch && rates.tensorflow) {
      console.log(
        `${''.padEnd(9)}tensorflow / libtorch: training ${(rates.tensorflow.trainRate / rates.libtorch.trainRate).toFixed(2)}x, ` +
          `inference ${(rates.tensorflow.inferRate / rates.libtorch.inferRate).toFixed(2)}x`,
      );
    }
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
})();
