// Issue 5 benchmark: training and inference patterns/s of the PtychoPINN network
// (N=64, nfs=2, batch 16) for gridsize 1 and 2, with 1 and 2 threads, custom kernels
// vs the same network and loss built from LibTorch ops only (grid_sample).
'use strict';
const { tensor } = require('./support/tensors');
const { modelFromFields, settingsFromDefaults } = require('../../dist/lib/backends/fromFields');
const { setThreads, capabilities } = require('../../dist/lib/capabilities');

const N = 64;
const groups = 128;
// Each figure is the best of this many runs: short runs on a shared 2-core VM are noisy.
const repeats = 2;
const epochs = 1;

async function measure(gridsize, threads, translation) {
  setThreads(threads);
  const C = gridsize * gridsize;
  const probe = tensor('complex64', [N, N], (_, i) =>
    i % 2 ? 0 : 0.02 * Math.exp(-((((i / 2) % N) - 32) ** 2) / 200),
  );
  const model = modelFromFields({ N, gridsize, n_filters_scale: 2 }, probe, { inputScale: 1000, translation });
  const amplitudes = tensor('float32', [groups, C, N, N], (_, i) => Math.abs(Math.sin(i)));
  const positions = tensor('float32', [groups, C, 2], (_, i) => ((i * 7) % 9) - 4);
  await model.infer(amplitudes, { batchSize: 16 }); // warm-up
  let inferRate = 0;
  let trainRate = 0;
  for (let r = 0; r < repeats; r++) {
    let start = performance.now();
    await model.infer(amplitudes, { batchSize: 16 });
    inferRate = Math.max(inferRate, (groups * C) / ((performance.now() - start) / 1000));
    start = performance.now();
    await model.train({ amplitudes, positions }, { settings: settingsFromDefaults({ epochs, batchSize: 16 }) });
    trainRate = Math.max(trainRate, (groups * C * epochs) / ((performance.now() - start) / 1000));
  }
  model.dispose();
  return { trainRate, inferRate };
}

(async () => {
  console.log(
    `N=${N} nfs=2 batch 16, ${groups} groups, best of ${repeats}; LibTorch ${capabilities().libtorch.version}`,
  );
  console.log('gridsize threads translation   train patterns/s  infer patterns/s');
  for (const gridsize of [1, 2]) {
    for (const threads of [1, 2]) {
      const rates = {};
      for (const translation of ['kernels', 'grid_sample']) {
        rates[translation] = await measure(gridsize, threads, translation);
        const r = rates[translation];
        console.log(
          `${String(gridsize).padEnd(9)}${String(threads).padEnd(8)}${translation.padEnd(14)}${r.trainRate.toFixed(1).padStart(16)}${r.inferRate.toFixed(1).padStart(18)}`,
        );
      }
      console.log(
        `${''.padEnd(17)}training speed-up from the kernels: ${(rates.kernels.trainRate / rates.grid_sample.trainRate).toFixed(2)}x`,
      );
    }
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
})();
