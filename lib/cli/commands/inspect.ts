import type { Command } from 'commander';

import { readManifest } from '../../bundle/bundle';
import { printJson } from '../terminal';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('print the manifest of a model bundle (model.ptpinn)')
    .argument('<model.ptpinn>')
    .action(async (file: string) => {
      printJson(await readManifest(file));
    });
}
