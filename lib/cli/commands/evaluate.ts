import type { Command } from 'commander';

import { complexImage } from '../../data/arrays';
import { writeFileAtomic } from '../../io/atomicWrite';
import { toFloat64, type NumericArray } from '../../io/ndarray';
import { readNpz } from '../../io/npz';
import { evaluate } from '../../metrics';
import { CliError, printJson } from '../terminal';
import type { ReconstructionMetrics } from '../../metrics/groundTruth';

interface EvaluateFlags {
  reconstruction: string;
  groundTruth: string;
  output?: string;
  border: string;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('compare a reconstruction with a ground truth: MAE, PSNR, SSIM and FRC for amplitude and phase')
    .requiredOption('--reconstruction <R.npz>', 'reconstruction.npz written by `ptychopinn infer` (object, origin)')
    .requiredOption('--ground-truth <data.npz>', 'a dataset with objectGuess')
    .option('-o, --output <metrics.json>', 'also write the metrics here')
    .option('--border <px>', 'pixels trimmed from each side before comparing', '2')
    .action(async (flags: EvaluateFlags) => {
      const border = Number(flags.border);
      if (!Number.isInteger(border) || border < 0) {
        throw new CliError(`--border: expected a non-negative integer, got '${flags.border}'`);
      }
      const recon = (await readNpz(flags.reconstruction, { keys: ['object', 'origin', 'network_object'] })).arrays;
      const truth = (await readNpz(flags.groundTruth, { keys: ['objectGuess'] })).arrays;
      const object = recon.get('object') as NumericArray | undefined;
      const origin = recon.get('origin') as NumericArray | undefined;
      if (!object || !origin) throw new CliError(`${flags.reconstruction}: needs the keys 'object' and 'origin'`);
      const groundTruth = truth.get('objectGuess') as NumericArray | undefined;
      if (!groundTruth) throw new CliError(`${flags.groundTruth}: has no 'objectGuess' to compare with`);
      const reconstruction = complexImage(object, `${flags.reconstruction}: 'object'`);
      const reference = complexImage(groundTruth, `${flags.groundTruth}: 'objectGuess'`);
      const [x0, y0] = toFloat64(origin);
      const groundTruthImage = { height: reference.shape[0], width: reference.shape[1], data: reference.data };
      const metricsOf = (image: { shape: number[]; data: Float32Array | Float64Array }) =>
        evaluate(
          { object: { height: image.shape[0], width: image.shape[1], data: image.data }, origin: [x0, y0] },
          groundTruthImage,
          { border },
        );
      const metrics: ReconstructionMetrics = metricsOf(reconstruction);
      // A refined reconstruction also holds the network's own object on the same grid.
      const network = recon.get('network_object') as NumericArray | undefined;
      if (network) metrics.network = metricsOf(complexImage(network, `${flags.reconstruction}: 'network_object'`));
      if (flags.output) await writeFileAtomic(flags.output, `${JSON.stringify(metrics, null, 2)}\n`);
      printJson(metrics);
    });
}
