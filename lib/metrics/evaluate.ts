// Evaluation of a reconstruction against a ground truth object (reference §8), with
// the result shaped as `metrics.json` (issue 6 item 6).
import { alignToGroundTruth, type AlignOptions, type PlacedObject } from './align';
import { fourierRingCorrelation, frcResolution, type FrcResolution } from './frc';
import type { ComplexImage, RealImage } from './image';
import { meanAbsoluteError, psnr } from './pixelwise';
import { ssim } from './ssim';

export type { PlacedObject } from './align';

/** How the images are aligned before they are compared. */
export type EvaluateOptions = AlignOptions;

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
  reconstruction: PlacedObject,
  groundTruth: ComplexImage,
  options: EvaluateOptions = {},
): Metrics {
  const { amplitudeTruth, amplitude, phaseTruth, phase, border } = alignToGroundTruth(
    reconstruction,
    groundTruth,
    options,
  );
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
