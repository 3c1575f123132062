// Issue 15 cost curve: inference patterns/s and peak RSS for scans of 10³ and 10⁴
// patterns held in memory (N = 64, gridsize 1, n_filters_scale 2; network alone and
// with the default physics refinement) and for scans read from their files a slice at
// a time (--stream-files: NPZs written by `ptychopinn simulate --no-compress`, 10⁵
// patterns and more), each in a child process of its own so that its peak RSS is its
// own; then training patterns/s against batch size.
//
//   node scripts/bench/cost.js [--sizes 1000,10000] [--stream-files a.npz,b.npz] [--batches 8,16,32,64]
'use strict';
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    batches: { type: 'string', default: '8,16,32,64' },
    'stream-files': { type: 'string', default: '' },
    child: { type: 'string' },
  },
});
const N = 64;

async function inferOnce(M, refine) {
  const { simulate } = require('../../dist/lib');
  const data = simulate({ N, nImages: M, seed: 7, positions: { kind: 'raster', step: 8 } });
  delete data.Y; // the ground-truth patches are the simulator's, not the reconstruction's memory
  const reconstructor = await untrainedModel();
  const started = performance.now();
  const result = await reconstructor.reconstruct(data, refine ? {} : { refine: false });
  const seconds = (performance.now() - started) / 1000;
  reconstructor.dispose();
  return { M, refine, seconds, patternsPerSecond: M / seconds, timings: result.timings };
}

/** An untrained gridsize-1 model (speed only). */
async function untrainedModel() {
  const { Reconstructor, simulate } = require('../../dist/lib');
  const reconstructor = Reconstructor.create({ N, n_filters_scale: 2, nepochs: 0 }, {});
  await reconstructor.train(simulate({ N, nImages: 16, seed: 1 }));
  return reconstructor;
}

async function streamOnce(file) {
  const { ScanFile } = require('../../dist/lib');
  const reconstructor = await untrainedModel();
  const scan = await ScanFile.open(file);
  const started = performance.now();
  const result = await reconstructor.reconstructStreamed(scan);
  const seconds = (performance.now() - started) / 1000;
  scan[Symbol.dispose]();
  reconstructor.dispose();
  return {
    M: scan.count,
    refine: 'streamed',
    seconds,
    patternsPerSecond: scan.count / seconds,
    timings: result.timings,
    canvas: `${result.height}×${result.width}`,
  };
}

async function child(spec) {
  const [M, refine] = spec.split(':');
  const row = refine === 'stream' ? await streamOnce(M) : await inferOnce(Number(M), refine === 'refine');
  row.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(row));
}

async function training() {
  const { modelFromFields, settingsFromDefaults } = require('../../dist/lib/backends/fromFields');
  const { tensor } = require('./support/tensors');
  const probe = tensor('complex64', [N, N], (_, i) => (i % 2 ? 0 : 0.02));
  const groups = 256;
  const amplitudes = tensor('float32', [groups, 1, N, N], () => Math.random());
  const positions = tensor('float32', [groups, 1, 2], () => 0);
  for (const precision of ['float32', 'bfloat16']) {
    const model = modelFromFields({ N, n_filters_scale: 2, precision }, probe, { inputScale: 1000 });
    const rates = [];
    for (const batchSize of values.batches.split(',').map(Number)) {
      const started = performance.now();
      await model.train({ amplitudes, positions }, { settings: settingsFromDefaults({ epochs: 1, batchSize }) });
      rates.push(`batch ${batchSize}: ${(groups / ((performance.now() - started) / 1000)).toFixed(1)}`);
    }
    console.log(`training patterns/s (${precision}, gridsize 1, nfs 2): ${rates.join(', ')}`);
    model.dispose();
  }
}

(async () => {
  if (values.child) return child(values.child);
  console.log('inference of whole scans, N = 64, gridsize 1, n_filters_scale 2 (untrained weights: speed only)');
  console.log('patterns  how         seconds  patterns/s  infer s  stitch s  refine s  peak RSS MiB');
  const runs = values.sizes
    .split(',')
    .filter(Boolean)
    .flatMap((M) => [`${M}:none`, `${M}:refine`])
    .concat(
      values['stream-files']
        .split(',')
        .filter(Boolean)
        .map((file) => `${file}:stream`),
    );
  for (const spec of runs) {
    const run = spawnSync(process.execPath, [__filename, '--child', spec], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.log(`${spec}: failed: ${run.stderr.slice(-500)}`);
      continue;
    }
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
    const t = r.timings;
    const mode = r.refine === 'streamed' ? 'streamed' : r.refine ? 'refined' : 'network';
    console.log(
      `${String(r.M).padStart(8)}  ${mode.padEnd(10)}${r.seconds.toFixed(1).padStart(10)}${r.patternsPerSecond.toFixed(1).padStart(12)}` +
        `${t.inferSeconds.toFixed(1).padStart(9)}${t.stitchSeconds.toFixed(2).padStart(10)}${t.refineSeconds.toFixed(1).padStart(10)}` +
        `${r.peakRssMiB.toFixed(0).padStart(14)}${r.canvas ? `  canvas ${r.canvas}` : ''}`,
    );
  }
  await training();
})();
