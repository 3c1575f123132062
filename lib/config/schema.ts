// The one configuration schema: PtychoPINN's field names with the defaults of its
// dataclasses (ptycho/config/config.py), not of the legacy params.cfg. Every value
// is validated here; configuration is passed explicitly, never held globally.
import type { AmpActivation, Weighting } from '../native/binding';

export type BackendName = 'libtorch' | 'tensorflow';
export type DeviceName = string; // 'cpu' | 'cuda' | 'cuda:N' | 'auto', checked below

export interface ReconstructorConfig {
  N: number;
  gridsize: number;
  n_filters_scale: number;
  amp_activation: AmpActivation;
  object_big: boolean;
  probe_big: boolean;
  pad_object: boolean;
  probe_scale: number;
  batch_size: number;
  nepochs: number;
  nll_weight: number;
  mae_weight: number;
  nphotons: number;
  n_groups: number;
  neighbor_count: number;
  intensity_scale_trainable: boolean;
  probe_trainable: boolean;
  training_patch_weighting: Weighting;
  backend: BackendName;
  learning_rate: number;
  validation_fraction: number;
  early_stopping_patience: number;
  /** Central M × M crop of each patch used for stitching (reference §7). */
  stitch_crop: number;
  /** Passes of physics refinement of the stitched object against the scan's own patterns; 0: the network's object as it is. */
  refine_iterations: number;
  /** Refine the probe together with the object (real data whose probe is only approximately known). */
  refine_probe: boolean;
  /** What the network's convolutions compute in; 'auto': bfloat16 on a CPU with bfloat16 instructions. (ours) */
  precision: 'auto' | 'float32' | 'bfloat16';
  seed: number;
  device: DeviceName;
}

type Field =
  | { kind: 'int'; min: number; max: number; powerOfTwo?: boolean }
  | { kind: 'number'; min: number; max: number; minExclusive?: boolean }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[]; aliases?: Readonly<Record<string, string>> }
  | { kind: 'device' };

const FIELDS: { [K in keyof ReconstructorConfig]: Field } = {
  N: { kind: 'int', min: 32, max: 1024, powerOfTwo: true },
  gridsize: { kind: 'int', min: 1, max: 8 },
  n_filters_scale: { kind: 'int', min: 1, max: 16 },
  amp_activation: { kind: 'enum', values: ['sigmoid', 'swish', 'softplus', 'relu'], aliases: { silu: 'swish' } },
  object_big: { kind: 'bool' },
  probe_big: { kind: 'bool' },
  pad_object: { kind: 'bool' },
  probe_scale: { kind: 'number', min: 0, max: 1e6, minExclusive: true },
  batch_size: { kind: 'int', min: 1, max: 65536 },
  nepochs: { kind: 'int', min: 0, max: 100000 },
  nll_weight: { kind: 'number', min: 0, max: 1e12 },
  mae_weight: { kind: 'number', min: 0, max: 1e12 },
  nphotons: { kind: 'number', min: 0, max: 1e30, minExclusive: true },
  n_groups: { kind: 'int', min: 1, max: 1e9 },
  neighbor_count: { kind: 'int', min: 1, max: 64 },
  intensity_scale_trainable: { kind: 'bool' },
  probe_trainable: { kind: 'bool' },
  training_patch_weighting: { kind: 'enum', values: ['probe', 'central_mask', 'uniform'] },
  backend: { kind: 'enum', values: ['libtorch', 'tensorflow'], aliases: { pytorch: 'libtorch', torch: 'libtorch' } },
  learning_rate: { kind: 'number', min: 0, max: 10, minExclusive: true },
  validation_fraction: { kind: 'number', min: 0, max: 0.9 },
  early_stopping_patience: { kind: 'int', min: 0, max: 100000 },
  stitch_crop: { kind: 'int', min: 2, max: 1024 },
  refine_iterations: { kind: 'int', min: 0, max: 100000 },
  refine_probe: { kind: 'bool' },
  precision: { kind: 'enum', values: ['auto', 'float32', 'bfloat16'] },
  seed: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  device: { kind: 'device' },
};

export const DEFAULT_CONFIG: Readonly<ReconstructorConfig> = Object.freeze({
  N: 64,
  gridsize: 1,
  n_filters_scale: 2,
  amp_activation: 'sigmoid',
  object_big: true,
  probe_big: true,
  pad_object: true,
  probe_scale: 4,
  batch_size: 16,
  nepochs: 50,
  nll_weight: 1,
  mae_weight: 0,
  nphotons: 1e9,
  n_groups: 512,
  neighbor_count: 4,
  intensity_scale_trainable: true,
  probe_trainable: false,
  training_patch_weighting: 'central_mask',
  backend: 'libtorch',
  learning_rate: 1e-3,
  validation_fraction: 0.05,
  early_stopping_patience: 0,
  stitch_crop: 20,
  // Measured (README, "Physics refinement"): 20 passes reach the Poisson noise floor
  // on the simulated demo scans; real scans keep improving to ~100 (tike's Siemens
  // star: R-factor 0.17 after 20, 0.12 after 50, 0.11 after 100).
  refine_iterations: 50,
  // A measured probe is only approximately known: refining it took the Siemens star's
  // R-factor from 0.28 to 0.12; with a simulation's exact probe it costs little
  // (amplitude SSIM 0.9998 → 0.9985 on the demo).
  refine_probe: true,
  precision: 'auto',
  seed: 0,
  device: 'auto',
});

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function isConfigField(key: string): key is keyof ReconstructorConfig {
  return Object.prototype.hasOwnProperty.call(FIELDS, key);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Checks and normalises one value (numbers from strings, enum aliases); throws ConfigError. */
export function coerceField<K extends keyof ReconstructorConfig>(
  key: K,
  raw: unknown,
  source: string,
): ReconstructorConfig[K] {
  const field = FIELDS[key];
  const bad = (expected: string) =>
    new ConfigError(key, `${key} = ${describe(raw)} (from ${source}) is invalid: expected ${expected}`);
  switch (field.kind) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw as ReconstructorConfig[K];
      if (raw === 'true' || raw === 'false') return (raw === 'true') as ReconstructorConfig[K];
      throw bad('true or false');
    }
    case 'int':
    case 'number': {
      const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      const range = `${field.kind === 'int' ? 'an integer' : 'a number'} in ${
        field.kind === 'number' && field.minExclusive ? '(' : '['
      }${field.min}, ${field.max}]`;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(range);
      if (field.kind === 'int' && !Number.isInteger(value)) throw bad(range);
      const belowMin = field.kind === 'number' && field.minExclusive ? value <= field.min : value < field.min;
      if (belowMin || value > field.max) throw bad(range);
      if (field.kind === 'int' && field.powerOfTwo && (value & (value - 1)) !== 0) {
        throw bad(`a power of two in [${field.min}, ${field.max}] (32, 64, 128, …)`);
      }
      return value as ReconstructorConfig[K];
    }
    case 'enum': {
      const value = typeof raw === 'string' ? (field.aliases?.[raw.toLowerCase()] ?? raw.toLowerCase()) : raw;
      if (typeof value !== 'string' || !field.values.includes(value)) {
        const aliases = field.aliases ? ` (aliases: ${Object.keys(field.aliases).join(', ')})` : '';
        throw bad(`one of ${field.values.join(', ')}${aliases}`);
      }
      return value as ReconstructorConfig[K];
    }
    case 'device': {
      if (typeof raw !== 'string' || !/^(cpu|auto|cuda(:\d+)?)$/.test(raw)) throw bad('cpu, cuda, cuda:N or auto');
      return raw as ReconstructorConfig[K];
    }
  }
}

/** Cross-field rules, after every value is in range. */
export function validateConfig(config: ReconstructorConfig): ReconstructorConfig {
  if (config.gridsize > 1 && !config.object_big) {
    throw new ConfigError('gridsize', `gridsize = ${config.gridsize} needs object_big = true`);
  }
  // A group picks its C = gridsize² members among the K nearest neighbours (reference §7).
  if (config.gridsize > 1 && config.neighbor_count < config.gridsize ** 2) {
    throw new ConfigError(
      'neighbor_count',
      `neighbor_count = ${config.neighbor_count} is too small for gridsize ${config.gridsize}: groups of ${config.gridsize ** 2} need K ≥ ${config.gridsize ** 2}`,
    );
  }
  if (config.stitch_crop > config.N || (config.N - config.stitch_crop) % 2 !== 0) {
    throw new ConfigError(
      'stitch_crop',
      `stitch_crop = ${config.stitch_crop} must be at most N = ${config.N} and differ from it by an even number`,
    );
  }
  if (config.nll_weight === 0 && config.mae_weight === 0) {
    throw new ConfigError('nll_weight', 'nll_weight and mae_weight are both 0: nothing to train on');
  }
  return config;
}

/** The learning-rate schedule of reference §6: reduce on plateau ×0.5 after 2 epochs, floor 1e-4. */
export const PLATEAU_SCHEDULE = Object.freeze({ patience: 2, factor: 0.5, minLearningRate: 1e-4 });

/** N as the schema checks it (a power of two in [32, 1024]), for callers outside a configuration. */
export function checkPatternSizeN(N: unknown, source: string): number {
  return coerceField('N', N, source);
}
