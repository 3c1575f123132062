// Issue 6 benchmark, end to end: the demo's wall time (the README's main job) and
// infer + stitch throughput for 10,000 simulated patterns at N = 64 with the default
// network (n_filters_scale 2). Peak RSS shows that reconstruction streams: the canvas
// plus one chunk, not the whole scan's predictions.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Reconstructor, simulate, capabilities } = require('../../dist/lib');

const root = path.join(__dirname, '..', '..');
const patterns = 10_000;

function demoWallTime(dir) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'ptychopinn.js'), 'demo', '--output-dir', dir, '--json'],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`demo failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
  return { seconds, ssim: result.ssim };
}

async function inferStitchThroughput(gridsize) {
  const reconstructor = Reconstructor.create({ N: 64, gridsize, nepochs: 1, n_groups: 64 });
  // The weights do not change the cost of inference: one short epoch makes a model.
  await reconstructor.train(simulate({ N: 64, nImages: 64, seed: 2 }));
  const data = simulate({ N: 64, nImages: patterns, seed: 3, noise: false });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const result = await reconstructor.reconstruct(data);
  reconstructor.dispose();
  return { ...result.timings, canvas: `${result.height}×${result.width}`, rssBefore };
}

(async () => {
  const caps = capabilities();
  console.log(
    `LibTorch ${caps.libtorch.version}, ${caps.threads.intraOp} threads, ${os.cpus().length} cores; ` +
      `N = 64, n_filters_scale 2, ${patterns} patterns`,
  );
  const results = {};
  for (const gridsize of [1, 2]) {
    const r = await inferStitchThroughput(gridsize);
    results[`gridsize${gridsize}`] = r;
    console.log(
      `infer + stitch, gridsize ${gridsize}: ${r.patternsPerSecond.toFixed(1)} patterns/s ` +
        `(infer ${r.inferSeconds.toFixed(1)} s, stitch ${r.stitchSeconds.toFixed(2)} s, canvas ${r.canvas})`,
    );
  }
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-demo-'));
  try {
    const demo = demoWallTime(dir);
    results.demo = demo;
    console.log(
      `demo (defaults): ${demo.seconds.toFixed(0)} s wall, SSIM amplitude ${demo.ssim.amplitude.toFixed(3)}, ` +
        `phase ${demo.ssim.phase.toFixed(3)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ benchmark: 'workflow', ...results }));
})();
