// Issue 3 benchmarks: the physics training step (custom kernels vs grid_sample) and
// stitching 10,000 patches onto one canvas (scatter kernel vs grid_sample canvas).
'use strict';
const { random } = require('./support/tensors');
const os = require('node:os');
const { addon } = require('../../dist/lib/native');
const { binding } = addon();

function physicsStep() {
  const [N, C, B] = [64, 4, 16];
  const r = random(1);
  const patches = {
    dtype: 'complex64',
    shape: [B, C, N, N],
    data: Float32Array.from({ length: B * C * N * N * 2 }, () => r()),
  };
  const positions = {
    dtype: 'float64',
    shape: [B, C, 2],
    data: Float64Array.from({ length: B * C * 2 }, () => (r() - 0.5) * 12),
  };
  const probe = { dtype: 'complex64', shape: [N, N], data: new Float32Array(N * N * 2) };
  for (let y = 0; y < N; y++)
    for (let x = 0; x < N; x++) probe.data[2 * (y * N + x)] = Math.exp(-((x - 32) ** 2 + (y - 32) ** 2) / 200);
  const observed = binding.forwardIntensity(patches, positions, probe, 10, { objectBig: true });
  const rate = {};
  for (const translation of ['kernels', 'grid_sample']) {
    const seconds = binding.bench.physicsStep(
      patches,
      positions,
      probe,
      10,
      observed,
      { objectBig: true, translation },
      10,
    );
    rate[translation] = B / seconds;
  }
  console.log(
    `physics step (merge → extract → illuminate → far field → Poisson, forward + backward), N=64 C=4 batch 16, ${binding.capabilities().numThreads} threads:`,
  );
  console.log(`  custom kernels: ${rate.kernels.toFixed(0)} groups/s`);
  console.log(`  grid_sample:    ${rate.grid_sample.toFixed(0)} groups/s`);
  console.log(`  ratio:          ${(rate.kernels / rate.grid_sample).toFixed(2)}x`);
}

function stitching() {
  const [M, n, crop, side, step] = [10000, 64, 20, 100, 4];
  const r = random(2);
  const patches = {
    dtype: 'complex64',
    shape: [M, n, n],
    data: Float32Array.from({ length: M * n * n * 2 }, () => r()),
  };
  // Raster scan, 4-pixel step; offsets from the mean, canvas M + 2·pad (reference §7).
  const positions = [];
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) positions.push([j * step, i * step]);
  const mean = [0, 1].map((k) => positions.reduce((s, p) => s + p[k], 0) / M);
  const offsets = positions.map((p) => [p[0] - mean[0], p[1] - mean[1]]);
  let pad = Math.ceil(Math.max(...offsets.flat().map(Math.abs)));
  pad += pad % 2;
  const size = crop + 2 * pad;
  const centres = {
    dtype: 'float64',
    shape: [M, 2],
    data: Float64Array.from(offsets.flatMap(([x, y]) => [pad + crop / 2 + x, pad + crop / 2 + y])),
  };

  global.gc();
  const rssBefore = process.memoryUsage().rss;
  const canvas = new binding.StitchCanvas(size, size, 'complex64');
  const start = process.hrtime.bigint();
  const kernelMs = canvas.add(patches, centres, crop);
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  const rssAfter = process.memoryUsage().rss;
  canvas.result();
  canvas.dispose();
  const canvasMiB = (size * size * 12) / 2 ** 20;
  console.log(
    `stitching ${M} patches of ${n}x${n} (crop ${crop}, raster ${side}x${side}, step ${step}) onto ${size}x${size}:`,
  );
  console.log(`  scatter kernel:            ${kernelMs.toFixed(1)} ms`);
  console.log(`  the whole call from JS:    ${totalMs.toFixed(1)} ms (patches read in place, not copied)`);
  console.log(
    `  canvas + weight memory:    ${canvasMiB.toFixed(2)} MiB (no per-patch canvas); RSS after add: ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MiB above before`,
  );

  const sample = 500;
  const sub = { dtype: 'complex64', shape: [sample, n, n], data: patches.data.subarray(0, sample * n * n * 2) };
  const subCentres = { dtype: 'float64', shape: [sample, 2], data: centres.data.subarray(0, sample * 2) };
  const gridSeconds = binding.bench.gridSampleStitch(sub, subCentres, crop, size, size, 50);
  console.log(
    `  grid_sample into the full canvas: ${(gridSeconds * 1000).toFixed(0)} ms for ${sample} patches → ${(gridSeconds * (M / sample)).toFixed(1)} s for ${M} (linear in patches)`,
  );
}

console.log(`machine: ${os.cpus()[0].model}, ${os.availableParallelism()} cores`);
physicsStep();
stitching();
