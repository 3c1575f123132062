// A model and training settings straight from configuration fields (validated over
// the defaults, no environment), for benchmarks, checks and tests that drive an
// engine without the reconstructor workflow around it.
import { loadConfig } from '../config/load';
import { DEFAULT_CONFIG, type ReconstructorConfig } from '../config/schema';
import type { JsTensor, Translation } from '../native/binding';
import { trainingSettings } from './trainingSettings';
import type { EngineModel, TrainingSettings } from './engine';
import { requireBackend } from './registry';

export function modelFromFields(
  fields: Partial<ReconstructorConfig>,
  probe: JsTensor,
  options: { inputScale?: number; translation?: Translation } = {},
): EngineModel {
  const { config } = loadConfig({ env: {}, overrides: fields });
  return requireBackend(config.backend).createModel({ config, probe, inputScale: options.inputScale ?? 1, ...options });
}

/** The defaults' training settings without a validation split, with `changes`. */
export function settingsFromDefaults(changes: Partial<TrainingSettings> = {}): TrainingSettings {
  return {
    ...trainingSettings(DEFAULT_CONFIG, { hasValidationData: false, checkpointEvery: 0 }),
    validationFraction: 0,
    ...changes,
  };
}
