// Evaluation against ground truth (reference §8): alignment and metrics.
export { alignToGroundTruth, type AlignedImages, type AlignOptions } from './align';
export { cropToRegion, trimBorder } from './crop';
export { evaluate, type ChannelMetrics, type EvaluateOptions, type Metrics, type PlacedObject } from './evaluate';
export { fft2InPlace, fftInPlace } from './fft';
export {
  firstCrossing,
  fourierRingCorrelation,
  frcResolution,
  halfBitThreshold,
  type FrcCurve,
  type FrcResolution,
} from './frc';
export { amplitudeOf, phaseOf, type ComplexImage, type RealImage } from './image';
export { fitPlane, removePhaseTrend, wrapPhase, type PhaseAlignment } from './phase';
export { meanAbsoluteError, meanSquaredError, psnr, PTYCHOPINN_PSNR_OFFSET_DB } from './pixelwise';
export { ssim, SSIM_WINDOW } from './ssim';
