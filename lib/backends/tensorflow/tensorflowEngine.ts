// The TensorFlow engine: the ptychopinn_tf.node addon over the TensorFlow C API,
// built where TensorFlow was found. When it does not load, the engine is
// unavailable and says why (the loader's file, cause and fix).
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
      const native = new (load().binding.NativeModel)(nativeModelConfig(spec), spec.probe, spec.config.device);
      return new NativeEngineModel('tensorflow', native);
    },
  };
}

export const tensorflowEngine: Engine = tensorflowEngineFrom(tensorflowAddon);
