// The files `train`, `infer` and `demo` write, in one place.
import path from 'node:path';

import type { TrainingSummary } from '../bundle/bundle';
import type { PtychoDataset } from '../data/dataset';
import { reconstructionArrays } from '../data/reconstructionArrays';
import { writeFileAtomic } from '../io/atomicWrite';
import { writeNpz } from '../io/npz';
import type { Metrics } from '../metrics';
import { imageFigure, lossFigure } from '../render/figures';
import type { Reconstruction, Reconstructor } from '../workflow/Reconstructor';
import { writeMetricsIfGroundTruth } from './commands/evaluateOutput';

/** dir/model.ptpinn, dir/history.json, dir/loss.png */
export async function writeTrainingOutputs(
  dir: string,
  reconstructor: Reconstructor,
  summary: TrainingSummary,
): Promise<string> {
  const modelFile = path.join(dir, 'model.ptpinn');
  await reconstructor.saveModel(modelFile);
  await writeFileAtomic(path.join(dir, 'history.json'), `${JSON.stringify(summary.history, null, 2)}\n`);
  await lossFigure(summary.history).writePng(path.join(dir, 'loss.png'));
  return modelFile;
}

/** dir/reconstruction.npz, dir/amplitude.png, dir/phase.png and, with a ground truth, dir/metrics.json */
export async function writeReconstructionOutputs(
  dir: string,
  result: Reconstruction,
  data: PtychoDataset,
): Promise<Metrics | undefined> {
  await writeNpz(path.join(dir, 'reconstruction.npz'), reconstructionArrays(result));
  const figure = { height: result.height, width: result.width };
  await imageFigure({ ...figure, values: result.amplitude, kind: 'amplitude' }).writePng(
    path.join(dir, 'amplitude.png'),
  );
  await imageFigure({ ...figure, values: result.phase, kind: 'phase' }).writePng(path.join(dir, 'phase.png'));
  return writeMetricsIfGroundTruth(data, result, path.join(dir, 'metrics.json'));
}
