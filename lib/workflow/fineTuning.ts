// Opening a trained model fixes its architecture; only these training (and
// reconstruction) settings may differ from the ones it was trained with.
import type { ReconstructorConfig } from '../config/schema';

/** What fine-tuning and reconstruction may change; every other field comes from the bundle. */
export const ADJUSTABLE_FIELDS = [
  'nepochs',
  'batch_size',
  'learning_rate',
  'n_groups',
  'seed',
  'validation_fraction',
  'early_stopping_patience',
  'stitch_crop',
  'refine_iterations',
  'refine_probe',
  'precision',
  'device',
] as const satisfies readonly (keyof ReconstructorConfig)[];

/** The bundle's configuration with the adjustable fields of `changes` applied. */
export function adjustedConfig(
  trained: ReconstructorConfig,
  changes: Partial<ReconstructorConfig> = {},
): ReconstructorConfig {
  const adjusted: Partial<ReconstructorConfig> = {};
  for (const key of ADJUSTABLE_FIELDS) {
    if (changes[key] !== undefined) (adjusted as Record<string, unknown>)[key] = changes[key];
  }
  return { ...trained, ...adjusted };
}
