import path from 'node:path';

import type { Command } from 'commander';

import { loadConfig } from '../../config/load';
import type { TrainingSummary } from '../../bundle/bundle';
import type { PtychoDataset } from '../../data/dataset';
import { saveDataset } from '../../data/datasetFile';
import { PRETRAINED_MODEL, PRETRAINED_SCAN } from '../../pretrained';
import { simulate } from '../../simulate/simulate';
import type { ReportFigure } from '../../report/reportFigure';
import { runReport } from '../../report/runReport';
import { Reconstructor, type Reconstruction } from '../../workflow/Reconstructor';
import { addOutputFlags, addRefineFlags, refineOptions, type RefineFlags } from '../configFlags';
import type { ReconstructionMetrics } from '../../metrics/groundTruth';
import { CliError } from '../terminal';
import {
  reconstructionTimings,
  refinementLine,
  refinementSummary,
  trainingSummary,
  writeReconstructionOutputs,
  writeReport,
  writeTrainingOutputs,
} from '../resultFiles';
import { progressReporter } from '../progress';
import { abortOnInterrupt } from '../signals';

interface DemoFlags extends RefineFlags {
  outputDir: string;
  train?: boolean;
  model?: string;
  N: string;
  nImages: string;
  gridsize: string;
  nepochs: string;
  minutes?: string;
  nFiltersScale: string;
  seed: string;
  device: string;
  backend?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * The main job. By default: simulate a new `lines` scan (an object the shipped model
 * never saw), reconstruct it with the pretrained model, evaluate against the
 * simulated truth and write the images — seconds, as PtychoPINN is meant to be used.
 * With --train: simulate → train → reconstruct the training scan → evaluate.
 */
export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('reconstruct a freshly simulated scan with the pretrained model (--train: train one first)')
    .option('--output-dir <dir>', 'where everything goes', 'ptychopinn-demo')
    .option('--train', 'simulate, train a model from scratch, then reconstruct (minutes)')
    .option('--model <file>', 'model bundle to reconstruct with (default: the shipped pretrained model)')
    .option('--N <n>', 'pattern size (--train)', '64')
    .option('--n-images <n>', 'diffraction patterns to simulate (a square fills the raster)', '484')
    // gridsize 1 measured better than 2 at this budget (amplitude SSIM 0.39 vs 0.30).
    .option('--gridsize <g>', 'patterns per group, 1 or 2 (--train)', '1')
    .option('--nepochs <e>', 'training epochs (--train)', '10')
    .option('--minutes <m>', 'stop training after this many minutes (--train)')
    .option('--n-filters-scale <s>', 'network width multiplier (--train)', '1')
    .option('--seed <s>', 'seed of the simulation (and of the training)', String(PRETRAINED_SCAN.demoSeed))
    .option('--device <d>', 'auto | cpu | cuda | cuda:N', 'auto')
    .option('--backend <b>', 'engine: libtorch (default; aliases pytorch, torch) or tensorflow');
  addRefineFlags(command);
  addOutputFlags(command).action(async (flags: DemoFlags) => {
    const started = performance.now();
    const refine = refineOptions(flags);
    const out = flags.outputDir;
    const minutes = flags.minutes === undefined ? undefined : Number(flags.minutes);
    if (minutes !== undefined && !(minutes > 0)) {
      throw new CliError(`--minutes: expected a positive number, got '${flags.minutes}'`);
    }
    const { config, stated } = loadConfig({
      overrides: {
        N: flags.train ? flags.N : PRETRAINED_SCAN.N,
        gridsize: flags.gridsize,
        nepochs: minutes === undefined ? flags.nepochs : 100000,
        n_filters_scale: flags.nFiltersScale,
        seed: flags.seed,
        device: flags.device,
        n_groups: flags.nImages,
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
      },
    });
    const reporter = progressReporter(flags, config.nepochs);
    const interrupt = abortOnInterrupt(() => reporter.message('interrupted: stopping after this batch'));
    let reconstructor: Reconstructor | undefined;
    try {
      reporter.message(`simulating ${flags.nImages} patterns of a new 'lines' object at N = ${config.N}`);
      const data = simulate({
        N: config.N,
        nImages: Number(flags.nImages),
        seed: config.seed,
        nphotons: config.nphotons,
        positions: { kind: 'raster', step: PRETRAINED_SCAN.step(config.N) },
      });
      await saveDataset(path.join(out, 'data.npz'), data);
      let training: TrainingSummary | undefined;
      let trainingFigures: ReportFigure[] = [];
      if (flags.train) {
        reconstructor = Reconstructor.fromConfig(config);
        reporter.message(
          minutes === undefined
            ? `training ${config.nepochs} epochs (n_filters_scale ${config.n_filters_scale})`
            : `training for ${minutes} min (n_filters_scale ${config.n_filters_scale})`,
        );
        const budget = minutes === undefined ? [] : [AbortSignal.timeout(minutes * 60_000)];
        training = await reconstructor.train(data, {
          signal: AbortSignal.any([interrupt.signal, ...budget]),
          onProgress: (event) => reporter.onEvent(event),
        });
        reporter.stop();
        interrupt.signal.throwIfAborted();
        trainingFigures = await writeTrainingOutputs(out, reconstructor, training);
      } else {
        const model = flags.model ?? PRETRAINED_MODEL;
        reporter.message(`reconstructing with ${model}`);
        // The engine asked for (flag or PTYCHOPINN_BACKEND), else the one that trained the model.
        const backend = stated.has('backend') ? config.backend : undefined;
        reconstructor = await Reconstructor.openModel(model, { device: config.device, backend });
      }
      const result = await reconstructor.reconstruct(data, { signal: interrupt.signal, ...(refine ? { refine } : {}) });
      if (result.refinement) reporter.message(refinementLine(result.refinement));
      const { metrics, figures } = await writeReconstructionOutputs(out, result, data);
      const seconds = (performance.now() - started) / 1000;
      await writeReport(
        out,
        runReport({
          command: 'demo',
          inputs: [
            [
              'scan',
              `simulated: a new 'lines' object, ${flags.nImages} patterns of N = ${config.N}, ` +
                `raster step ${PRETRAINED_SCAN.step(config.N)} px, seed ${config.seed}`,
            ],
            ['model', flags.train ? 'trained in this run (model.ptpinn)' : (flags.model ?? PRETRAINED_MODEL)],
          ],
          figures: [...trainingFigures, ...figures],
          metrics,
          ...(result.refinement ? { refinement: refinementSummary(result.refinement) } : {}),
          ...(training ? { training: trainingSummary(training) } : {}),
          timings: [
            ...(training ? [['training', training.seconds] as [string, number]] : []),
            ...reconstructionTimings(result.timings),
            ['demo in all', seconds],
          ],
          config: reconstructor.config,
        }),
      );
      report(flags, out, seconds, metrics!, training?.epochs, data, result);
    } finally {
      reporter.stop();
      interrupt.dispose();
      reconstructor?.dispose();
    }
  });
}

function report(
  flags: DemoFlags,
  out: string,
  seconds: number,
  metrics: ReconstructionMetrics,
  epochs: number | undefined,
  data: PtychoDataset,
  reconstruction: Reconstruction,
): void {
  const refinement = reconstruction.refinement;
  const result = {
    type: 'result',
    output: out,
    seconds,
    mode: flags.train ? 'train' : 'pretrained',
    backend: reconstruction.backend,
    trainedBackend: reconstruction.trainedBackend,
    epochs,
    patterns: data.diffraction.shape[0],
    ssim: { amplitude: metrics.amplitude.ssim, phase: metrics.phase.ssim },
    ...(metrics.network
      ? { networkSsim: { amplitude: metrics.network.amplitude.ssim, phase: metrics.network.phase.ssim } }
      : {}),
    ...(refinement ? { refinement: refinementSummary(refinement) } : {}),
    metrics,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!flags.quiet) {
    const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
    process.stdout.write(
      [
        `SSIM against the ground truth: amplitude ${fmt(metrics.amplitude.ssim)}, phase ${fmt(metrics.phase.ssim)}` +
          (metrics.network
            ? ` (the network alone: ${fmt(metrics.network.amplitude.ssim)}, ${fmt(metrics.network.phase.ssim)})`
            : ''),
        `done in ${seconds.toFixed(0)} s; see ${out}/report.html (amplitude.png, phase.png, comparison.png, metrics.json` +
          (flags.train ? ', loss.png, model.ptpinn)' : ')'),
        '',
      ].join('\n'),
    );
  }
}
