// What a bundle's manifest records about a model, assembled in one place.
import type { ManifestFields, TrainingSummary } from '../bundle/bundle';
import { capabilities, engineVersion } from '../capabilities';
import type { BackendName, ReconstructorConfig } from '../config/schema';
import type { ImportSource } from '../interop/importedModel';
import type { StateDict } from '../native/binding';
import { packageVersion } from '../packageInfo';

export function manifestFields(
  config: ReconstructorConfig,
  inputScale: number,
  state: StateDict,
  training: TrainingSummary | null,
  trainedBy: BackendName,
  importedFrom?: ImportSource,
): ManifestFields {
  return {
    backend: trainedBy,
    savedBy: { backend: config.backend, version: engineVersion(config.backend) },
    packageVersion,
    libtorchVersion: capabilities().libtorch.version,
    config,
    N: config.N,
    gridsize: config.gridsize,
    inputScale,
    // From the state being written, so a checkpoint records its own epoch's scale.
    intensityScale: Math.exp(state.log_scale.data[0]),
    probe: { tensor: 'probe', shape: [config.N, config.N], layout: 'real-imag' },
    training,
    ...(importedFrom ? { importedFrom } : {}),
  };
}
