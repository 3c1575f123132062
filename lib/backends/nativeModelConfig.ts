// The schema's fields under the addons' names: both engines' NativeModel take the
// same complete object, so the addons ask nothing twice.
import type { ReconstructorConfig } from '../config/schema';
import type { NativeModelConfig } from '../native/binding';
import type { ModelSpec } from './engine';

/** `bfloat16`: the precision the engine resolved `config.precision` to. */
export function nativeModelConfig(spec: ModelSpec, bfloat16: boolean): Required<NativeModelConfig> {
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
    bfloat16,
  };
}
