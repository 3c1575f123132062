// Configuration flags shared by commands: kebab-case on the command line,
// PtychoPINN's field names in the schema (`--N` keeps its name).
import { type Command, Option } from 'commander';

import type { ReconstructorConfig } from '../config/schema';
import type { DatasetOptions } from '../data/contract';
import type { InputKind } from '../data/dataset';
import { CliError } from './terminal';

const FLAGS: [flag: string, field: keyof ReconstructorConfig, help: string][] = [
  ['--N <n>', 'N', 'pattern size (power of two ≥ 32)'],
  ['--gridsize <g>', 'gridsize', 'patterns per group side (C = g²)'],
  ['--n-filters-scale <s>', 'n_filters_scale', 'network width multiplier'],
  ['--nepochs <e>', 'nepochs', 'training epochs'],
  ['--batch-size <b>', 'batch_size', 'groups per training batch'],
  ['--n-groups <n>', 'n_groups', 'training groups drawn from the scan'],
  ['--nphotons <n>', 'nphotons', 'mean photons per pattern (when the data does not say)'],
  ['--learning-rate <lr>', 'learning_rate', 'Adam learning rate'],
  ['--seed <s>', 'seed', 'seed of initialisation, grouping, split and shuffles'],
  ['--device <d>', 'device', 'auto | cpu | cuda | cuda:N'],
  ['--backend <b>', 'backend', 'libtorch (default; aliases pytorch, torch) | tensorflow'],
];

/** commander's camelCase attribute for a flag such as --n-filters-scale. */
function attribute(flag: string): string {
  const name = flag.split(' ')[0].replace(/^--/, '');
  return name === 'N' ? 'N' : name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function addConfigFlags(command: Command, fields?: (keyof ReconstructorConfig)[]): Command {
  command.option('--config <file>', 'JSON or YAML configuration (PtychoPINN YAML configs work)');
  for (const [flag, field, help] of FLAGS) {
    if (!fields || fields.includes(field)) command.option(flag, help);
  }
  return command;
}

export function configOverrides(options: Record<string, unknown>): Partial<Record<keyof ReconstructorConfig, unknown>> {
  const overrides: Partial<Record<keyof ReconstructorConfig, unknown>> = {};
  for (const [flag, field] of FLAGS) {
    const value = options[attribute(flag)];
    if (value !== undefined) overrides[field] = value;
  }
  return overrides;
}

export interface DatasetFlags {
  inputKind?: InputKind;
  cropTo?: string;
  bin?: string;
}

/** How to read the diffraction of the dataset files: `--input-kind`, `--crop-to`, `--bin`. */
export function addDatasetFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--input-kind <kind>', 'what the diffraction numbers are, when not plain amplitudes').choices([
        'amplitude',
        'intensity',
        'counts',
      ]),
    )
    .option('--crop-to <pixels>', 'centre-crop detector frames to this size first (frames larger than N)')
    .option('--bin <factor>', 'then sum factor × factor blocks of intensity into one pixel');
}

export function datasetOptions(flags: DatasetFlags): DatasetOptions {
  return {
    inputKind: flags.inputKind,
    cropTo: positiveInteger('--crop-to', flags.cropTo),
    bin: positiveInteger('--bin', flags.bin),
  };
}

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new CliError(`${flag}: expected a positive integer, got '${raw}'`);
  return value;
}

export interface RefineFlags {
  refineIterations?: string;
  refineProbe?: boolean;
}

/** Physics refinement after the network (`--refine-iterations`, `--refine-probe`). */
export function addRefineFlags(command: Command): Command {
  return command
    .option(
      '--refine-iterations <n>',
      "passes of physics refinement against the scan (0: the network alone; default: the model's refine_iterations, 50)",
    )
    .option(
      '--refine-probe',
      "refine the probe together with the object (an approximately known probe; the model's refine_probe is on by default)",
    );
}

/** The refinement the flags ask for; undefined keeps the model's configuration. */
export function refineOptions(flags: RefineFlags): { iterations?: number; refineProbe?: boolean } | undefined {
  if (flags.refineIterations === undefined && !flags.refineProbe) return undefined;
  const iterations = flags.refineIterations === undefined ? undefined : Number(flags.refineIterations);
  if (iterations !== undefined && !(Number.isInteger(iterations) && iterations >= 0)) {
    throw new CliError(`--refine-iterations: expected a non-negative integer, got '${flags.refineIterations}'`);
  }
  return { ...(iterations === undefined ? {} : { iterations }), ...(flags.refineProbe ? { refineProbe: true } : {}) };
}

export function addOutputFlags(command: Command): Command {
  return command.option('--json', 'progress and results as JSON lines').option('--quiet', 'print nothing but errors');
}
