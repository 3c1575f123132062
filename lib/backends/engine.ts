// The engine interface: what the reconstructor workflow asks of a backend (LibTorch
// or TensorFlow) without knowing which one it holds. Every engine builds the
// same model (reference §6) from the same validated configuration, trains it on a
// thread of its own with the same progress events, and infers asynchronously.
import type { ReconstructorConfig } from '../config/schema';
import type {
  JsTensor,
  LossAndGradients,
  NativeBatch,
  NativeDistributedOptions,
  NativeTrainData,
  StateDict,
  TrainEvent,
  TrainResult,
  Translation,
} from '../native/binding';

export type { StateDict, TrainEvent, TrainResult } from '../native/binding';

export type Availability = { available: true } | { available: false; missing: string; install: string };

/** Normalised amplitudes X (G, C, N, N), relative positions (G, C, 2) and optional validation groups. */
export type TrainingData = NativeTrainData;

export interface ModelSpec {
  /** A configuration the schema validated: the engine maps it onto its own model. */
  config: ReconstructorConfig;
  /** (N, N) complex64, normalised (reference §5). */
  probe: JsTensor;
  /** s = sqrt(nphotons) / (N/2), the scale the model's input is built for. */
  inputScale: number;
  /** How shifts are computed: the engine's own kernels (default) or its baseline. */
  translation?: Translation;
}

/** Everything one training run needs; the workflow fills it from the configuration. */
export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Fraction held out for validation when no validation data is given (0: none). */
  validationFraction: number;
  /** Reduce-on-plateau of the learning rate (reference §6). */
  plateauPatience: number;
  plateauFactor: number;
  minLearningRate: number;
  /** Stop after this many epochs without improvement; 0: never. */
  earlyStoppingPatience: number;
  /** Hand out a state dict every this many epochs (always on abort); 0: only on abort. */
  checkpointEvery: number;
  /** Seed of the validation split and the shuffles. */
  seed: number;
  /** This process's place in a data-parallel run (a world of one: training alone). */
  distributed: DistributedSettings;
}

/**
 * Data parallelism: each rank trains its piece of every batch and steps with the
 * gradients averaged over all ranks; they meet at a c10d store that rank 0 (or the
 * launcher) hosts.
 */
export type DistributedSettings = NativeDistributedOptions;

export interface TrainCall {
  settings: TrainingSettings;
  /** Aborts within one batch: train() then resolves with the history so far and aborted: true. */
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void;
}

export interface ModelInfo {
  /** Where the weights live ('cpu', 'cuda:0', …). */
  device: string;
  parameterCount: number;
  training: boolean;
  /** exp(log_scale): the intensity scale as trained. */
  intensityScale: number;
  /** What the network's convolutions compute in. */
  precision: 'float32' | 'bfloat16';
}

export interface EngineModel extends Disposable {
  readonly engine: ReconstructorConfig['backend'];
  readonly info: ModelInfo;
  train(data: TrainingData, call: TrainCall): Promise<TrainResult>;
  /** Object patches (M, C_out, N, N) complex64 for normalised amplitudes (M, C, N, N). */
  infer(amplitudes: JsTensor, options?: { batchSize?: number }): Promise<JsTensor>;
  stateDict(): StateDict;
  loadStateDict(state: StateDict): void;
  /** Diagnostic (tests compare engines with it): the loss of one batch and its gradients, no optimiser step. */
  lossAndGradients(batch: NativeBatch): LossAndGradients;
  /** Frees the weights now rather than at garbage collection. */
  dispose(): void;
}

export interface Engine {
  readonly name: ReconstructorConfig['backend'];
  availability(): Availability;
  createModel(spec: ModelSpec): EngineModel;
}
