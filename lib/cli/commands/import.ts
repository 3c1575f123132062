import type { Command } from 'commander';

import { Reconstructor } from '../../workflow/Reconstructor';
import { printJson } from '../terminal';

interface ImportFlags {
  output: string;
  probe?: string;
  backend?: string;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      "convert a model trained by PtychoPINN (TensorFlow wts.h5.zip, or Lightning .ckpt) into a model.ptpinn; the file's code is never run",
    )
    .argument('<model>', 'wts.h5.zip (ptycho.model_manager.save) or a Lightning .ckpt')
    .requiredOption('-o, --output <model.ptpinn>', 'the bundle to write')
    .option('--probe <data.npz>', "a dataset with the model's probeGuess (a .ckpt holds no probe)")
    .option(
      '--backend <engine>',
      'the engine that checks the weights load: libtorch or tensorflow (either opens the result)',
    )
    .action(async (file: string, flags: ImportFlags) => {
      using model = await Reconstructor.importModel(file, { probe: flags.probe, backend: flags.backend });
      const manifest = await model.saveModel(flags.output);
      printJson({
        output: flags.output,
        importedFrom: manifest.importedFrom,
        N: manifest.N,
        gridsize: manifest.gridsize,
      });
    });
}
