// The manifest fields of a small untrained model, for tests that write bundles.
import type { ManifestFields } from '../../lib/bundle/bundle';
import type { ReconstructorConfig } from '../../lib/config/schema';

export function manifestFields(config: ReconstructorConfig, intensityScale = 10): ManifestFields {
  const { N, gridsize } = config;
  return {
    backend: 'libtorch',
    packageVersion: '0.1.0',
    libtorchVersion: '1.13.0',
    config,
    N,
    gridsize,
    inputScale: 10,
    intensityScale,
    probe: { tensor: 'probe', shape: [N, N], layout: 'real-imag' },
    training: null,
  };
}
