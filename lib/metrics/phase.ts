// Phase alignment of reference §8: a reconstruction's phase is known only up to a
// constant (and, through the probe/object translation ambiguity, a linear ramp), so
// both phases have a least-squares plane a + b·x + c·y (or only their mean) removed
// before they are compared.
import type { RealImage } from './image';

export type PhaseAlignment = 'plane' | 'mean';

/** The angle wrapped into (−π, π]. */
export function wrapPhase(angle: number): number {
  return angle - 2 * Math.PI * Math.ceil((angle - Math.PI) / (2 * Math.PI));
}

/**
 * The phase minus its least-squares plane (or mean), wrapped into (−π, π]. The fit
 * is plain (every pixel weighs the same, as in PtychoPINN's fit_and_remove_plane).
 *
 * A least-squares fit to a wrapped phase fails when the trend wraps, so a circular
 * estimate of the trend comes off first: the ramp from the mean phasor of
 * neighbour differences, the offset from the mean phasor of what is left. The
 * least-squares fit then runs on the wrapped remainder. Where that remainder does
 * not wrap, the result is exactly the plain fit's residual; where the trend wraps,
 * the trend is still recovered.
 */
export function removePhaseTrend(phase: RealImage, alignment: PhaseAlignment): RealImage {
  const { height, width } = phase;
  const slopeX = alignment === 'plane' ? neighbourSlope(phase, 1, 0) : 0;
  const slopeY = alignment === 'plane' ? neighbourSlope(phase, 0, 1) : 0;
  const deramped = new Float64Array(phase.data.length);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      deramped[i * width + j] = phase.data[i * width + j] - slopeX * j - slopeY * i;
    }
  }
  const offset = circularMean(deramped);
  for (let k = 0; k < deramped.length; k++) deramped[k] = wrapPhase(deramped[k] - offset);

  const remainder = { height, width, data: deramped };
  const [a, b, c] = alignment === 'plane' ? fitPlane(remainder) : [meanOf(deramped), 0, 0];
  const data = new Float64Array(deramped.length);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      data[i * width + j] = wrapPhase(deramped[i * width + j] - (a + b * j + c * i));
    }
  }
  return { height, width, data };
}

/** arg Σ exp(i·(φ[y+dy, x+dx] − φ[y, x])): the phase step per pixel along (dx, dy). */
function neighbourSlope(phase: RealImage, dx: number, dy: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i + dy < phase.height; i++) {
    for (let j = 0; j + dx < phase.width; j++) {
      const step = phase.data[(i + dy) * phase.width + j + dx] - phase.data[i * phase.width + j];
      re += Math.cos(step);
      im += Math.sin(step);
    }
  }
  return re === 0 && im === 0 ? 0 : Math.atan2(im, re);
}

function circularMean(angles: Float64Array): number {
  let re = 0;
  let im = 0;
  for (const angle of angles) {
    re += Math.cos(angle);
    im += Math.sin(angle);
  }
  return re === 0 && im === 0 ? 0 : Math.atan2(im, re);
}

function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** [a, b, c] minimising Σ (v − a − b·x − c·y)² over the pixels (x = column, y = row). */
export function fitPlane(image: RealImage): [number, number, number] {
  const { height, width } = image;
  // Centred coordinates make the normal equations diagonal on a full grid: x̄ and ȳ
  // fall out of the cross terms, and Σ x'y' = 0.
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  let sum = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumYY = 0;
  for (let i = 0; i < height; i++) {
    const y = i - cy;
    for (let j = 0; j < width; j++) {
      const x = j - cx;
      const v = image.data[i * width + j];
      sum += v;
      sumX += v * x;
      sumY += v * y;
      sumXX += x * x;
      sumYY += y * y;
    }
  }
  const b = sumXX > 0 ? sumX / sumXX : 0;
  const c = sumYY > 0 ? sumY / sumYY : 0;
  const a = sum / (height * width) - b * cx - c * cy;
  return [a, b, c];
}
