// Turns a dataset into what the network takes: normalised amplitudes gathered into
// groups (G, C, N, N) and model positions (G, C, 2) (reference §5, §7).
import type { ReconstructorConfig } from '../config/schema';
import { patternCount, patternSize, type PtychoDataset } from '../data/dataset';
import { groupPositions, type Groups } from '../data/grouping';
import { diffractionScaleFactor } from '../data/normalize';
import type { JsTensor } from '../native/binding';

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export interface PreparedGroups {
  groups: Groups;
  /** Scale f with mean Σ (f·X)² = (N/2)² over this dataset's patterns. */
  normalization: number;
}

export function checkPatternSize(dataset: PtychoDataset, config: ReconstructorConfig, what: string): void {
  const N = patternSize(dataset);
  if (N !== config.N) {
    // A trained model's N is fixed; a model about to be trained can take the data's N.
    const remedy = what === 'reconstruction data' ? `use a model trained at N = ${N}` : `set N = ${N}`;
    throw new WorkflowError(
      `${what}: patterns are ${N}×${N} but the model's N is ${config.N}; ${remedy}, or crop/bin the data to ${config.N} (dataset options cropTo, bin; CLI --crop-to, --bin)`,
    );
  }
}

/**
 * Groups for training (n_groups of them, seeded) or for reconstruction (one per
 * pattern, so that every pattern is predicted and stitched).
 */
export function prepareGroups(
  dataset: PtychoDataset,
  config: ReconstructorConfig,
  purpose: 'train' | 'reconstruct',
): PreparedGroups {
  if (patternCount(dataset) === 0) throw new WorkflowError('the dataset has no diffraction patterns');
  const groups = groupPositions(dataset.xcoords, dataset.ycoords, {
    gridsize: config.gridsize,
    nGroups: purpose === 'train' ? config.n_groups : patternCount(dataset),
    neighborCount: config.neighbor_count,
    seed: config.seed,
  });
  return { groups, normalization: diffractionScaleFactor(dataset.diffraction) };
}

/** Normalised amplitudes of groups [first, first + count): (count, C, N, N) float32. */
export function gatherAmplitudes(
  dataset: PtychoDataset,
  prepared: PreparedGroups,
  first: number,
  count: number,
): JsTensor {
  const { groups, normalization } = prepared;
  const N = patternSize(dataset);
  const plane = N * N;
  const data = new Float32Array(count * groups.C * plane);
  for (let g = 0; g < count; g++) {
    for (let c = 0; c < groups.C; c++) {
      const pattern = groups.indices[(first + g) * groups.C + c];
      const source = dataset.diffraction.data.subarray(pattern * plane, (pattern + 1) * plane);
      const target = (g * groups.C + c) * plane;
      for (let i = 0; i < plane; i++) data[target + i] = source[i] * normalization;
    }
  }
  return { dtype: 'float32', shape: [count, groups.C, N, N], data };
}

/** Model positions of groups [first, first + count): (count, C, 2) float32. */
export function gatherPositions(prepared: PreparedGroups, first: number, count: number): JsTensor {
  const C = prepared.groups.C;
  return {
    dtype: 'float32',
    shape: [count, C, 2],
    data: Float32Array.from(prepared.groups.relativePositions.subarray(first * C * 2, (first + count) * C * 2)),
  };
}
