// metrics.json beside a reconstruction, when the data carry a ground truth.
import type { PtychoDataset } from '../data/dataset';
import { writeFileAtomic } from '../io/atomicWrite';
import { evaluate, type Metrics } from './evaluate';
import type { StitchedObject } from '../stitch/Stitcher';

/** The reconstruction compared with the data's objectGuess (reference §8), when it has one. */
export function metricsAgainstGroundTruth(
  data: PtychoDataset,
  result: StitchedObject,
  border = 2,
): Metrics | undefined {
  if (!data.objectGuess) return undefined;
  const [height, width] = data.objectGuess.shape;
  return evaluate(
    { object: { height: result.height, width: result.width, data: result.object.data }, origin: result.origin },
    { height, width, data: data.objectGuess.data },
    { border },
  );
}

/** The metrics of a reconstruction and, when it was refined, of the network's object alone. */
export interface ReconstructionMetrics extends Metrics {
  network?: Metrics;
}

export async function writeMetricsIfGroundTruth(
  data: PtychoDataset,
  result: StitchedObject & { network?: StitchedObject },
  file: string,
  border = 2,
): Promise<ReconstructionMetrics | undefined> {
  const metrics: ReconstructionMetrics | undefined = metricsAgainstGroundTruth(data, result, border);
  if (!metrics) return undefined;
  if (result.network) metrics.network = metricsAgainstGroundTruth(data, result.network, border);
  await writeFileAtomic(file, `${JSON.stringify(metrics, null, 2)}\n`);
  return metrics;
}
