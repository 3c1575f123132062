// Builds a ReconstructorConfig from, in rising precedence: the defaults, a JSON or
// YAML file (PtychoPINN's YAML configs included), the environment, and explicit
// overrides (CLI flags). Keys that PtychoPINN uses but we do not are reported,
// never fatal; legacy names with a meaning here are mapped.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

import { readEnvironment } from './env';
import {
  coerceField,
  ConfigError,
  DEFAULT_CONFIG,
  isConfigField,
  type ReconstructorConfig,
  validateConfig,
} from './schema';

/** PtychoPINN names (legacy or of its other tools) that mean one of our fields. */
const ALIASES: Readonly<Record<string, keyof ReconstructorConfig>> = {
  n_images: 'n_groups',
  stitch_crop_size: 'stitch_crop',
  M: 'stitch_crop',
  K: 'neighbor_count',
  epochs: 'nepochs',
};

/** Sections of PtychoPINN's nested YAML configs, flattened into one namespace. */
const SECTIONS = new Set(['model', 'training', 'inference', 'data']);

export interface LoadedConfig {
  config: ReconstructorConfig;
  /** Human-readable notes: mapped and ignored keys. */
  notes: string[];
  /** The fields a file, the environment or an override set; the rest are defaults. */
  stated: ReadonlySet<keyof ReconstructorConfig>;
}

export interface LoadConfigOptions {
  /** A .json, .yaml or .yml file. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Highest precedence, e.g. from CLI flags; undefined values are skipped. */
  overrides?: Partial<Record<keyof ReconstructorConfig, unknown>>;
}

function parseFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config', `cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new ConfigError(
      'config',
      `${file} is not valid ${path.extname(file).slice(1) || 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('config', `${file}: expected a mapping of field names to values`);
  }
  return parsed as Record<string, unknown>;
}

function applyEntries(
  config: ReconstructorConfig,
  entries: Record<string, unknown>,
  source: string,
  notes: string[],
  stated: Set<keyof ReconstructorConfig>,
): void {
  for (const [key, value] of Object.entries(entries)) {
    if (SECTIONS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      applyEntries(config, value as Record<string, unknown>, `${source} [${key}]`, notes, stated);
      continue;
    }
    const target = isConfigField(key) ? key : ALIASES[key];
    if (!target) {
      notes.push(`${source}: '${key}' is not used by ptychopinn; ignored`);
      continue;
    }
    if (target !== key) notes.push(`${source}: '${key}' read as '${target}'`);
    (config as unknown as Record<string, unknown>)[target] = coerceField(target, value, source);
    stated.add(target);
  }
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const config: ReconstructorConfig = { ...DEFAULT_CONFIG };
  const notes: string[] = [];
  const stated = new Set<keyof ReconstructorConfig>();
  if (options.file) applyEntries(config, parseFile(options.file), options.file, notes, stated);
  const env = readEnvironment(options.env);
  const fromEnv: Record<string, unknown> = {};
  if (env.device !== undefined) fromEnv.device = env.device;
  if (env.backend !== undefined) fromEnv.backend = env.backend;
  applyEntries(config, fromEnv, 'environment', notes, stated);
  const overrides = Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, v]) => v !== undefined));
  applyEntries(config, overrides, 'command line', notes, stated);
  return { config: validateConfig(config), notes, stated };
}
