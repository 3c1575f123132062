// metrics.json beside a reconstruction, when the data carry a ground truth.
import type { PtychoDataset } from '../../data/dataset';
import { writeFileAtomic } from '../../io/atomicWrite';
import { evaluate, type Metrics } from '../../metrics';
import type { StitchedObject } from '../../stitch/Stitcher';

export async function writeMetricsIfGroundTruth(
  data: PtychoDataset,
  result: StitchedObject,
  file: string,
  border = 2,
): Promise<Metrics | undefined> {
  if (!data.objectGuess) return undefined;
  const [height, width] = data.objectGuess.shape;
  const metrics = evaluate(
    { object: { height: result.height, width: result.width, data: result.object.data }, origin: result.origin },
    { height, width, data: data.objectGuess.data },
    { border },
  );
  await writeFileAtomic(file, `${JSON.stringify(metrics, null, 2)}\n`);
  return metrics;
}
