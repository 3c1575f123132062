// The physics forward model (reference §2–5), computed natively.
import { addon } from '../native';
import type { ForwardOptions, JsTensor } from '../native/binding';

export type { ForwardOptions, Translation, Weighting } from '../native/binding';
export { diffractionAmplitude, farField } from './farField';

/** img (…, H, W) by offsets (…, 2) [dx, dy]: content moves by +offset (bilinear, zero fill). */
export function translate(img: JsTensor, offsets: JsTensor, options?: ForwardOptions): JsTensor {
  return addon().binding.translate(img, offsets, options);
}

export function mergePatches(
  patches: JsTensor,
  positions: JsTensor,
  probe: JsTensor,
  options?: ForwardOptions,
): JsTensor {
  return addon().binding.mergePatches(patches, positions, probe, options);
}

export function extractPatches(
  merged: JsTensor,
  positions: JsTensor,
  patchSize: number,
  options?: ForwardOptions,
): JsTensor {
  return addon().binding.extractPatches(merged, positions, patchSize, options);
}

/** Predicted intensity (B, C, N, N) of object patches through the full forward model. */
export function forwardIntensity(
  patches: JsTensor,
  positions: JsTensor,
  probe: JsTensor,
  scale: number,
  options?: ForwardOptions,
): JsTensor {
  return addon().binding.forwardIntensity(patches, positions, probe, scale, options);
}

/** The reported Poisson value (reference §4), as the parity fixtures and `forward` give it. */
export function poissonNll(predicted: JsTensor, observed: JsTensor): number {
  return addon().binding.poissonNll(predicted, observed);
}

export function normalizeProbe(probe: JsTensor, probeScale = 4): JsTensor {
  return addon().binding.normalizeProbe(probe, probeScale);
}

/** s = sqrt(nphotons) / (N/2) (reference §5). */
export function intensityScale(nphotons: number, N: number): number {
  return addon().binding.intensityScale(nphotons, N);
}
