// The files `train`, `infer` and `demo` write, in one place.
import path from 'node:path';

import type { TrainingSummary } from '../bundle/bundle';
import type { PtychoDataset } from '../data/dataset';
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
  const shape = [result.height, result.width];
  await writeNpz(path.join(dir, 'reconstruction.npz'), {
    object: { dtype: 'complex64', shape, data: result.object.data as Float32Array },
    amplitude: { dtype: 'float32', shape, data: result.amplitude },
    phase: { dtype: 'float32', shape, data: result.phase },
    origin: { dtype: 'float64', shape: [2], data: Float64Array.from(result.origin) },
    positions: { dtype: 'float64', shape: [result.positions.length / 2, 2], data: result.positions },
    backend: { dtype: 'str', shape: [], data: [result.backend] },
  });
  const figure = { height: result.height, width: result.width };
  await imageFigure({ ...figure, values: result.amplitude, kind: 'amplitude' }).writePng(
    path.join(dir, 'amplitude.png'),
  );
  await imageFigure({ ...figure, values: result.phase, kind: 'phase' }).writePng(path.join(dir, 'phase.png'));
  return writeMetricsIfGroundTruth(data, result, path.join(dir, 'metrics.json'));
}
