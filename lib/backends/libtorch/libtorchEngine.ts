// The LibTorch engine: the ptychopinn.node addon.
import { capabilities } from '../../capabilities';
import { addon } from '../../native';
import type { Availability, Engine, EngineModel, ModelSpec } from '../engine';
import { NativeEngineModel } from '../NativeEngineModel';
import { nativeModelConfig } from '../nativeModelConfig';

let warnedFallback = false;

export const libtorchEngine: Engine = {
  name: 'libtorch',
  availability(): Availability {
    try {
      addon();
      return { available: true };
    } catch (error) {
      return {
        available: false,
        missing: `the LibTorch addon does not load (${(error as Error).message.split('\n')[0]})`,
        install: 'run `ptychopinn doctor` for the cause and its fix',
      };
    }
  },
  createModel(spec: ModelSpec): EngineModel {
    const native = new (addon().binding.NativeModel)(nativeModelConfig(spec), spec.probe, spec.config.device);
    // A CPU-only build has nothing to fall back from: only a CUDA build without a
    // usable GPU deserves the warning.
    if (native.info.deviceFellBack && capabilities().cuda.compiled && !warnedFallback) {
      warnedFallback = true;
      process.emitWarning('device "auto": no usable CUDA device, running on the CPU', {
        code: 'PTYCHOPINN_CPU_FALLBACK',
      });
    }
    return new NativeEngineModel('libtorch', native);
  },
};
