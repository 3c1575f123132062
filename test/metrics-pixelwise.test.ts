// Pixel-wise metrics of reference §8: MAE, MSE and PSNR with peak 1 (ours).
import { describe, expect, it } from 'vitest';

import { meanAbsoluteError, meanSquaredError, psnr, PTYCHOPINN_PSNR_OFFSET_DB } from '../lib/metrics';

function image(height: number, width: number, values: number[]): { height: number; width: number; data: Float64Array } {
  return { height, width, data: Float64Array.from(values) };
}

describe('pixel-wise metrics', () => {
  it('MAE and MSE of a 2×2 pair, by hand', () => {
    const target = image(2, 2, [0, 1, 2, 3]);
    const prediction = image(2, 2, [0.5, 1, 1, 3.25]);
    // |errors| = 0.5, 0, 1, 0.25
    expect(meanAbsoluteError(target, prediction)).toBeCloseTo(1.75 / 4, 15);
    expect(meanSquaredError(target, prediction)).toBeCloseTo((0.25 + 0 + 1 + 0.0625) / 4, 15);
  });

  it('PSNR with peak 1 is 10·log10(1/MSE): MSE 0.01 → 20 dB, 1e-4 → 40 dB', () => {
    const zeros = image(3, 3, new Array(9).fill(0));
    expect(psnr(zeros, image(3, 3, new Array(9).fill(0.1)))).toBeCloseTo(20, 10);
    // errors ±0.01 alternate: MSE 1e-4
    const alternating = image(3, 3, [0.01, -0.01, 0.01, -0.01, 0.01, -0.01, 0.01, -0.01, 0.01]);
    expect(psnr(zeros, alternating)).toBeCloseTo(40, 10);
    expect(psnr(zeros, zeros)).toBe(Infinity);
  });

  it("PtychoPINN's peak 255 adds 20·log10(255) = 48.13 dB", () => {
    expect(PTYCHOPINN_PSNR_OFFSET_DB).toBeCloseTo(48.1308, 4);
    const zeros = image(1, 2, [0, 0]);
    const prediction = image(1, 2, [0.3, 0.1]);
    expect(psnr(zeros, prediction, 255) - psnr(zeros, prediction)).toBeCloseTo(PTYCHOPINN_PSNR_OFFSET_DB, 10);
  });

  it('refuses images of different sizes, naming both', () => {
    expect(() => meanAbsoluteError(image(1, 2, [0, 0]), image(2, 1, [0, 0]))).toThrow(/1×2 and 2×1/);
  });
});
