// The LibTorch engine: the ptychopinn.node addon.
import { capabilities } from '../../capabilities';
import type { ReconstructorConfig } from '../../config/schema';
import { cpuHasBfloat16 } from '../../cpuFeatures';
import { addon } from '../../native';
import type { Availability, Engine, EngineModel, ModelSpec } from '../engine';
import { NativeEngineModel } from '../NativeEngineModel';
import { nativeModelConfig } from '../nativeModelConfig';

let warnedFallback = false;

/**
 * precision 'auto' is bfloat16 on a CPU with bfloat16 instructions, where it is
 * measured 1.5-2.4x faster (README, "Speed"); float32 elsewhere, GPUs included (not
 * measured on one).
 */
function usesBfloat16(config: ReconstructorConfig): boolean {
  if (config.precision !== 'auto') return config.precision === 'bfloat16';
  const onCpu = config.device === 'cpu' || (config.device === 'auto' && !capabilities().cuda.available);
  return onCpu && cpuHasBfloat16();
}

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
    const bfloat16 = usesBfloat16(spec.config);
    const native = new (addon().binding.NativeModel)(nativeModelConfig(spec, bfloat16), spec.probe, spec.config.device);
    // A CPU-only build has nothing to fall back from: only a CUDA build without a
    // usable GPU deserves the warning.
    if (native.info.deviceFellBack && capabilities().cuda.compiled && !warnedFallback) {
      warnedFallback = true;
      process.emitWarning('device "auto": no usable CUDA device, running on the CPU', {
        code: 'PTYCHOPINN_CPU_FALLBACK',
      });
    }
    return new NativeEngineModel('libtorch', native, bfloat16 ? 'bfloat16' : 'float32');
  },
};
