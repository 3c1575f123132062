// Evaluation of a reconstruction against a ground truth object (reference §8), with
// the result shaped as `metrics.json` (issue 6 item 6).
import { cropToRegion, trimBorder } from './crop';
import { fourierRingCorrelation, frcResolution, type FrcResolution } from './frc';
import { amplitudeOf, checkComplex, mean, phaseOf, type ComplexImage, type RealImage } from './image';
import { removePhaseTrend, type PhaseAlignment } from './phase';
import { meanAbsoluteError, psnr } from './pixelwise';
import { SSIM_WINDOW, ssim } from './ssim';

export interface Reconstruction {
  object: ComplexImage;
  /** Object-grid coordinate [x0, y0] of the reconstruction's pixel (0, 0); may be fractional. */
  origin: readonly [number, number];
}

export interface EvaluateOptions {
  /** Pixels trimmed from each side of both images after cropping. Default 2. */
  border?: number;
  /** Remove a least-squares phase plane (default) or only the mean phase. */
  phaseAlignment?: PhaseAlignment;
}

/** Metrics of one channel. Every value is JSON-safe (no Infinity or NaN). */
export interface ChannelMetrics extends FrcResolution {
  mae: number;
  /**
   * 10·log10(1/MSE) dB, peak 1 **(ours)**; PtychoPINN's peak 255 reads 48.13 dB higher
   * (PTYCHOPINN_PSNR_OFFSET_DB). null when the images are equal (MSE 0).
   */
  psnr: number | null;
  /** null for amplitude when the ground-truth amplitude is constant (SSIM's data range is 0). */
  ssim: number | null;
}

/** The shape of metrics.json. FRC crossings are in cycles/pixel. */
export interface Metrics {
  amplitude: ChannelMetrics;
  /** Phase in radians after alignment; SSIM on (φ + π)/2π with data range 1. */
  phase: ChannelMetrics;
  border: number;
}

/**
 * Crops the ground truth to the reconstruction's region (its origin), trims `border`
 * pixels from both, scales the reconstruction's amplitude by mean(truth)/mean(recon),
 * removes the phase trend from both phases, then compares them.
 */
export function evaluate(
  reconstruction: Reconstruction,
  groundTruth: ComplexImage,
  options: EvaluateOptions = {},
): Metrics {
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
  const amplitude = scaleToMean(trimBorder(amplitudeOf(object), border), mean(amplitudeTruth));
  const phaseTruth = removePhaseTrend(trimBorder(phaseOf(truth), border), alignment);
  const phase = removePhaseTrend(trimBorder(phaseOf(object), border), alignment);

  const range = valueRange(amplitudeTruth);
  return {
    amplitude: compare(amplitudeTruth, amplitude, range > 0 ? ssim(amplitudeTruth, amplitude, range) : null),
    phase: compare(phaseTruth, phase, ssim(toUnitRange(phaseTruth), toUnitRange(phase), 1)),
    border,
  };
}

function compare(target: RealImage, prediction: RealImage, structural: number | null): ChannelMetrics {
  const peakRatio = psnr(target, prediction);
  return {
    mae: meanAbsoluteError(target, prediction),
    psnr: Number.isFinite(peakRatio) ? peakRatio : null,
    ssim: structural,
    ...frcResolution(fourierRingCorrelation(target, prediction)),
  };
}

function scaleToMean(image: RealImage, targetMean: number): RealImage {
  const current = mean(image);
  if (!(current > 0)) {
    throw new RangeError('the reconstruction amplitude is zero over the compared region; it cannot be scaled');
  }
  return { ...image, data: image.data.map((value) => (value * targetMean) / current) };
}

function valueRange(image: RealImage): number {
  let low = Infinity;
  let high = -Infinity;
  for (const value of image.data) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return high - low;
}

/** Phase (−π, π] → (0, 1], as PtychoPINN maps it for SSIM. */
function toUnitRange(phase: RealImage): RealImage {
  return { ...phase, data: phase.data.map((value) => (value + Math.PI) / (2 * Math.PI)) };
}
