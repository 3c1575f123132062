// Issue 14 benchmark: reconstruction quality per CPU-minute. Trains on one simulated
// scan and reconstructs a scan of another object of the same kind (never the
// training scan), N = 64, and reports amplitude/phase SSIM, PSNR, FRC50 at several
// training budgets of one training run (the held-out reconstruction runs beside
// training when a budget is passed, between optimiser steps).
//
//   node scripts/bench/quality.js [--object lines,grf] [--minutes 2,5,15] [--gridsize 2]
//     [--n-filters-scale 1] [--train-images 4096] [--batch-size 16] [--learning-rate 1e-3]
//     [--step 8] [--save model.ptpinn]
'use strict';
const os = require('node:os');
const { parseArgs } = require('node:util');

const path = require('node:path');

const { Reconstructor, simulate, evaluate, capabilities, imageFigure } = require('../../dist/lib');

const { values } = parseArgs({
  options: {
    object: { type: 'string', default: 'lines,grf' },
    minutes: { type: 'string', default: '2,5,15' },
    gridsize: { type: 'string', default: '2' },
    'n-filters-scale': { type: 'string', default: '1' },
    'train-images': { type: 'string', default: '4096' },
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

function row(minutes, seconds, steps, metrics) {
  const f = (v) => (v === null || v === undefined ? '  n/a' : v.toFixed(v > 5 ? 2 : 3));
  const { amplitude: a, phase: p } = metrics;
  return (
    `${String(minutes).padStart(5)} min  ${seconds.toFixed(0).padStart(5)} s  ${String(steps).padStart(6)} steps  ` +
    `amp SSIM ${f(a.ssim)} PSNR ${f(a.psnr)} FRC50 ${f(a.frc50)}   ` +
    `phase SSIM ${f(p.ssim)} PSNR ${f(p.psnr)} FRC50 ${f(p.frc50)}`
  );
}

async function run(objectKind) {
  const objectSpec = { kind: objectKind };
  const caps = capabilities();
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
  const seed = Number(values.seed);
  const train = simulate({ N, nImages: config.n_groups, seed, object: objectSpec, positions });
  const test = simulate({
    N,
    nImages: Number(values['test-images']),
    seed: seed + 1000,
    object: objectSpec,
    positions,
  });
  console.log(
    `LibTorch ${caps.libtorch.loadedVersion ?? caps.libtorch.version}, ${caps.threads.intraOp} threads, ` +
      `${os.cpus().length} cores; ${objectKind}, train ${config.n_groups} patterns ` +
      `(object ${train.objectGuess.shape[0]}², raster step ${values.step}), held-out ${values['test-images']} patterns of another object; ` +
      `gridsize ${config.gridsize}, n_filters_scale ${config.n_filters_scale}, batch ${config.batch_size}, ` +
      `lr ${config.learning_rate}`,
  );

  if (values.images) {
    const [height, width] = test.objectGuess.shape;
    const d = test.objectGuess.data;
    const amplitude = Float32Array.from({ length: height * width }, (_, k) => Math.hypot(d[2 * k], d[2 * k + 1]));
    await (
      await imageFigure({ height, width, values: amplitude, kind: 'amplitude' })
    ).writePng(path.join(values.images, `${objectKind}-truth-amplitude.png`));
  }
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
    const evaluation = reconstructor.reconstruct(test).then((result) => {
      const [height, width] = test.objectGuess.shape;
      const metrics = evaluate(
        { object: { height: result.height, width: result.width, data: result.object.data }, origin: result.origin },
        { height, width, data: test.objectGuess.data },
      );
      results.push({ minutes, seconds, steps: atSteps, metrics });
      if (values.images) {
        const figure = { height: result.height, width: result.width, values: result.amplitude, kind: 'amplitude' };
        return imageFigure(figure).then((image) =>
          image.writePng(path.join(values.images, `${objectKind}-${minutes}min-amplitude.png`)),
        );
      }
      console.log(row(minutes, seconds, atSteps, metrics));
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
      if (event.type === 'epoch') {
        const v = Number.isFinite(event.validationLoss) ? event.validationLoss.toFixed(1) : 'n/a';
        process.stderr.write(`epoch ${event.epoch}: loss ${event.loss.toFixed(1)} val ${v} lr ${event.learningRate}\n`);
      }
    },
  });
  clearInterval(timer);
  await Promise.all(pending);
  if (values.save) await reconstructor.saveModel(values.save);
  reconstructor.dispose();
  console.log(JSON.stringify({ benchmark: 'quality', config, object: objectKind, step: positions.step, results }));
}

(async () => {
  const kinds = values.object.split(',');
  if (values.save && kinds.length > 1) throw new Error('--save needs a single --object');
  for (const kind of kinds) await run(kind);
})();
