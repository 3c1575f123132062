// SSIM (Wang et al. 2004) as the field computes it (reference §8, scikit-image's
// structural_similarity defaults): 7×7 uniform window, K1 = 0.01, K2 = 0.03, sample
// (co)variances (N/(N−1) with N = 49), averaged over every window that lies wholly
// inside the image.
import { checkSameSize, type RealImage } from './image';

export const SSIM_WINDOW = 7;
const K1 = 0.01;
const K2 = 0.03;

/** Mean SSIM of prediction against target; dataRange is the target's value range (must be > 0). */
export function ssim(target: RealImage, prediction: RealImage, dataRange: number): number {
  checkSameSize(target, prediction, 'SSIM');
  const { height, width } = target;
  if (height < SSIM_WINDOW || width < SSIM_WINDOW) {
    throw new RangeError(`SSIM needs images of at least ${SSIM_WINDOW}×${SSIM_WINDOW}, got ${height}×${width}`);
  }
  if (!(dataRange > 0) || !Number.isFinite(dataRange)) {
    throw new RangeError(`SSIM needs a positive data range, got ${dataRange}`);
  }
  const x = target.data;
  const y = prediction.data;
  const n = SSIM_WINDOW * SSIM_WINDOW;
  const sums = (values: Float64Array): Float64Array => windowSums(values, height, width);
  const sx = sums(x);
  const sy = sums(y);
  const sxx = sums(x.map((v) => v * v));
  const syy = sums(y.map((v) => v * v));
  const sxy = sums(x.map((v, k) => v * y[k]));
  const c1 = (K1 * dataRange) ** 2;
  const c2 = (K2 * dataRange) ** 2;
  let total = 0;
  for (let k = 0; k < sx.length; k++) {
    const mx = sx[k] / n;
    const my = sy[k] / n;
    const vx = (sxx[k] - n * mx * mx) / (n - 1);
    const vy = (syy[k] - n * my * my) / (n - 1);
    const vxy = (sxy[k] - n * mx * my) / (n - 1);
    total += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  }
  return total / sx.length;
}

/** Sums of values over every 7×7 window inside the image, (H−6)×(W−6), rows then columns. */
function windowSums(values: Float64Array, height: number, width: number): Float64Array {
  const outW = width - SSIM_WINDOW + 1;
  const outH = height - SSIM_WINDOW + 1;
  const rows = new Float64Array(height * outW);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < outW; j++) {
      let sum = 0;
      for (let d = 0; d < SSIM_WINDOW; d++) sum += values[i * width + j + d];
      rows[i * outW + j] = sum;
    }
  }
  const out = new Float64Array(outH * outW);
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      let sum = 0;
      for (let d = 0; d < SSIM_WINDOW; d++) sum += rows[(i + d) * outW + j];
      out[i * outW + j] = sum;
    }
  }
  return out;
}
