import { type Command, Option } from 'commander';

import { readForwardCase, runForwardCase, writeForwardResult } from '../../physics/forwardCase';
import type { Weighting } from '../../native/binding';
import { CliError } from '../terminal';

interface ForwardFlags {
  output: string;
  objectBig?: boolean;
  weighting: Weighting;
  paddedSize?: string;
}

export function registerForward(program: Command): void {
  program
    .command('forward')
    .description('run the physics forward model on object patches (the parity-fixture layout) and write the intensity')
    .argument(
      '<in.npz>',
      'x_real, x_imag (B, C, N, N), positions (B, C[, 1], 2), probe_real, probe_imag, scale, optional I_raw',
    )
    .requiredOption('-o, --output <out.npz>', 'writes intensity (B, C, N, N) float32 and, with I_raw, poisson_nll')
    .option('--object-big', 'merge the group and extract each patch again (the overlap constraint), for any C')
    .addOption(
      new Option('--weighting <kind>', 'merge weighting')
        .choices(['probe', 'central_mask', 'uniform'])
        .default('central_mask'),
    )
    .option('--padded-size <P>', 'padded merge size (default: N + (g − 1)·4 + 10)')
    .action(async (input: string, flags: ForwardFlags) => {
      const paddedSize = flags.paddedSize === undefined ? undefined : Number(flags.paddedSize);
      if (paddedSize !== undefined && !(Number.isInteger(paddedSize) && paddedSize > 0)) {
        throw new CliError(`--padded-size: expected a positive integer, got '${flags.paddedSize}'`);
      }
      const forwardCase = await readForwardCase(input);
      const result = runForwardCase(forwardCase, {
        objectBig: !!flags.objectBig,
        weighting: flags.weighting,
        paddedSize,
      });
      await writeForwardResult(flags.output, result);
      const loss = result.poissonNll === undefined ? '' : `; poisson_nll = ${result.poissonNll}`;
      process.stdout.write(`wrote ${flags.output}: intensity ${JSON.stringify(result.intensity.shape)}${loss}\n`);
    });
}
