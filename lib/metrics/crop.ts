// Puts a ground truth on a reconstruction's pixels (reference §7: a stitched image
// records the object-grid coordinate of its pixel (0, 0), its origin), and trims the
// border that both images lose before they are compared (reference §8).
import { checkComplex, type ComplexImage, type RealImage } from './image';

// Origins come from means of float positions (31.999999999996 for 32): closer than
// this to an integer they are taken as integers, so no resampling blurs the truth.
const INTEGER_TOLERANCE = 1e-6;

/**
 * The ground truth sampled at the object-grid coordinates of a height×width image
 * whose pixel (0, 0) sits at origin [x0, y0]. A fractional origin resamples it
 * bilinearly (real and imaginary parts, as reference §2 translates complex images).
 */
export function cropToRegion(
  groundTruth: ComplexImage,
  origin: readonly [number, number],
  height: number,
  width: number,
): ComplexImage {
  checkComplex(groundTruth, 'ground truth');
  const [x0, y0] = origin.map(snapToInteger);
  if (!Number.isFinite(x0) || !Number.isFinite(y0)) {
    throw new RangeError(`origin must be finite, got [${origin.join(', ')}]`);
  }
  const H = groundTruth.height;
  const W = groundTruth.width;
  if (x0 < 0 || y0 < 0 || x0 + width - 1 > W - 1 || y0 + height - 1 > H - 1) {
    throw new RangeError(
      `the reconstruction (${height}×${width}) at origin [${origin.join(', ')}] covers object-grid ` +
        `x ${x0} … ${x0 + width - 1}, y ${y0} … ${y0 + height - 1}, which is not inside the ground truth ` +
        `(${H}×${W}: x 0 … ${W - 1}, y 0 … ${H - 1})`,
    );
  }
  const source = groundTruth.data;
  const data = new Float64Array(2 * height * width);
  // Integer coordinates make the upper neighbour's weight 0; clamping its index keeps
  // the last row and column of the ground truth usable.
  const left = Math.floor(x0);
  const top = Math.floor(y0);
  const fx = x0 - left;
  const fy = y0 - top;
  const w00 = (1 - fy) * (1 - fx);
  const w01 = (1 - fy) * fx;
  const w10 = fy * (1 - fx);
  const w11 = fy * fx;
  for (let i = 0; i < height; i++) {
    const r0 = top + i;
    const r1 = Math.min(r0 + 1, H - 1);
    for (let j = 0; j < width; j++) {
      const c0 = left + j;
      const c1 = Math.min(c0 + 1, W - 1);
      for (let part = 0; part < 2; part++) {
        data[2 * (i * width + j) + part] =
          w00 * source[2 * (r0 * W + c0) + part] +
          w01 * source[2 * (r0 * W + c1) + part] +
          w10 * source[2 * (r1 * W + c0) + part] +
          w11 * source[2 * (r1 * W + c1) + part];
      }
    }
  }
  return { height, width, data };
}

function snapToInteger(value: number): number {
  const nearest = Math.round(value);
  return Math.abs(value - nearest) < INTEGER_TOLERANCE ? nearest : value;
}

/** The image without `border` pixels on each side. */
export function trimBorder(image: RealImage, border: number): RealImage {
  const height = image.height - 2 * border;
  const width = image.width - 2 * border;
  if (height < 1 || width < 1) {
    throw new RangeError(`a border of ${border} px leaves nothing of a ${image.height}×${image.width} image`);
  }
  const data = new Float64Array(height * width);
  for (let i = 0; i < height; i++) {
    const start = (i + border) * image.width + border;
    data.set(image.data.subarray(start, start + width), i * width);
  }
  return { height, width, data };
}
