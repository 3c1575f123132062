// Issue 15 benchmark: ptychopinn next to PtychoPINN's own PyTorch code, in the same
// run, on the same shapes (N = 64, nfs 2): training step (batch 16), inference
// (batch 64), physics step forward + backward (C = 4, batch 16) and stitching 10,000
// patches. PtychoPINN is timed by ../shared/peer/pp_torch_bench.py, which imports
// PtychoPINN's source from PTYCHOPINN_SRC (see its README: never copied here).
// ptychopinn is measured before and after it and the better figure is kept, so a
// burst of load on this shared machine does not favour either tool.
//
//   PTYCHOPINN_SRC=/path/to/ppsrc PEER_PYTHON=/path/to/venv/bin/python \
//     node scripts/bench/peer.js [--threads 2] [--with-stitch]
// PEER_PYTHON must have the same torch version as the LibTorch the addon uses.
'use strict';
const { random, tensor } = require('./support/tensors');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { modelFromFields, settingsFromDefaults } = require('../../dist/lib/backends/fromFields');
const { setThreads, capabilities } = require('../../dist/lib/capabilities');
const { addon } = require('../../dist/lib/native');

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, 'with-stitch': { type: 'boolean', default: false } },
});
const threads = Number(values.threads);
const N = 64;
const harness = path.join(__dirname, '..', '..', '..', 'shared', 'peer', 'pp_torch_bench.py');
const source = process.env.PTYCHOPINN_SRC;
const python = process.env.PEER_PYTHON ?? 'python3';

function fail(message) {
  console.error(`bench peer: ${message}`);
  process.exit(1);
}
if (!source || !fs.existsSync(path.join(source, 'ptycho_torch'))) {
  fail('set PTYCHOPINN_SRC to a folder holding PtychoPINN’s ptycho_torch/ and ptycho/ (../shared/peer/README.md)');
}
if (!fs.existsSync(harness)) fail(`the peer harness is missing: ${harness}`);

function gaussianProbe() {
  return tensor('complex64', [N, N], (_, i) => (i % 2 ? 0 : 0.02 * Math.exp(-((((i / 2) % N) - 32) ** 2) / 200)));
}

/** Training and inference patterns/s of the network with the physics, as the harness's a_ and b_. */
async function ours(gridsize) {
  const C = gridsize * gridsize;
  const r = random(gridsize);
  // The harness trains with a fixed intensity scale: so do we, for the same work.
  const model = modelFromFields(
    { N, gridsize, n_filters_scale: 2, intensity_scale_trainable: false },
    gaussianProbe(),
    { inputScale: 1000 },
  );
  const trainGroups = 16 * 10;
  const amplitudes = tensor('float32', [trainGroups, C, N, N], () => r());
  const positions = tensor('float32', [trainGroups, C, 2], () => (r() - 0.5) * 8);
  const inferGroups = 64 * 4;
  const inferInput = tensor('float32', [inferGroups, C, N, N], () => r());
  await model.infer(inferInput, { batchSize: 64 }); // warm-up
  await model.train({ amplitudes, positions }, { settings: settingsFromDefaults({ epochs: 1, batchSize: 16 }) });
  let infer = 0;
  let train = 0;
  for (let repeat = 0; repeat < 3; repeat++) {
    let start = performance.now();
    await model.infer(inferInput, { batchSize: 64 });
    infer = Math.max(infer, (inferGroups * C) / ((performance.now() - start) / 1000));
    start = performance.now();
    await model.train({ amplitudes, positions }, { settings: settingsFromDefaults({ epochs: 1, batchSize: 16 }) });
    train = Math.max(train, (trainGroups * C) / ((performance.now() - start) / 1000));
  }
  model.dispose();
  return { train, infer };
}

function oursPhysics() {
  const { binding } = addon();
  const [C, B] = [4, 16];
  const r = random(7);
  const patches = tensor('complex64', [B, C, N, N], () => r());
  const positions = {
    dtype: 'float64',
    shape: [B, C, 2],
    data: Float64Array.from({ length: B * C * 2 }, () => (r() - 0.5) * 9),
  };
  const probe = gaussianProbe();
  const options = { objectBig: true, weighting: 'central_mask', paddedSize: 78 };
  const observed = binding.forwardIntensity(patches, positions, probe, 10, options);
  return B / binding.bench.physicsStep(patches, positions, probe, 10, observed, options, 30);
}

function oursStitch() {
  const { binding } = addon();
  const [M, crop, side, step] = [10000, 20, 100, 4];
  const r = random(2);
  const patches = tensor('complex64', [M, N, N], () => r());
  const offsets = [];
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) offsets.push([(j - (side - 1) / 2) * step, (i - (side - 1) / 2) * step]);
  let pad = Math.ceil(Math.max(...offsets.flat().map(Math.abs)));
  pad += pad % 2;
  const size = crop + 2 * pad;
  const centres = {
    dtype: 'float64',
    shape: [M, 2],
    data: Float64Array.from(offsets.flatMap(([x, y]) => [pad + crop / 2 + x, pad + crop / 2 + y])),
  };
  let best = Infinity;
  for (let repeat = 0; repeat < 3; repeat++) {
    const canvas = new binding.StitchCanvas(size, size, 'complex64');
    const start = performance.now();
    canvas.add(patches, centres, crop);
    best = Math.min(best, performance.now() - start);
    canvas.dispose();
  }
  return best;
}

async function measureOurs() {
  setThreads(threads);
  const out = { physics: oursPhysics() };
  for (const gridsize of [1, 2]) out[`gridsize${gridsize}`] = await ours(gridsize);
  if (values['with-stitch']) out.stitchMs = oursStitch();
  return out;
}

function measurePeer() {
  const skip = values['with-stitch'] ? [] : ['stitch', 'barycentric'];
  const run = spawnSync(python, [harness, '--threads', String(threads), ...(skip.length ? ['--skip', ...skip] : [])], {
    env: { ...process.env, PTYCHOPINN_SRC: source },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) fail(`the peer harness failed (${run.status}):\n${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout);
}

function better(a, b) {
  const out = { physics: Math.max(a.physics, b.physics) };
  for (const g of ['gridsize1', 'gridsize2']) {
    out[g] = { train: Math.max(a[g].train, b[g].train), infer: Math.max(a[g].infer, b[g].infer) };
  }
  if (a.stitchMs !== undefined) out.stitchMs = Math.min(a.stitchMs, b.stitchMs);
  return out;
}

(async () => {
  const caps = capabilities();
  const before = await measureOurs();
  const peer = measurePeer();
  const after = await measureOurs();
  const mine = better(before, after);
  const torchPeer = peer.environment.torch_version;
  const rows = [];
  const add = (what, unit, a, b) => rows.push({ what, unit, ptychopinn: a, ptychopinn_peer: b, ratio: a / b });
  for (const [g, key] of [
    ['gridsize2', 'gridsize2_C4'],
    ['gridsize1', 'gridsize1_C1'],
  ]) {
    add(`training step, ${g}, batch 16`, 'patterns/s', mine[g].train, peer.a_training[key].patterns_per_s);
  }
  for (const [g, key] of [
    ['gridsize2', 'gridsize2_C4'],
    ['gridsize1', 'gridsize1_C1'],
  ]) {
    add(`inference, ${g}, batch 64`, 'patterns/s', mine[g].infer, peer.b_inference[key].patterns_per_s);
  }
  add('physics step fwd+bwd, C=4, batch 16', 'groups/s', mine.physics, peer.c_physics_step.groups_per_s);
  if (mine.stitchMs !== undefined && peer.d_stitching) {
    const peerMs = peer.d_stitching.seconds_10000_or_full * 1000;
    rows.push({
      what: 'stitching 10,000 64² patches, crop 20',
      unit: 'ms',
      ptychopinn: mine.stitchMs,
      ptychopinn_peer: peerMs,
      ratio: peerMs / mine.stitchMs,
    });
  }
  console.log(
    `${threads} threads; ptychopinn on LibTorch ${caps.libtorch.loadedVersion ?? caps.libtorch.version}, ` +
      `PtychoPINN (${String(peer.ptychopinn_commit).slice(0, 12)}) on torch ${torchPeer}`,
  );
  console.log('what                                      unit         ptychopinn  PtychoPINN   ratio');
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(42)}${r.unit.padEnd(11)}${r.ptychopinn.toFixed(1).padStart(12)}${r.ptychopinn_peer.toFixed(1).padStart(12)}${r.ratio.toFixed(2).padStart(8)}x`,
    );
  }
  console.log(JSON.stringify({ benchmark: 'peer', threads, torchPeer, ours: { before, after }, rows }));
})();
