// The images evaluate() compares (reference §8), on their own: the comparison figure
// draws exactly what the metrics measured.
import { cropToRegion, trimBorder } from './crop';
import { amplitudeOf, checkComplex, mean, phaseOf, type ComplexImage, type RealImage } from './image';
import { removePhaseTrend, type PhaseAlignment } from './phase';
import { SSIM_WINDOW } from './ssim';

export interface PlacedObject {
  object: ComplexImage;
  /** Object-grid coordinate [x0, y0] of the reconstruction's pixel (0, 0); may be fractional. */
  origin: readonly [number, number];
}

export interface AlignOptions {
  /** Pixels trimmed from each side of both images after cropping. Default 2. */
  border?: number;
  /** Remove a least-squares phase plane (default) or only the mean phase. */
  phaseAlignment?: PhaseAlignment;
}

/** Ground truth and reconstruction over the same pixels, amplitude on one scale, phase trends removed. */
export interface AlignedImages {
  amplitudeTruth: RealImage;
  amplitude: RealImage;
  phaseTruth: RealImage;
  phase: RealImage;
  border: number;
}

/**
 * Crops the ground truth to the reconstruction's region (its origin), trims `border`
 * pixels from both, scales the reconstruction's amplitude by mean(truth)/mean(recon)
 * and removes the phase trend from both phases.
 */
export function alignToGroundTruth(
  reconstruction: PlacedObject,
  groundTruth: ComplexImage,
  options: AlignOptions = {},
): AlignedImages {
  const border = options.border ?? 2;
  const alignment = options.phaseAlignment ?? 'plane';
  if (!Number.isInteger(border) || border < 0) {
    throw new RangeError(`border must be a non-negative integer, got ${border}`);
  }
  if (alignment !== 'plane' && alignment !== 'mean') {
    throw new RangeError(`phaseAlignment must be 'plane' or 'mean', got '${String(alignment)}'`);
  }
  const { object, origin } = reconstruction;
  checkComplex(object, 'reconstruction');
  const compared = [object.height - 2 * border, object.width - 2 * border];
  if (compared[0] < SSIM_WINDOW || compared[1] < SSIM_WINDOW) {
    throw new RangeError(
      `a ${object.height}×${object.width} reconstruction less a border of ${border} px leaves ` +
        `${compared[0]}×${compared[1]}; SSIM needs at least ${SSIM_WINDOW}×${SSIM_WINDOW}`,
    );
  }
  const truth = cropToRegion(groundTruth, origin, object.height, object.width);
  const amplitudeTruth = trimBorder(amplitudeOf(truth), border);
  return {
    amplitudeTruth,
    amplitude: scaleToMean(trimBorder(amplitudeOf(object), border), mean(amplitudeTruth)),
    phaseTruth: removePhaseTrend(trimBorder(phaseOf(truth), border), alignment),
    phase: removePhaseTrend(trimBorder(phaseOf(object), border), alignment),
    border,
  };
}

function scaleToMean(image: RealImage, targetMean: number): RealImage {
  const current = mean(image);
  if (!(current > 0)) {
    throw new RangeError('the reconstruction amplitude is zero over the compared region; it cannot be scaled');
  }
  return { ...image, data: image.data.map((value) => (value * targetMean) / current) };
}
