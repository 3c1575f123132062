// Issue 7: memory under load, in one process (run with --expose-gc; npm run bench
// does). (a) 2,000 consecutive reconstructions (infer + stitch) of 12 patterns with
// one N = 32, n_filters_scale 1 model: RSS after a full GC every 50 calls, and the
// least-squares slope over the last 1,000 calls. (b) 20 models trained (1 short
// epoch) and disposed one after the other: RSS after each, and the growth from
// model 5 to model 20. Exits 1 when either exceeds its bound.
'use strict';
const path = require('node:path');

const { loadDataset, Reconstructor } = require('../../dist/lib');

const CALLS = 2000;
const SAMPLE_EVERY = 50;
const PATTERNS = 12;
const MODELS = 20;
/**
 * RSS after GC wanders by a few MiB (malloc arenas), which puts about ±1 KiB/call of
 * noise on a slope over 1,000 calls; one call's predicted patches alone are 96 KiB,
 * so any real per-call leak is far above this bound.
 */
const SLOPE_BOUND_KIB_PER_CALL = 5;
const MODEL_GROWTH_BOUND_MIB = 50;
const SMALL = { N: 32, n_filters_scale: 1, nepochs: 1, n_groups: 16, batch_size: 16, device: 'cpu' };

const MiB = 2 ** 20;

function rssAfterGc() {
  if (!global.gc) throw new Error('run with node --expose-gc');
  global.gc();
  return process.memoryUsage().rss;
}

/** The first `count` patterns of a dataset, as a dataset. */
function firstPatterns(data, count) {
  const [, N] = data.diffraction.shape;
  return {
    diffraction: { dtype: 'float32', shape: [count, N, N], data: data.diffraction.data.slice(0, count * N * N) },
    probeGuess: data.probeGuess,
    xcoords: data.xcoords.slice(0, count),
    ycoords: data.ycoords.slice(0, count),
    nphotons: data.nphotons,
    notes: [],
  };
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}

async function repeatedInference(data) {
  const reconstructor = Reconstructor.create({ ...SMALL, seed: 1 }, {});
  await reconstructor.train(data);
  const samples = [{ x: 0, y: rssAfterGc() }];
  const started = performance.now();
  for (let call = 1; call <= CALLS; call += 1) {
    await reconstructor.reconstruct(data);
    if (call % SAMPLE_EVERY === 0) samples.push({ x: call, y: rssAfterGc() });
  }
  const seconds = (performance.now() - started) / 1000;
  reconstructor.dispose();
  const perCall = slope(samples.filter((s) => s.x >= CALLS - 1000));
  return { samples, seconds, kibPerCall: perCall / 1024, mibPer1000: (perCall * 1000) / MiB };
}

async function trainAndDispose(data) {
  const rss = [];
  for (let model = 1; model <= MODELS; model += 1) {
    const reconstructor = Reconstructor.create({ ...SMALL, seed: model }, {});
    await reconstructor.train(data);
    reconstructor.dispose();
    rss.push(rssAfterGc());
  }
  return { rss, growth: (rss[MODELS - 1] - rss[4]) / MiB };
}

async function main() {
  const fixture = await loadDataset(path.join(__dirname, '..', '..', 'fixtures', 'lines-n32.npz'));
  const data = firstPatterns(fixture, PATTERNS);
  const baseline = rssAfterGc();
  console.log(`baseline RSS ${(baseline / MiB).toFixed(1)} MiB (dataset loaded, addon not yet used)`);

  const inference = await repeatedInference(data);
  console.log(
    `(a) ${CALLS} reconstructions of ${PATTERNS} patterns (N = 32, nfs 1) in ${inference.seconds.toFixed(1)} s`,
  );
  console.log(
    `    RSS every ${SAMPLE_EVERY * 4} calls (MiB): ` +
      inference.samples
        .filter((s) => s.x % (SAMPLE_EVERY * 4) === 0)
        .map((s) => (s.y / MiB).toFixed(1))
        .join(' '),
  );
  console.log(
    `    slope over the last 1,000 calls: ${inference.kibPerCall.toFixed(3)} KiB/call = ` +
      `${inference.mibPer1000.toFixed(2)} MiB per 1,000 calls (bound ${SLOPE_BOUND_KIB_PER_CALL} KiB/call)`,
  );

  const models = await trainAndDispose(data);
  console.log(`(b) ${MODELS} models trained (1 epoch, ${SMALL.n_groups} groups) and disposed`);
  console.log(`    RSS after each (MiB): ${models.rss.map((r) => (r / MiB).toFixed(1)).join(' ')}`);
  console.log(
    `    growth from model 5 to model ${MODELS}: ${models.growth.toFixed(1)} MiB (bound ${MODEL_GROWTH_BOUND_MIB} MiB)`,
  );

  const within = inference.kibPerCall < SLOPE_BOUND_KIB_PER_CALL && models.growth < MODEL_GROWTH_BOUND_MIB;
  console.log(
    JSON.stringify({
      inferenceCalls: CALLS,
      kibPerCall: Number(inference.kibPerCall.toFixed(3)),
      mibPer1000Calls: Number(inference.mibPer1000.toFixed(2)),
      inferenceRssMiB: inference.samples.map((s) => Number((s.y / MiB).toFixed(1))),
      models: MODELS,
      modelRssMiB: models.rss.map((r) => Number((r / MiB).toFixed(1))),
      growth5to20MiB: Number(models.growth.toFixed(1)),
      within,
    }),
  );
  process.exitCode = within ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
