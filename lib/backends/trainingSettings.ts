// One training run's settings, from the configuration: the only place the workflow
// turns configuration fields into what an engine's trainer takes.
import type { TrainingSettings } from './engine';
import { PLATEAU_SCHEDULE, type ReconstructorConfig } from '../config/schema';

export function trainingSettings(
  config: ReconstructorConfig,
  run: { hasValidationData: boolean; checkpointEvery: number },
): TrainingSettings {
  return {
    epochs: config.nepochs,
    batchSize: config.batch_size,
    learningRate: config.learning_rate,
    // Explicit validation data replaces the held-out fraction.
    validationFraction: run.hasValidationData ? 0 : config.validation_fraction,
    plateauPatience: PLATEAU_SCHEDULE.patience,
    plateauFactor: PLATEAU_SCHEDULE.factor,
    minLearningRate: PLATEAU_SCHEDULE.minLearningRate,
    earlyStoppingPatience: config.early_stopping_patience,
    checkpointEvery: run.checkpointEvery,
    seed: config.seed,
  };
}
