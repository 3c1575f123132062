// The files `train`, `infer` and `demo` write, in one place.
import path from 'node:path';

import type { TrainingSummary } from '../bundle/bundle';
import type { PtychoDataset } from '../data/dataset';
import { reconstructionArrays } from '../data/reconstructionArrays';
import { writeFileAtomic } from '../io/atomicWrite';
import { writeNpz } from '../io/npz';
import type { RefinementSummary } from '../refine/refineObject';
import { lossFigure } from '../render/lossFigure';
import { reconstructionFigures } from '../report/reconstructionFigures';
import type { Reconstruction, Reconstructor } from '../workflow/Reconstructor';
import { writeMetricsIfGroundTruth, type ReconstructionMetrics } from './commands/evaluateOutput';

/** dir/model.ptpinn, dir/history.json, dir/loss.png */
export async function writeTrainingOutputs(
  dir: string,
  reconstructor: Reconstructor,
  summary: TrainingSummary,
): Promise<string> {
  const modelFile = path.join(dir, 'model.ptpinn');
  await reconstructor.saveModel(modelFile);
  await writeFileAtomic(path.join(dir, 'history.json'), `${JSON.stringify(summary.history, null, 2)}\n`);
  await (await lossFigure(summary.history)).writePng(path.join(dir, 'loss.png'));
  return modelFile;
}

/**
 * dir/reconstruction.npz, dir/amplitude.png, dir/phase.png and, with a ground truth,
 * dir/metrics.json and dir/comparison.png
 */
export async function writeReconstructionOutputs(
  dir: string,
  result: Reconstruction,
  data: PtychoDataset,
): Promise<ReconstructionMetrics | undefined> {
  await writeNpz(path.join(dir, 'reconstruction.npz'), reconstructionArrays(result));
  const metrics = await writeMetricsIfGroundTruth(data, result, path.join(dir, 'metrics.json'));
  const figures = await reconstructionFigures(result, data, metrics);
  for (const { file, figure } of figures) await figure.writePng(path.join(dir, file));
  return metrics;
}

/** The refinement as results report it: everything but the per-pass history. */
export function refinementSummary(summary: RefinementSummary): Omit<RefinementSummary, 'history'> {
  const { history, ...rest } = summary;
  return rest;
}

export function refinementLine(summary: RefinementSummary): string {
  return (
    `physics refinement: ${summary.iterations} passes in ${summary.seconds.toFixed(2)} s, ` +
    `R-factor ${summary.initialRFactor.toFixed(4)} (network) → ${summary.finalRFactor.toFixed(4)}` +
    (summary.probeRefined ? ' (probe refined too)' : '')
  );
}
