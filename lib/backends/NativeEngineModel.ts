// An engine's model over its addon's NativeModel: both addons implement the same
// native contract (lib/native/binding.ts), so one class serves both engines.
import type { JsTensor, LossAndGradients, NativeBatch, NativeModel, StateDict, TrainResult } from '../native/binding';
import { withCallerStack } from '../native/callerStack';
import type { EngineModel, ModelInfo, TrainCall, TrainingData } from './engine';

export class NativeEngineModel implements EngineModel {
  constructor(
    readonly engine: EngineModel['engine'],
    private readonly native: NativeModel,
    private readonly precision: ModelInfo['precision'],
  ) {}

  get info(): ModelInfo {
    const { device, parameterCount, training, intensityScale } = this.native.info;
    return { device, parameterCount, training, intensityScale, precision: this.precision };
  }

  async train(data: TrainingData, call: TrainCall): Promise<TrainResult> {
    const { signal, onProgress, settings } = call;
    signal?.throwIfAborted();
    // Only LibTorch's trainer joins a data-parallel run (c10d); another would train alone, unnoticed.
    if (settings.distributed.worldSize > 1 && this.engine !== 'libtorch') {
      throw new Error(
        `the ${this.engine} engine trains in one process only (WORLD_SIZE=${settings.distributed.worldSize}); ` +
          'data-parallel training needs the libtorch engine',
      );
    }
    const abort = () => this.native.abortTraining();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await withCallerStack(
        this.native.train(data, settings, (event) => onProgress?.(event)),
        new Error('train'),
      );
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  infer(amplitudes: JsTensor, options: { batchSize?: number } = {}): Promise<JsTensor> {
    return withCallerStack(this.native.infer(amplitudes, options), new Error('infer'));
  }

  stateDict(): StateDict {
    return this.native.stateDict();
  }

  loadStateDict(state: StateDict): void {
    this.native.loadStateDict(state);
  }

  lossAndGradients(batch: NativeBatch): LossAndGradients {
    return this.native.lossAndGradients(batch);
  }

  dispose(): void {
    this.native.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
