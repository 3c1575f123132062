// Fourier ring correlation (reference §8) and its resolution thresholds.
//
// Conventions (ours): both images are centre-cropped to their largest common square
// (as PtychoPINN's frc50 does), n×n; ring r holds the frequencies (kx, ky) of the
// centred 2-D DFT with round(√(kx² + ky²)) = r, r = 0 … ⌊n/2⌋ (the corners beyond
// Nyquist are left out). Crossings are spatial frequencies in cycles/pixel, r/n,
// between 0 and 0.5.
import { fft2InPlace } from './fft';
import { checkSameSize, type RealImage } from './image';

export interface FrcCurve {
  /** Side n of the square the rings were taken on; ring r is at frequency r/n cycles/pixel. */
  size: number;
  /**
   * Correlation per ring, |Σ F1·F2*| / √(Σ|F1|²·Σ|F2|²). Ring 0 (the mean alone, which
   * phase alignment sets to zero) is 1 by definition; a ring where either image has no
   * energy is 0.
   */
  correlation: Float64Array;
  /** n_r, the frequencies in each ring. */
  pixels: Float64Array;
}

export interface FrcResolution {
  /** First crossing of 0.5, cycles/pixel; null if the curve never falls below it. */
  frc50: number | null;
  /** First crossing of 1/7, cycles/pixel; null if none. */
  frc_1_7: number | null;
  /** First crossing of the half-bit curve (van Heel & Schatz 2005), cycles/pixel; null if none. */
  frc_halfbit: number | null;
}

export function fourierRingCorrelation(a: RealImage, b: RealImage): FrcCurve {
  checkSameSize(a, b, 'FRC');
  const n = Math.min(a.height, a.width);
  const { re, im } = pairSpectrum(a, b, n);
  const rings = Math.floor(n / 2) + 1;
  const crossRe = new Float64Array(rings);
  const crossIm = new Float64Array(rings);
  const power1 = new Float64Array(rings);
  const power2 = new Float64Array(rings);
  const pixels = new Float64Array(rings);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Signed frequencies of the unshifted DFT: the radius is that of the fftshift-ed one.
      const r = Math.round(Math.hypot(signedFrequency(i, n), signedFrequency(j, n)));
      if (r >= rings) continue;
      // Z = F1 + i·F2 with F1, F2 Hermitian: F1(k) = (Z(k) + Z(−k)*)/2, F2(k) = (Z(k) − Z(−k)*)/2i.
      const k = i * n + j;
      const mirror = ((n - i) % n) * n + ((n - j) % n);
      const re1 = (re[k] + re[mirror]) / 2;
      const im1 = (im[k] - im[mirror]) / 2;
      const re2 = (im[k] + im[mirror]) / 2;
      const im2 = (re[mirror] - re[k]) / 2;
      crossRe[r] += re1 * re2 + im1 * im2;
      crossIm[r] += im1 * re2 - re1 * im2;
      power1[r] += re1 * re1 + im1 * im1;
      power2[r] += re2 * re2 + im2 * im2;
      pixels[r] += 1;
    }
  }
  const correlation = new Float64Array(rings);
  correlation[0] = 1;
  for (let r = 1; r < rings; r++) {
    const norm = Math.sqrt(power1[r] * power2[r]);
    correlation[r] = norm > 0 ? Math.hypot(crossRe[r], crossIm[r]) / norm : 0;
  }
  return { size: n, correlation, pixels };
}

/** The half-bit threshold for a ring of nPixels frequencies (van Heel & Schatz 2005). */
export function halfBitThreshold(nPixels: number): number {
  const root = Math.sqrt(nPixels);
  return (0.2071 + 1.9102 / root) / (1.2071 + 0.9102 / root);
}

/**
 * The first frequency (cycles/pixel) where the curve falls below the threshold,
 * interpolated linearly between the last ring at or above it and the first below.
 */
export function firstCrossing(curve: FrcCurve, threshold: (ring: number) => number): number | null {
  const { correlation, size } = curve;
  for (let r = 1; r < correlation.length; r++) {
    const below = correlation[r] - threshold(r);
    if (below < 0) {
      const above = correlation[r - 1] - threshold(r - 1);
      // The half-bit curve is 1 at ring 0 (n_0 = 1), where the correlation is 1 too, so
      // `above` may be a rounding either side of 0: the crossing is then ring 0 itself.
      const t = above > 1e-12 ? above / (above - below) : 0;
      return (r - 1 + t) / size;
    }
  }
  return null;
}

export function frcResolution(curve: FrcCurve): FrcResolution {
  return {
    frc50: firstCrossing(curve, () => 0.5),
    frc_1_7: firstCrossing(curve, () => 1 / 7),
    frc_halfbit: firstCrossing(curve, (r) => halfBitThreshold(curve.pixels[r])),
  };
}

function signedFrequency(index: number, n: number): number {
  return index <= n / 2 ? index : index - n;
}

/** The DFT of a + i·b over their centred n×n squares: both real spectra from one transform. */
function pairSpectrum(a: RealImage, b: RealImage, n: number): { re: Float64Array; im: Float64Array } {
  const top = Math.floor((a.height - n) / 2);
  const left = Math.floor((a.width - n) / 2);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const start = (top + i) * a.width + left;
    re.set(a.data.subarray(start, start + n), i * n);
    im.set(b.data.subarray(start, start + n), i * n);
  }
  fft2InPlace(re, im, n, n);
  return { re, im };
}
