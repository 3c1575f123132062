import path from 'node:path';

import type { Command } from 'commander';

import { capabilities } from '../../capabilities';
import { readDistributedEnvironment } from '../../config/env';
import { loadConfig } from '../../config/load';
import type { ReconstructorConfig } from '../../config/schema';
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
import { runLocalRanks, withoutOption } from '../localRanks';
import { trainingSummary, writeReport, writeTrainingOutputs } from '../resultFiles';
import { progressReporter } from '../progress';
import { abortOnInterrupt } from '../signals';
import { CliError } from '../terminal';

interface TrainFlags extends DatasetFlags {
  trainData: string;
  testData?: string;
  outputDir: string;
  config?: string;
  checkpointEvery?: string;
  initFrom?: string;
  nproc?: string;
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
    .option('--init-from <model.ptpinn>', 'fine-tune an existing model instead of starting afresh')
    .option(
      '--nproc <n>',
      'train in n processes on this machine (data parallel: each takes 1/n of every batch); ' +
        'launchers such as torchrun set WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT instead',
    );
  addConfigFlags(command);
  addDatasetFlags(command);
  addOutputFlags(command).action(async (flags: TrainFlags, self: Command) => {
    const nproc = flags.nproc === undefined ? 1 : Number(flags.nproc);
    if (!Number.isInteger(nproc) || nproc < 1)
      throw new CliError(`--nproc: expected a positive integer, got '${flags.nproc}'`);
    if (nproc > 1) {
      const { backends, unavailableReason } = capabilities().distributed;
      if (!backends.includes('gloo'))
        throw new CliError(`--nproc ${nproc}: this build cannot train in more than one process: ${unavailableReason}`);
      const messages = progressReporter(flags, 0);
      process.exitCode = await runLocalRanks(nproc, withoutOption(self.parent!.args, '--nproc'), messages.message);
      return;
    }
    const distributed = readDistributedEnvironment();
    // Rank 0 speaks for the run and writes its files; the other ranks print only errors.
    const firstRank = (distributed?.rank ?? 0) === 0;
    const loaded = loadConfig({ file: flags.config, overrides: configOverrides(flags) });
    const { notes, stated } = loaded;
    const config = distributed ? onLocalDevice(loaded.config, distributed.localRank) : loaded.config;
    const reporter = progressReporter(firstRank ? flags : { quiet: true }, config.nepochs);
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
        distributed,
      });
      reporter.stop();
      if (!firstRank) return;
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

/** One CUDA device per rank on a machine (LOCAL_RANK), as torchrun's ranks use them. */
function onLocalDevice(config: ReconstructorConfig, localRank: number): ReconstructorConfig {
  const cuda = config.device === 'cuda' || (config.device === 'auto' && capabilities().cuda.available);
  return cuda ? { ...config, device: `cuda:${localRank}` } : config;
}
