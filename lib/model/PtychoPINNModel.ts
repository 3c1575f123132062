// A PtychoPINN network on a device: training with progress and AbortSignal,
// async inference, state dicts in and out.
import { capabilities } from '../capabilities';
import { addon } from '../native';
import type {
  JsTensor,
  NativeModel,
  NativeModelConfig,
  NativeModelInfo,
  NativeTrainData,
  NativeTrainOptions,
  StateDict,
  TrainEvent,
  TrainResult,
} from '../native/binding';

export type Device = 'cpu' | 'cuda' | `cuda:${number}` | 'auto';

export interface TrainCallOptions extends NativeTrainOptions {
  /** Aborts within one batch; train() then resolves with the history so far and aborted: true. */
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void;
}

let warnedFallback = false;

export class PtychoPINNModel {
  private readonly native: NativeModel;

  /** probe: (N, N) complex64, already normalised (reference §5). */
  constructor(config: NativeModelConfig, probe: JsTensor, device: Device = 'cpu') {
    this.native = new (addon().binding.Model)(config, probe, device);
    // A CPU-only build has nothing to fall back from: only a CUDA build without a
    // usable GPU deserves the warning.
    if (this.native.info.deviceFellBack && capabilities().cuda.compiled && !warnedFallback) {
      warnedFallback = true;
      process.emitWarning('device "auto": no usable CUDA device, running on the CPU', {
        code: 'PTYCHOPINN_CPU_FALLBACK',
      });
    }
  }

  get info(): NativeModelInfo {
    return this.native.info;
  }

  async train(data: NativeTrainData, options: TrainCallOptions = {}): Promise<TrainResult> {
    const { signal, onProgress, ...trainOptions } = options;
    signal?.throwIfAborted();
    const abort = () => this.native.abortTraining();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await this.native.train(data, trainOptions, (event) => onProgress?.(event));
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** Object patches (M, C_out, N, N) complex64 for normalised amplitudes (M, C, N, N). */
  infer(amplitudes: JsTensor, options: { batchSize?: number } = {}): Promise<JsTensor> {
    return this.native.infer(amplitudes, options);
  }

  stateDict(): StateDict {
    return this.native.stateDict();
  }

  loadStateDict(state: StateDict): void {
    this.native.loadStateDict(state);
  }

  /** Frees the native weights now. */
  dispose(): void {
    this.native.dispose();
  }
}
