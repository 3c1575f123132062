// Issue 14 benchmark: reconstruction quality per CPU-minute. Trains on one simulated
// scan and reconstructs a scan of another object of the same kind (never the
// training scan), N = 64, at several training budgets of one training run (the
// held-out reconstruction runs beside training when a budget is passed). Each row
// gives the network's own object and the object after physics refinement against the
// held-out scan's patterns (the default reconstruction), with the R-factors.
// `--object real` trains on tike's Siemens star (real data, no ground truth; found as
// in test/helpers/realData.ts) and reports the R-factors and the agreement of two
// independent halves of the scan instead.
//
//   node scripts/bench/quality.js [--object lines,grf,real] [--minutes 2,5,15] [--gridsize 1]
//     [--n-filters-scale 1] [--train-images 4096] [--objects 1] [--batch-size 16] [--learning-rate 1e-3]
//     [--step 8] [--save model.ptpinn] [--images DIR]
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { Reconstructor, simulate, evaluate, capabilities, imageFigure, loadDataset } = require('../../dist/lib');

const { values } = parseArgs({
  options: {
    object: { type: 'string', default: 'lines,grf,real' },
    minutes: { type: 'string', default: '2,5,15' },
    gridsize: { type: 'string', default: '1' },
    'n-filters-scale': { type: 'string', default: '1' },
    'train-images': { type: 'string', default: '4096' },
    objects: { type: 'string', default: '1' },
    'test-images': { type: 'string', default: '484' },
    'batch-size': { type: 'string', default: '16' },
    'learning-rate': { type: 'string', default: '1e-3' },
    seed: { type: 'string', default: '1' },
    step: { type: 'string', default: '8' },
    save: { type: 'string' },
    images: { type: 'string' },
  },
});

const budgets = values.minutes.split(',').map(Number);
const N = 64;
const positions = { kind: 'raster', step: Number(values.step) };
const f = (v, digits = 3) => (v === null || v === undefined ? '  n/a' : v.toFixed(digits));

/** The held-out scans: a simulated object of the kind, or the real star (no truth). */
async function scans(kind, config) {
  if (kind === 'real') {
    const file = realDataFile();
    if (!file) return undefined;
    const star = await loadDataset(file, { cropTo: N });
    return { train: star, test: star };
  }
  const seed = config.seed;
  const objects = Number(values.objects);
  const per = Math.round(config.n_groups / objects);
  const parts = Array.from({ length: objects }, (_, o) =>
    simulate({ N, nImages: per, seed: seed + o, object: { kind }, positions }),
  );
  return {
    train: parts.length === 1 ? parts[0] : sideBySide(parts),
    test: simulate({ N, nImages: Number(values['test-images']), seed: seed + 1000, object: { kind }, positions }),
  };
}

/**
 * Several scans as one training set: each object's positions moved far to the right
 * of the last, so no group mixes two objects. The merged set has no ground truth.
 */
function sideBySide(parts) {
  const plane = N * N;
  const M = parts.reduce((sum, part) => sum + part.xcoords.length, 0);
  const diffraction = new Float32Array(M * plane);
  const xcoords = new Float64Array(M);
  const ycoords = new Float64Array(M);
  let first = 0;
  parts.forEach((part, o) => {
    diffraction.set(part.diffraction.data, first * plane);
    part.xcoords.forEach((x, i) => {
      xcoords[first + i] = x + o * 10000;
      ycoords[first + i] = part.ycoords[i];
    });
    first += part.xcoords.length;
  });
  const { probeGuess, nphotons } = parts[0];
  return {
    diffraction: { dtype: 'float32', shape: [M, N, N], data: diffraction },
    probeGuess,
    xcoords,
    ycoords,
    nphotons,
    notes: [],
  };
}

function realDataFile() {
  const candidates = [
    process.env.PTYCHOPINN_REAL_DATA,
    path.join(__dirname, '..', '..', '..', 'shared', 'real', 'siemens-star-small.npz'),
    path.join(__dirname, '..', '..', '..', 'shared', 'real', 'siemens-star-small.npz.bz2'),
  ].filter((file) => file && fs.existsSync(file));
  if (!candidates.length) {
    console.log('real: skipped (siemens-star-small.npz(.bz2) neither at PTYCHOPINN_REAL_DATA nor in ../shared/real/)');
    return undefined;
  }
  const found = candidates[0];
  if (!found.endsWith('.bz2')) return found;
  const unpacked = path.join(os.tmpdir(), `ptychopinn-bench-${path.basename(found, '.bz2')}`);
  if (!fs.existsSync(unpacked))
    fs.writeFileSync(unpacked, execFileSync('bunzip2', ['-c', found], { maxBuffer: 1 << 30 }));
  return unpacked;
}

function metricsOf(stitched, truth) {
  const [height, width] = truth.shape;
  return evaluate(
    { object: { height: stitched.height, width: stitched.width, data: stitched.object.data }, origin: stitched.origin },
    { height, width, data: truth.data },
  );
}

function row(kind, minutes, seconds, steps, result, test) {
  const head = `${kind.padEnd(6)}${String(minutes).padStart(5)} min ${seconds.toFixed(0).padStart(5)} s ${String(steps).padStart(6)} steps`;
  const r = result.refinement;
  const rFactors = r ? `R ${f(r.initialRFactor)} → ${f(r.finalRFactor)}` : '';
  if (!test.objectGuess)
    return { text: `${head}   ${rFactors}`, record: { rFactors: r && [r.initialRFactor, r.finalRFactor] } };
  const network = metricsOf(result.network, test.objectGuess);
  const refined = metricsOf(result, test.objectGuess);
  const cells = (m) =>
    `amp SSIM ${f(m.amplitude.ssim)} PSNR ${f(m.amplitude.psnr, 2)} FRC50 ${f(m.amplitude.frc50)} | phase SSIM ${f(m.phase.ssim)}`;
  return {
    text: `${head}   network: ${cells(network)}   refined: ${cells(refined)}   ${rFactors}`,
    record: { network, refined, rFactors: [r.initialRFactor, r.finalRFactor] },
  };
}

async function writeImages(kind, minutes, result, test) {
  if (!values.images) return;
  fs.mkdirSync(values.images, { recursive: true });
  for (const [name, stitched] of [
    ['network', result.network],
    ['refined', result],
  ]) {
    for (const channel of ['amplitude', 'phase']) {
      const figure = await imageFigure({
        height: stitched.height,
        width: stitched.width,
        values: stitched[channel],
        kind: channel,
      });
      await figure.writePng(path.join(values.images, `${kind}-${minutes}min-${name}-${channel}.png`));
    }
  }
  if (minutes === budgets[0] && test.objectGuess) {
    const [height, width] = test.objectGuess.shape;
    const d = test.objectGuess.data;
    const amplitude = Float32Array.from({ length: height * width }, (_, k) => Math.hypot(d[2 * k], d[2 * k + 1]));
    const figure = await imageFigure({ height, width, values: amplitude, kind: 'amplitude' });
    await figure.writePng(path.join(values.images, `${kind}-truth-amplitude.png`));
  }
}

async function run(kind) {
  const config = {
    N,
    gridsize: Number(values.gridsize),
    n_filters_scale: Number(values['n-filters-scale']),
    batch_size: Number(values['batch-size']),
    learning_rate: Number(values['learning-rate']),
    nepochs: 100000,
    n_groups: Number(values['train-images']),
    seed: Number(values.seed),
  };
  const data = await scans(kind, config);
  if (!data) return;
  const { train, test } = data;
  const caps = capabilities();
  console.log(
    `${kind}: LibTorch ${caps.libtorch.loadedVersion ?? caps.libtorch.version}, ${caps.threads.intraOp} threads; ` +
      `train ${train.xcoords.length} patterns, ${kind === 'real' ? 'reconstruct the same scan (no ground truth)' : `held-out ${test.xcoords.length} patterns of another object`}; ` +
      `gridsize ${config.gridsize}, n_filters_scale ${config.n_filters_scale}, batch ${config.batch_size}, lr ${config.learning_rate}`,
  );
  const reconstructor = Reconstructor.create(config);
  const controller = new AbortController();
  const results = [];
  const pending = [];
  let next = 0;
  let steps = 0;
  const started = performance.now();
  const evaluateAt = (minutes) => {
    const seconds = (performance.now() - started) / 1000;
    const atSteps = steps;
    const evaluation = reconstructor.reconstruct(test).then(async (result) => {
      const { text, record } = row(kind, minutes, seconds, atSteps, result, test);
      console.log(text);
      results.push({ minutes, seconds, steps: atSteps, ...record });
      await writeImages(kind, minutes, result, test);
    });
    pending.push(evaluation);
    return evaluation;
  };
  const timer = setInterval(() => {
    const elapsed = (performance.now() - started) / 60000;
    while (next < budgets.length && elapsed >= budgets[next]) {
      const minutes = budgets[next];
      next += 1;
      const evaluation = evaluateAt(minutes);
      if (next === budgets.length) evaluation.then(() => controller.abort());
    }
  }, 1000);
  await reconstructor.train(train, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.type === 'batch') steps += 1;
    },
  });
  clearInterval(timer);
  await Promise.all(pending);
  if (values.save) await reconstructor.saveModel(values.save);
  reconstructor.dispose();
  console.log(JSON.stringify({ benchmark: 'quality', config, object: kind, step: positions.step, results }));
}

(async () => {
  const kinds = values.object.split(',');
  if (values.save && kinds.length > 1) throw new Error('--save needs a single --object');
  for (const kind of kinds) await run(kind);
})();
