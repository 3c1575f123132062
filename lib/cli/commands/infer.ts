import type { Command } from 'commander';

import { readEnvironment } from '../../config/env';
import { loadDataset } from '../../data/datasetFile';
import { ScanFile } from '../../data/scanFile';
import { runReport } from '../../report/runReport';
import { Reconstructor } from '../../workflow/Reconstructor';
import {
  addDatasetFlags,
  addOutputFlags,
  addRefineFlags,
  datasetOptions,
  refineOptions,
  type DatasetFlags,
  type RefineFlags,
} from '../configFlags';
import {
  reconstructionTimings,
  refinementLine,
  refinementSummary,
  saturationWarning,
  writeReconstructionOutputs,
  writeReport,
} from '../resultFiles';
import { abortOnInterrupt } from '../signals';
import { CliError } from '../terminal';

interface InferFlags extends DatasetFlags, RefineFlags {
  model: string;
  data: string;
  outputDir: string;
  device?: string;
  backend?: string;
  json?: boolean;
  quiet?: boolean;
  stream?: boolean;
}

export function registerInfer(program: Command): void {
  const command = program
    .command('infer')
    .description(
      'reconstruct a scan with a trained model; writes reconstruction.npz, amplitude.png, phase.png, report.html',
    )
    .requiredOption('--model <model.ptpinn>', 'trained model bundle')
    .requiredOption('--data <file.npz>', 'dataset to reconstruct')
    .requiredOption('--output-dir <dir>', 'where the outputs go')
    .option('--device <d>', 'auto | cpu | cuda | cuda:N (default: as trained)')
    .option(
      '--backend <b>',
      'engine to run the model on: libtorch (aliases pytorch, torch) or tensorflow (default: PTYCHOPINN_BACKEND, else the one that trained it)',
    )
    .option(
      '--stream',
      'read the patterns from the file a slice at a time: memory flat in the scan size (gridsize 1 models, NPZ saved by numpy.savez; the network alone, no refinement)',
    );
  addDatasetFlags(command);
  addRefineFlags(command);
  addOutputFlags(command).action(async (flags: InferFlags) => {
    const refine = refineOptions(flags);
    if (flags.stream && refine) {
      throw new CliError(
        '--stream reconstructs with the network alone: physics refinement needs every pattern in memory; drop --stream or the --refine flags',
      );
    }
    using scan = flags.stream ? await ScanFile.open(flags.data, datasetOptions(flags)) : undefined;
    const data = scan ? scan.first : await loadDataset(flags.data, datasetOptions(flags));
    const reconstructor = await Reconstructor.openModel(flags.model, {
      device: flags.device,
      backend: flags.backend ?? readEnvironment().backend,
    });
    const interrupt = abortOnInterrupt(() => process.stderr.write('interrupted\n'));
    try {
      const result = scan
        ? await reconstructor.reconstructStreamed(scan, { signal: interrupt.signal })
        : await reconstructor.reconstruct(data, { signal: interrupt.signal, ...(refine ? { refine } : {}) });
      const out = flags.outputDir;
      const shape = [result.height, result.width];
      // A streamed scan's ground truth is read only now, for the metrics.
      const truth = scan ? { ...data, objectGuess: await scan.groundTruth() } : data;
      const { metrics, figures } = await writeReconstructionOutputs(out, result, truth);
      await writeReport(
        out,
        runReport({
          command: 'infer',
          inputs: [
            ['model', flags.model],
            ['data', flags.data],
          ],
          figures,
          metrics,
          ...(result.refinement ? { refinement: refinementSummary(result.refinement) } : {}),
          timings: reconstructionTimings(result.timings),
          config: reconstructor.config,
        }),
      );
      const summary = {
        type: 'result',
        output: out,
        shape,
        origin: result.origin,
        backend: result.backend,
        trainedBackend: result.trainedBackend,
        timings: result.timings,
        stitchCrop: result.stitchCrop,
        saturatedFraction: result.saturatedFraction,
        ...(result.refinement ? { refinement: refinementSummary(result.refinement) } : {}),
        ...(metrics ? { metrics } : {}),
      };
      const saturation = saturationWarning(result.saturatedFraction);
      if (saturation && !flags.quiet) process.stderr.write(`${saturation}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else if (!flags.quiet) {
        process.stdout.write(
          `reconstructed ${result.positions.length / 2} patterns into ${shape.join('×')} in ${result.timings.totalSeconds.toFixed(2)} s (${result.timings.patternsPerSecond.toFixed(0)} patterns/s)\n` +
            (result.refinement ? `${refinementLine(result.refinement)}\n` : '') +
            `wrote ${out}/reconstruction.npz, amplitude.png, phase.png${metrics ? ', metrics.json, comparison.png' : ''}, report.html\n`,
        );
      }
    } finally {
      interrupt.dispose();
      reconstructor.dispose();
    }
  });
}
