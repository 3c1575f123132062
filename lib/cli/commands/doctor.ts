import type { Command } from 'commander';

import { diagnose } from '../../diagnostics';
import { printJson } from '../terminal';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the installation and explain each problem found')
    .option('--json', 'print machine-readable JSON')
    .action((options: { json?: boolean }) => {
      const findings = diagnose();
      const problems = findings.filter((f) => !f.ok);
      if (options.json) {
        printJson({ ok: problems.length === 0, findings });
      } else {
        for (const f of findings) {
          process.stdout.write(`${f.ok ? 'ok     ' : 'PROBLEM'}  ${f.check}: ${f.detail}\n`);
          if (f.fix) process.stdout.write(`         fix: ${f.fix.split('\n').join('\n              ')}\n`);
        }
        process.stdout.write(problems.length === 0 ? 'No problems found.\n' : `${problems.length} problem(s) found.\n`);
      }
      process.exitCode = problems.length === 0 ? 0 : 1;
    });
}
