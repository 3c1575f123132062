// CLI entry: one file per command under ./commands, wired here.
import { Command, CommanderError } from 'commander';

import { packageVersion } from '../packageInfo';
import { registerDemo } from './commands/demo';
import { registerDoctor } from './commands/doctor';
import { registerEvaluate } from './commands/evaluate';
import { registerForward } from './commands/forward';
import { registerInfer } from './commands/infer';
import { registerInfo } from './commands/info';
import { registerImport } from './commands/import';
import { registerInspect } from './commands/inspect';
import { registerTrain } from './commands/train';
import { registerSimulate } from './commands/simulate';
import { CliError } from './terminal';

export function buildProgram(): Command {
  const program = new Command('ptychopinn')
    .description('PtychoPINN ptychographic reconstruction on LibTorch')
    .version(packageVersion)
    .showHelpAfterError()
    .exitOverride();
  registerInfo(program);
  registerDoctor(program);
  registerForward(program);
  registerInspect(program);
  registerImport(program);
  registerTrain(program);
  registerInfer(program);
  registerEvaluate(program);
  registerSimulate(program);
  registerDemo(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors are printed, never thrown. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`ptychopinn: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`ptychopinn: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
