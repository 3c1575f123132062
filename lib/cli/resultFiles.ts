// The files `train`, `infer` and `demo` write, in one place. The figure modules are
// imported where they are used: Vega takes about 0.1 s to load, which commands that
// draw nothing (info, doctor, simulate, …) should not pay at start-up.
import path from 'node:path';

import type { TrainingSummary } from '../bundle/bundle';
import type { PtychoDataset } from '../data/dataset';
import { reconstructionArrays } from '../workflow/reconstructionArrays';
import { writeFileAtomic } from '../io/atomicWrite';
import { writeNpz } from '../io/npz';
import type { RefinementSummary } from '../refine/refineObject';
import { reportHtml } from '../report/reportHtml';
import type { ReportFigure } from '../report/reportFigure';
import type { RunReport } from '../report/runReport';
import type { Reconstruction, Reconstructor } from '../workflow/Reconstructor';
import { writeMetricsIfGroundTruth, type ReconstructionMetrics } from '../metrics/groundTruth';

/** dir/model.ptpinn, dir/history.json, dir/loss.png; returns the figure, for the report. */
export async function writeTrainingOutputs(
  dir: string,
  reconstructor: Reconstructor,
  summary: TrainingSummary,
): Promise<ReportFigure[]> {
  await reconstructor.saveModel(path.join(dir, 'model.ptpinn'));
  await writeFileAtomic(path.join(dir, 'history.json'), `${JSON.stringify(summary.history, null, 2)}\n`);
  const loss: ReportFigure = {
    file: 'loss.png',
    caption: 'Training and validation loss per epoch, and the learning rate',
    figure: await (await import('../render/lossFigure')).lossFigure(summary.history),
  };
  await loss.figure.writePng(path.join(dir, loss.file));
  return [loss];
}

export interface ReconstructionOutputs {
  /** Present when the data hold a ground truth. */
  metrics?: ReconstructionMetrics;
  figures: ReportFigure[];
}

/**
 * dir/reconstruction.npz, dir/amplitude.png, dir/phase.png and, with a ground truth,
 * dir/metrics.json and dir/comparison.png
 */
export async function writeReconstructionOutputs(
  dir: string,
  result: Reconstruction,
  data: PtychoDataset,
): Promise<ReconstructionOutputs> {
  await writeNpz(path.join(dir, 'reconstruction.npz'), reconstructionArrays(result));
  const metrics = await writeMetricsIfGroundTruth(data, result, path.join(dir, 'metrics.json'));
  const { reconstructionFigures } = await import('../report/reconstructionFigures');
  const figures = await reconstructionFigures(result, data, metrics);
  for (const { file, figure } of figures) await figure.writePng(path.join(dir, file));
  return { metrics, figures };
}

/** dir/report.html: the run on one page. */
export async function writeReport(dir: string, report: RunReport): Promise<void> {
  await writeFileAtomic(path.join(dir, 'report.html'), reportHtml(report));
}

/** A reconstruction's timings as the report lists them. */
export function reconstructionTimings(timings: Reconstruction['timings']): [string, number][] {
  return [
    ['network inference', timings.inferSeconds],
    ['stitching', timings.stitchSeconds],
    ['physics refinement', timings.refineSeconds],
    ['reconstruction in all', timings.totalSeconds],
  ];
}

/** The training as results report it: everything but the per-epoch history (history.json has it). */
export function trainingSummary(summary: TrainingSummary): Omit<TrainingSummary, 'history'> {
  const { history, ...rest } = summary;
  return rest;
}

/** The refinement as results report it: everything but the per-pass history. */
export function refinementSummary(summary: RefinementSummary): Omit<RefinementSummary, 'history'> {
  const { history, ...rest } = summary;
  return rest;
}

/** Above this fraction of the object at the sigmoid's ceiling, a run says so. */
const SATURATION_WARNING = 0.05;

/** What to tell the user when the network's amplitude sits at its ceiling; undefined when it does not. */
export function saturationWarning(saturatedFraction: number): string | undefined {
  if (saturatedFraction <= SATURATION_WARNING) return undefined;
  return (
    `warning: the network's amplitude is at its sigmoid ceiling over ${(100 * saturatedFraction).toFixed(0)} % of ` +
    `the object: the model's intensity scale does not fit these data (a model trained on other data, or too few ` +
    `epochs); physics refinement corrects the image (--refine-iterations), retraining on such data corrects the network`
  );
}

export function refinementLine(summary: RefinementSummary): string {
  return (
    `physics refinement: ${summary.iterations} passes in ${summary.seconds.toFixed(2)} s, ` +
    `R-factor ${summary.initialRFactor.toFixed(4)} (network) → ${summary.finalRFactor.toFixed(4)}` +
    (summary.probeRefined ? ' (probe refined too)' : '')
  );
}
