// The TensorFlow engine: the ptychopinn_tf.node addon over the TensorFlow C API,
// built where TensorFlow was found. When it does not load, the engine is
// unavailable and says why (the loader's file, cause and fix).
import { ConfigError } from '../../config/schema';
import { tensorflowAddon } from '../../native';
import type { TensorFlowBinding } from '../../native/binding';
import { AddonLoadError, type LoadedAddon } from '../../native/loader';
import type { Availability, Engine, EngineModel, ModelSpec } from '../engine';
import { NativeEngineModel } from '../NativeEngineModel';
import { nativeModelConfig } from '../nativeModelConfig';

/** The engine over the addon `load` returns (the package's own by default; tests point it elsewhere). */
export function tensorflowEngineFrom(load: () => LoadedAddon<TensorFlowBinding>): Engine {
  return {
    name: 'tensorflow',
    availability(): Availability {
      try {
        load();
        return { available: true };
      } catch (error) {
        if (!(error instanceof AddonLoadError)) throw error;
        return {
          available: false,
          missing: `the TensorFlow addon does not load: ${error.summary}`,
          install: error.fix,
        };
      }
    },
    createModel(spec: ModelSpec): EngineModel {
      const { binding } = load();
      if (spec.config.precision === 'bfloat16') {
        throw new ConfigError(
          'precision',
          "precision 'bfloat16' is the LibTorch engine's; the TensorFlow engine computes in float32 (use 'auto' or 'float32')",
        );
      }
      const native = new binding.NativeModel(nativeModelConfig(spec, false), spec.probe, spec.config.device);
      return new NativeEngineModel('tensorflow', native, 'float32');
    },
  };
}

export const tensorflowEngine: Engine = tensorflowEngineFrom(tensorflowAddon);
