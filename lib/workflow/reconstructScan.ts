// Reconstruction of a whole scan: every pattern predicted chunk by chunk and its
// patch stitched as it arrives (memory: the canvas plus one chunk), then, by default,
// the stitched object refined against the scan's own patterns.
import type { EngineModel } from '../backends/engine';
import type { ReconstructorConfig } from '../config/schema';
import { patternSize, type PtychoDataset } from '../data/dataset';
import { refineObject, type RefineOptions, type RefinementSummary } from '../refine/refineObject';
import { coveringCrop } from '../stitch/coveringCrop';
import { patchPositions, type StitchedObject } from '../stitch/Stitcher';
import { predictAndStitch } from './predictAndStitch';
import { checkPatternSize, gatherAmplitudes, prepareGroups } from './prepare';

export interface ReconstructOptions {
  signal?: AbortSignal;
  /** Groups predicted and stitched per chunk: memory is the canvas plus one chunk. */
  chunkGroups?: number;
  batchSize?: number;
  /**
   * Central crop of each patch that is stitched; default: the configuration's
   * stitch_crop, or more where the scan's positions are too far apart for it to cover
   * them without holes.
   */
  stitchCrop?: number;
  /**
   * Physics refinement of the stitched object against the scan's patterns; default:
   * the configuration's refine_iterations and refine_probe. false: the network's object.
   */
  refine?: false | Omit<RefineOptions, 'signal'>;
}

export interface Reconstruction extends StitchedObject {
  /** Scan positions (M, 2) [x, y] in object pixels. */
  positions: Float64Array;
  /** The engine that ran the model. */
  backend: ReconstructorConfig['backend'];
  /** The engine that trained the model. */
  trainedBackend: ReconstructorConfig['backend'];
  /** The network's stitched object when it was refined (the result is then the refined one). */
  network?: StitchedObject;
  refinement?: RefinementSummary;
  /** The central crop of each patch that was stitched. */
  stitchCrop: number;
  /**
   * Fraction of the network's stitched amplitude at the sigmoid's ceiling (≥ 0.98):
   * much of it means the model's intensity scale does not fit these data.
   */
  saturatedFraction: number;
  timings: {
    inferSeconds: number;
    stitchSeconds: number;
    refineSeconds: number;
    totalSeconds: number;
    patternsPerSecond: number;
  };
}

/** Groups per native inference call (README, "Speed"). */
export const DEFAULT_INFER_BATCH = 64;

export async function reconstructScan(
  model: EngineModel,
  config: ReconstructorConfig,
  data: PtychoDataset,
  options: ReconstructOptions = {},
): Promise<Omit<Reconstruction, 'trainedBackend'>> {
  checkPatternSize(data, config, 'reconstruction data');
  const started = performance.now();
  const prepared = prepareGroups(data, config, 'reconstruct');
  const { groups } = prepared;
  const C = groups.C;
  const N = patternSize(data);
  const absolute = patchPositions(groups.centres, groups.relativePositions, C);
  const chunk = options.chunkGroups ?? 1024;
  const stitchCrop = options.stitchCrop ?? coveringStitchCrop(config, N, absolute);
  const { stitched, inferMs, stitchMs } = await predictAndStitch(model, {
    count: groups.count,
    C,
    N,
    absolute,
    stitchCrop,
    chunk,
    batchSize: options.batchSize ?? DEFAULT_INFER_BATCH,
    signal: options.signal,
    amplitudes: async (first, count) => gatherAmplitudes(data, prepared, first, count),
  });
  const refineOptions = resolveRefine(config, options.refine);
  const refined = refineOptions
    ? await refineObject(stitched, data, { ...refineOptions, signal: options.signal })
    : undefined;
  const positions = new Float64Array(data.xcoords.length * 2);
  data.xcoords.forEach((x, i) => {
    positions[2 * i] = x;
    positions[2 * i + 1] = data.ycoords[i];
  });
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    ...(refined ? refined.stitched : stitched),
    positions,
    backend: config.backend,
    ...(refined ? { network: stitched, refinement: refined.summary } : {}),
    stitchCrop,
    saturatedFraction: config.amp_activation === 'sigmoid' ? fractionAtCeiling(stitched.amplitude) : 0,
    timings: {
      inferSeconds: inferMs / 1000,
      stitchSeconds: stitchMs / 1000,
      refineSeconds: refined?.summary.seconds ?? 0,
      totalSeconds,
      // Diffraction patterns of the scan: with gridsize > 1 each is predicted once
      // per group it belongs to, which is the cost of gridsize, not extra throughput.
      patternsPerSecond: data.xcoords.length / totalSeconds,
    },
  };
}

/** The configuration's stitch_crop, or more where the scan's positions are too far apart for it to cover them. */
export function coveringStitchCrop(config: ReconstructorConfig, N: number, absolute: Float64Array): number {
  return Math.min(N, Math.max(config.stitch_crop, coveringCrop(absolute)));
}

/** The sigmoid head's ceiling, less a margin: amplitudes above it are saturated. */
const SIGMOID_CEILING = 0.98;

export function fractionAtCeiling(amplitude: Float32Array): number {
  let saturated = 0;
  for (const value of amplitude) if (value >= SIGMOID_CEILING) saturated += 1;
  return amplitude.length ? saturated / amplitude.length : 0;
}

function resolveRefine(
  config: ReconstructorConfig,
  refine: ReconstructOptions['refine'],
): Omit<RefineOptions, 'signal'> | undefined {
  if (refine === false) return undefined;
  const merged = {
    iterations: config.refine_iterations,
    refineProbe: config.refine_probe,
    seed: config.seed,
    ...refine,
  };
  return merged.iterations > 0 ? merged : undefined;
}
