// Separable Gaussian blur as scipy.ndimage.gaussian_filter computes it (mode
// 'reflect', kernel truncated at 4 σ), which PtychoPINN's generators use.

export function gaussianBlur(image: Float64Array, height: number, width: number, sigma: number): Float64Array {
  const radius = Math.round(4 * sigma);
  const kernel = new Float64Array(2 * radius + 1).map((_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((sum, value) => sum + value, 0);
  kernel.forEach((value, k) => (kernel[k] = value / total));
  const rows = new Float64Array(image.length);
  for (let i = 0; i < height; i += 1) {
    for (let j = 0; j < width; j += 1) {
      let sum = 0;
      for (let k = -radius; k <= radius; k += 1) sum += kernel[k + radius] * image[i * width + reflect(j + k, width)];
      rows[i * width + j] = sum;
    }
  }
  const out = new Float64Array(image.length);
  for (let i = 0; i < height; i += 1) {
    for (let j = 0; j < width; j += 1) {
      let sum = 0;
      for (let k = -radius; k <= radius; k += 1) sum += kernel[k + radius] * rows[reflect(i + k, height) * width + j];
      out[i * width + j] = sum;
    }
  }
  return out;
}

/** scipy's 'reflect': d c b a | a b c d | d c b a. */
function reflect(index: number, size: number): number {
  const period = 2 * size;
  let k = ((index % period) + period) % period;
  if (k >= size) k = period - 1 - k;
  return k;
}
