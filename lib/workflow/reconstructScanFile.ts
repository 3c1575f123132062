// Reconstruction of a scan read from its file a slice at a time: memory stays that of
// the canvas and a few slices, whatever the number of patterns. The network's object
// only: physics refinement passes over every pattern many times, so it needs them in
// memory (reconstructScan).
import type { EngineModel } from '../backends/engine';
import type { ReconstructorConfig } from '../config/schema';
import { DatasetError } from '../data/errors';
import { scaleFactorFromSum, sumOfSquares } from '../data/normalize';
import type { ScanFile } from '../data/scanFile';
import { predictAndStitch } from './predictAndStitch';
import { checkPatternSize, WorkflowError } from './prepare';
import {
  coveringStitchCrop,
  DEFAULT_INFER_BATCH,
  fractionAtCeiling,
  type Reconstruction,
  type ReconstructOptions,
} from './reconstructScan';

export type StreamedReconstructOptions = Omit<ReconstructOptions, 'refine'>;

/** Patterns per slice read from the file, and groups per inference chunk. */
const SLICE = 1024;

export async function reconstructScanFile(
  model: EngineModel,
  config: ReconstructorConfig,
  scan: ScanFile,
  options: StreamedReconstructOptions = {},
): Promise<Omit<Reconstruction, 'trainedBackend'>> {
  checkPatternSize(scan.first, config, 'reconstruction data');
  if (config.gridsize !== 1) {
    throw new WorkflowError(
      `the model has gridsize ${config.gridsize}: its groups join neighbouring patterns from anywhere in the scan, ` +
        'which a scan read slice by slice cannot give; load the file whole (CLI: drop --stream)',
    );
  }
  const started = performance.now();
  const { N, count: M } = scan;
  const chunk = options.chunkGroups ?? SLICE;
  const normalization = await normalizationFactor(scan, chunk, options.signal);
  const absolute = new Float64Array(2 * M);
  for (let i = 0; i < M; i += 1) {
    absolute[2 * i] = scan.xcoords[i];
    absolute[2 * i + 1] = scan.ycoords[i];
  }
  const stitchCrop = options.stitchCrop ?? coveringStitchCrop(config, N, absolute);
  const { stitched, inferMs, stitchMs } = await predictAndStitch(model, {
    count: M,
    C: 1,
    N,
    absolute,
    stitchCrop,
    chunk,
    batchSize: options.batchSize ?? DEFAULT_INFER_BATCH,
    signal: options.signal,
    amplitudes: async (first, count) => {
      const data = (await scan.slice(first, count)).diffraction.data;
      for (let k = 0; k < data.length; k += 1) data[k] *= normalization;
      return { dtype: 'float32', shape: [count, 1, N, N], data };
    },
  });
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    ...stitched,
    positions: absolute,
    backend: config.backend,
    stitchCrop,
    saturatedFraction: config.amp_activation === 'sigmoid' ? fractionAtCeiling(stitched.amplitude) : 0,
    timings: {
      inferSeconds: inferMs / 1000,
      stitchSeconds: stitchMs / 1000,
      refineSeconds: 0,
      totalSeconds,
      patternsPerSecond: M / totalSeconds,
    },
  };
}

/** As diffractionScaleFactor, over the whole file: one pass that reads it slice by slice. */
async function normalizationFactor(scan: ScanFile, slice: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  for (let first = 0; first < scan.count; first += slice) {
    signal?.throwIfAborted();
    total += sumOfSquares((await scan.slice(first, Math.min(slice, scan.count - first))).diffraction.data);
  }
  if (!(total > 0)) throw new DatasetError(`${scan.file}: every diffraction pattern is zero; it cannot be normalised`);
  return scaleFactorFromSum(total, scan.count, scan.N);
}
