// The LibTorch engine's model: the addon's NativeModel (a PtychoPINN module on a
// device), given a complete native configuration built from the validated schema.
import { capabilities } from '../../capabilities';
import type { ReconstructorConfig } from '../../config/schema';
import { addon } from '../../native';
import type { JsTensor, NativeModel, NativeModelConfig, StateDict, TrainResult } from '../../native/binding';
import { withCallerStack } from '../../native/callerStack';
import type { EngineModel, ModelInfo, ModelSpec, TrainCall, TrainingData } from '../engine';

let warnedFallback = false;

/** The schema's fields under the addon's names: every field, so the addon asks nothing twice. */
export function nativeModelConfig(spec: ModelSpec): Required<NativeModelConfig> {
  const config: ReconstructorConfig = spec.config;
  return {
    N: config.N,
    gridsize: config.gridsize,
    nFiltersScale: config.n_filters_scale,
    objectBig: config.object_big,
    probeBig: config.probe_big,
    padObject: config.pad_object,
    ampActivation: config.amp_activation,
    intensityScaleTrainable: config.intensity_scale_trainable,
    probeTrainable: config.probe_trainable,
    intensityScale: spec.inputScale,
    nllWeight: config.nll_weight,
    maeWeight: config.mae_weight,
    trainingPatchWeighting: config.training_patch_weighting,
    paddedSize: 0,
    seed: config.seed,
    translation: spec.translation ?? 'kernels',
  };
}

export class LibTorchModel implements EngineModel {
  readonly engine = 'libtorch' as const;
  private readonly native: NativeModel;

  constructor(spec: ModelSpec) {
    this.native = new (addon().binding.NativeModel)(nativeModelConfig(spec), spec.probe, spec.config.device);
    // A CPU-only build has nothing to fall back from: only a CUDA build without a
    // usable GPU deserves the warning.
    if (this.native.info.deviceFellBack && capabilities().cuda.compiled && !warnedFallback) {
      warnedFallback = true;
      process.emitWarning('device "auto": no usable CUDA device, running on the CPU', {
        code: 'PTYCHOPINN_CPU_FALLBACK',
      });
    }
  }

  get info(): ModelInfo {
    const { device, parameterCount, training, intensityScale } = this.native.info;
    return { device, parameterCount, training, intensityScale };
  }

  async train(data: TrainingData, call: TrainCall): Promise<TrainResult> {
    const { signal, onProgress, settings } = call;
    signal?.throwIfAborted();
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

  dispose(): void {
    this.native.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
