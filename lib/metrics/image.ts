// The images the metrics compare. Row-major, pixel (row i, column j) at object-grid
// coordinate (x = j, y = i) relative to the image's origin; complex data interleaved
// (re, im) as everywhere else in ptychopinn (lib/io/ndarray.ts).

export interface RealImage {
  height: number;
  width: number;
  data: Float64Array;
}

export interface ComplexImage {
  height: number;
  width: number;
  /** 2·height·width values, (re, im) per pixel. Float32 as stitched, or float64. */
  data: Float32Array | Float64Array;
}

export function checkReal(image: RealImage, what: string): void {
  checkSize(image.height, image.width, what);
  if (image.data.length !== image.height * image.width) {
    throw new RangeError(`${what} is ${image.height}×${image.width} but holds ${image.data.length} values`);
  }
}

export function checkComplex(image: ComplexImage, what: string): void {
  checkSize(image.height, image.width, what);
  if (image.data.length !== 2 * image.height * image.width) {
    throw new RangeError(
      `${what} is ${image.height}×${image.width} complex (interleaved) but holds ${image.data.length} values, ` +
        `not ${2 * image.height * image.width}`,
    );
  }
}

export function checkSameSize(a: RealImage, b: RealImage, what: string): void {
  checkReal(a, `${what}: first image`);
  checkReal(b, `${what}: second image`);
  if (a.height !== b.height || a.width !== b.width) {
    throw new RangeError(`${what} needs images of one size, got ${a.height}×${a.width} and ${b.height}×${b.width}`);
  }
}

function checkSize(height: number, width: number, what: string): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`${what} must have a positive integer size, got ${height}×${width}`);
  }
}

export function amplitudeOf(image: ComplexImage): RealImage {
  const data = new Float64Array(image.height * image.width);
  for (let i = 0; i < data.length; i++) data[i] = Math.hypot(image.data[2 * i], image.data[2 * i + 1]);
  return { height: image.height, width: image.width, data };
}

/** Phase in radians, as atan2 gives it. */
export function phaseOf(image: ComplexImage): RealImage {
  const data = new Float64Array(image.height * image.width);
  for (let i = 0; i < data.length; i++) data[i] = Math.atan2(image.data[2 * i + 1], image.data[2 * i]);
  return { height: image.height, width: image.width, data };
}

export function mean(image: RealImage): number {
  let sum = 0;
  for (const value of image.data) sum += value;
  return sum / image.data.length;
}
