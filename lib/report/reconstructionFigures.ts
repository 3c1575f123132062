// The figures of a reconstruction: amplitude, phase and, against a ground truth, the
// comparison (with the network's own object beside the refined one when refined).
import type { ReconstructionMetrics } from '../metrics/groundTruth';
import type { PtychoDataset } from '../data/dataset';
import type { StitchedObject } from '../stitch/Stitcher';
import { comparisonFigure, type ComparedReconstruction } from '../render/comparisonFigure';
import { imageFigure } from '../render/imageFigure';
import type { Reconstruction } from '../workflow/Reconstructor';
import type { ReportFigure } from './reportFigure';

export async function reconstructionFigures(
  result: Reconstruction,
  data: PtychoDataset,
  metrics: ReconstructionMetrics | undefined,
): Promise<ReportFigure[]> {
  const image = { height: result.height, width: result.width };
  const figures: ReportFigure[] = [
    {
      file: 'amplitude.png',
      caption: 'Reconstructed amplitude',
      figure: await imageFigure({ ...image, values: result.amplitude, kind: 'amplitude' }),
    },
    {
      file: 'phase.png',
      caption: 'Reconstructed phase',
      figure: await imageFigure({ ...image, values: result.phase, kind: 'phase' }),
    },
  ];
  if (metrics && data.objectGuess) {
    const [height, width] = data.objectGuess.shape;
    const compared = (label: string, object: StitchedObject, m: ReconstructionMetrics): ComparedReconstruction => ({
      label,
      object: { height: object.height, width: object.width, data: object.object.data },
      origin: object.origin,
      metrics: m,
    });
    const refined = result.network && metrics.network;
    const reconstructions = refined
      ? [compared('network', result.network!, metrics.network!), compared('refined', result, metrics)]
      : [compared('reconstruction', result, metrics)];
    const refinement = result.refinement;
    const note = refinement
      ? `physics refinement: ${refinement.iterations} passes, R-factor ${refinement.initialRFactor.toFixed(4)} ` +
        `(network) → ${refinement.finalRFactor.toFixed(4)}`
      : undefined;
    figures.push({
      file: 'comparison.png',
      caption: refined
        ? 'Ground truth, the network’s object, the refined object and the refined error'
        : 'Ground truth, reconstruction and error',
      figure: await comparisonFigure({
        groundTruth: { height, width, data: data.objectGuess.data },
        reconstructions,
        note,
      }),
    });
  }
  return figures;
}
