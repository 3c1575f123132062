// One training run's settings, from the configuration: the only place the workflow
// turns configuration fields into what an engine's trainer takes.
import type { DistributedSettings, TrainingSettings } from './engine';
import type { DistributedEnvironment } from '../config/env';
import { PLATEAU_SCHEDULE, type ReconstructorConfig } from '../config/schema';

/**
 * How long a rank waits for the others to join and in each collective before it
 * reports the one that hangs. A rank that dies is reported sooner (its heartbeat stops).
 */
export const DISTRIBUTED_TIMEOUT_SECONDS = 120;

function distributedSettings(environment: DistributedEnvironment | undefined): DistributedSettings {
  if (!environment) {
    return {
      worldSize: 1,
      rank: 0,
      masterAddress: '',
      masterPort: 0,
      launcherHostsStore: false,
      storePrefix: '',
      timeoutSeconds: DISTRIBUTED_TIMEOUT_SECONDS,
      socketInterface: '',
    };
  }
  return {
    worldSize: environment.worldSize,
    rank: environment.rank,
    masterAddress: environment.masterAddress,
    masterPort: environment.masterPort,
    launcherHostsStore: environment.launcherHostsStore,
    // The prefix PyTorch's own ranks use in torchrun's store, so attempts never mix.
    storePrefix: environment.launcherHostsStore ? `/worker/attempt_${environment.restartCount}` : '',
    timeoutSeconds: environment.timeoutSeconds ?? DISTRIBUTED_TIMEOUT_SECONDS,
    socketInterface: environment.socketInterface ?? '',
  };
}

export function trainingSettings(
  config: ReconstructorConfig,
  run: { hasValidationData: boolean; checkpointEvery: number; distributed?: DistributedEnvironment },
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
    distributed: distributedSettings(run.distributed),
  };
}
