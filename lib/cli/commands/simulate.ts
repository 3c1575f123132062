import { type Command, Option } from 'commander';

import { saveDataset } from '../../data/datasetFile';
import { simulate, type ObjectSpec, type ProbeSpec } from '../../simulate/simulate';
import type { PositionSpec } from '../../simulate/positions';
import { CliError } from '../terminal';

interface SimulateFlags {
  output: string;
  object: 'lines' | 'grf' | 'png';
  pngAmplitude?: string;
  pngPhase?: string;
  nImages: string;
  N: string;
  nphotons: string;
  seed: string;
  objectSize?: string;
  probe: 'default' | 'disk';
  probeRadius?: string;
  fresnelNumber?: string;
  positions: 'raster' | 'random';
  step?: string;
  jitter?: string;
  noise: boolean;
  compress: boolean;
}

function number(flag: string, raw: string | undefined, check: (value: number) => boolean, expected: string) {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new CliError(`${flag}: expected ${expected}, got '${raw}'`);
  return value;
}

const positiveInteger = (value: number) => Number.isInteger(value) && value > 0;
const positive = (value: number) => value > 0;

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('simulate a dataset with ground truth (objectGuess, Y) in the NPZ contract')
    .requiredOption('-o, --output <data.npz>', 'dataset to write')
    .addOption(new Option('--object <kind>', 'simulated object').choices(['lines', 'grf', 'png']).default('lines'))
    .option('--png-amplitude <file>', 'with --object png: PNG whose grey level is the amplitude (0 … 1)')
    .option('--png-phase <file>', 'with --object png: PNG whose grey level is the phase (−π … π)')
    .option('--n-images <n>', 'number of diffraction patterns', '512')
    .option('--N <n>', 'pattern size, a power of two ≥ 32 (PtychoPINN’s N)', '64')
    .option('--nphotons <n>', 'mean photons per pattern', '1e9')
    .option('--seed <n>', 'seed of the object, positions and noise', '1')
    .option('--object-size <px>', 'object side in pixels (default: the smallest that holds the scan)')
    .addOption(new Option('--probe <kind>', 'simulated probe').choices(['default', 'disk']).default('default'))
    .option('--probe-radius <px>', 'with --probe disk: aperture radius (default N/8)')
    .option('--fresnel-number <F>', 'with --probe disk: r²/(λz), smaller is further out of focus (default 1)')
    .addOption(new Option('--positions <kind>', 'scan pattern').choices(['raster', 'random']).default('raster'))
    .option('--step <px>', 'raster step (default N/4)')
    .option('--jitter <px>', 'raster position jitter, standard deviation (default 0)')
    .option('--no-noise', 'leave out the Poisson counting noise')
    .option('--no-compress', 'store the NPZ members uncompressed (faster to read)')
    .action(async (flags: SimulateFlags) => {
      let object: ObjectSpec;
      if (flags.object === 'png') {
        if (!flags.pngAmplitude)
          throw new CliError('--object png needs --png-amplitude <file> (and optionally --png-phase)');
        object = { kind: 'png', amplitude: flags.pngAmplitude, phase: flags.pngPhase };
      } else {
        object = { kind: flags.object };
      }
      const probe: ProbeSpec =
        flags.probe === 'disk'
          ? {
              kind: 'disk',
              radius: number('--probe-radius', flags.probeRadius, positive, 'a positive number'),
              fresnelNumber: number('--fresnel-number', flags.fresnelNumber, positive, 'a positive number'),
            }
          : { kind: 'default' };
      const positions: PositionSpec =
        flags.positions === 'raster'
          ? {
              kind: 'raster',
              step: number('--step', flags.step, positive, 'a positive number'),
              jitter: number('--jitter', flags.jitter, (value) => value >= 0, 'a number ≥ 0'),
            }
          : { kind: 'random' };
      const dataset = simulate({
        N: number('--N', flags.N, positiveInteger, 'a power of two ≥ 32')!,
        nImages: number('--n-images', flags.nImages, positiveInteger, 'a positive integer')!,
        nphotons: number('--nphotons', flags.nphotons, positive, 'a positive number'),
        seed: number('--seed', flags.seed, Number.isInteger, 'an integer'),
        objectSize: number('--object-size', flags.objectSize, positiveInteger, 'a positive integer'),
        object,
        probe,
        positions,
        noise: flags.noise,
      });
      await saveDataset(flags.output, dataset, { compress: flags.compress });
      const [M, N] = dataset.diffraction.shape;
      process.stdout.write(`wrote ${flags.output}: ${M} patterns ${N}×${N}; ${dataset.notes.join('; ')}\n`);
    });
}
