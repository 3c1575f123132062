// Pixel-wise errors between a target (the ground truth) and a prediction.
import { checkSameSize, type RealImage } from './image';

export function meanAbsoluteError(target: RealImage, prediction: RealImage): number {
  checkSameSize(target, prediction, 'MAE');
  let sum = 0;
  for (let k = 0; k < target.data.length; k++) sum += Math.abs(target.data[k] - prediction.data[k]);
  return sum / target.data.length;
}

export function meanSquaredError(target: RealImage, prediction: RealImage): number {
  checkSameSize(target, prediction, 'MSE');
  let sum = 0;
  for (let k = 0; k < target.data.length; k++) sum += (target.data[k] - prediction.data[k]) ** 2;
  return sum / target.data.length;
}

/** The offset between PtychoPINN's PSNR (cv2.PSNR, peak 255) and ours (peak 1): 20·log10(255) ≈ 48.13 dB. */
export const PTYCHOPINN_PSNR_OFFSET_DB = 20 * Math.log10(255);

/**
 * 10·log10(peak² / MSE) in dB, peak 1 **(ours, reference §8)**. PtychoPINN's figures
 * use a peak of 255 and so read PTYCHOPINN_PSNR_OFFSET_DB (48.13 dB) higher for the
 * same images. Infinity when the images are equal.
 */
export function psnr(target: RealImage, prediction: RealImage, peak = 1): number {
  return 10 * Math.log10((peak * peak) / meanSquaredError(target, prediction));
}
