import path from 'node:path';

import type { Command } from 'commander';

import { loadConfig } from '../../config/load';
import { loadDataset } from '../../data/datasetFile';
import { runReport } from '../../report/runReport';
import { Reconstructor } from '../../workflow/Reconstructor';
import {
  addConfigFlags,
  addDatasetFlags,
  addOutputFlags,
  configOverrides,
  datasetOptions,
  type DatasetFlags,
} from '../configFlags';
import { trainingSummary, writeReport, writeTrainingOutputs } from '../resultFiles';
import { progressReporter } from '../progress';
import { abortOnInterrupt } from '../signals';

interface TrainFlags extends DatasetFlags {
  trainData: string;
  testData?: string;
  outputDir: string;
  config?: string;
  checkpointEvery?: string;
  initFrom?: string;
  json?: boolean;
  quiet?: boolean;
  [flag: string]: unknown;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a PtychoPINN model; writes model.ptpinn, history.json, loss.png and report.html')
    .requiredOption('--train-data <file.npz>', 'training dataset')
    .option('--test-data <file.npz>', 'validation dataset (default: a seeded 5 % of the training groups)')
    .requiredOption('--output-dir <dir>', 'where model.ptpinn, history.json, loss.png and report.html go')
    .option('--checkpoint-every <epochs>', 'also write model.ptpinn every so many epochs (always on Ctrl-C)')
    .option('--init-from <model.ptpinn>', 'fine-tune an existing model instead of starting afresh');
  addConfigFlags(command);
  addDatasetFlags(command);
  addOutputFlags(command).action(async (flags: TrainFlags) => {
    const { config, notes, stated } = loadConfig({ file: flags.config, overrides: configOverrides(flags) });
    const reporter = progressReporter(flags, config.nepochs);
    notes.forEach((note) => reporter.message(note));
    const readOptions = datasetOptions(flags);
    const train = await loadDataset(flags.trainData, readOptions);
    const test = flags.testData ? await loadDataset(flags.testData, readOptions) : undefined;
    [...train.notes, ...(test?.notes ?? [])].forEach((note) => reporter.message(note));
    const reconstructor = flags.initFrom
      ? await Reconstructor.openModel(flags.initFrom, { training: config })
      : // N left unstated: the training data's pattern size.
        Reconstructor.fromConfig(config, { nFromData: !stated.has('N') });
    const modelFile = path.join(flags.outputDir, 'model.ptpinn');
    const checkpointEvery = flags.checkpointEvery === undefined ? undefined : Number(flags.checkpointEvery);
    const interrupt = abortOnInterrupt(() => reporter.message('interrupted: stopping after this batch and saving'));
    try {
      const summary = await reconstructor.train(train, {
        validationData: test,
        signal: interrupt.signal,
        onProgress: (event) => reporter.onEvent(event),
        checkpointPath: modelFile,
        checkpointEvery,
      });
      reporter.stop();
      const figures = await writeTrainingOutputs(flags.outputDir, reconstructor, summary);
      const fraction = reconstructor.config.validation_fraction;
      await writeReport(
        flags.outputDir,
        runReport({
          command: 'train',
          inputs: [
            ['training data', flags.trainData],
            [
              'validation data',
              flags.testData ?? (fraction > 0 ? `a seeded ${fraction * 100} % of the training groups` : 'none'),
            ],
            ...(flags.initFrom ? ([['fine-tuned from', flags.initFrom]] as [string, string][]) : []),
          ],
          figures,
          training: trainingSummary(summary),
          timings: [['training', summary.seconds]],
          config: reconstructor.config,
        }),
      );
      const result = {
        type: 'result',
        model: modelFile,
        epochs: summary.epochs,
        aborted: summary.aborted,
        finalLoss: summary.finalLoss,
        finalValidationLoss: summary.finalValidationLoss,
        seconds: summary.seconds,
        backend: reconstructor.backend,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (!flags.quiet) {
        process.stdout.write(
          `${summary.aborted ? 'stopped early (interrupted)' : 'trained'}: ${summary.epochs} epochs in ${summary.seconds.toFixed(1)} s, final loss ${summary.finalLoss}\nwrote ${modelFile}, history.json, loss.png, report.html\n`,
        );
      }
    } finally {
      interrupt.dispose();
      reconstructor.dispose();
    }
  });
}
