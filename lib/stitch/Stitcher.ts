// Stitching of reference §7 (PtychoPINN's reassemble_position) on the native
// scatter-add canvas. The canvas geometry comes from all scan positions up front,
// so patches can then arrive chunk by chunk: memory is the canvas plus one chunk.
import { addon } from '../native';
import type { JsTensor, NativeStitchCanvas } from '../native/binding';

export interface StitchGeometry {
  /** Canvas side: crop + 2·pad. */
  size: number;
  pad: number;
  /** Mean scan position [x, y]. */
  mean: [number, number];
  /** Object-grid coordinate [x0, y0] of canvas pixel (0, 0). */
  origin: [number, number];
}

export interface StitchedObject {
  /** (H, W) complex64 */
  object: JsTensor;
  amplitude: Float32Array;
  phase: Float32Array;
  height: number;
  width: number;
  /** Object-grid coordinate [x0, y0] of pixel (0, 0). */
  origin: [number, number];
}

/**
 * positions: [x, y] object-grid coordinates of every patch centre. pad is
 * ceil(max |offset from the mean|) rounded up to even; crop pixel j of a patch at
 * offset o lands at canvas coordinate pad + o + j, i.e. object coordinate
 * pos − crop/2 + j, the same pixel it had in the patch.
 */
export function stitchGeometry(positions: Float64Array, crop: number): StitchGeometry {
  const count = positions.length / 2;
  if (count < 1) throw new RangeError('stitching needs at least one position');
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < count; i++) {
    sx += positions[2 * i];
    sy += positions[2 * i + 1];
  }
  const mean: [number, number] = [sx / count, sy / count];
  let reach = 0;
  for (let i = 0; i < count; i++) {
    reach = Math.max(reach, Math.abs(positions[2 * i] - mean[0]), Math.abs(positions[2 * i + 1] - mean[1]));
  }
  let pad = Math.ceil(reach);
  pad += pad % 2;
  const size = crop + 2 * pad;
  return { size, pad, mean, origin: [mean[0] - pad - crop / 2, mean[1] - pad - crop / 2] };
}

// Canvas pixels with less total splat weight than this were reached by no patch.
const COVERED = 1e-6;

export class Stitcher implements Disposable {
  readonly geometry: StitchGeometry;
  private readonly canvas: NativeStitchCanvas;

  constructor(
    allPositions: Float64Array,
    readonly crop: number,
  ) {
    this.geometry = stitchGeometry(allPositions, crop);
    this.canvas = new (addon().binding.StitchCanvas)(this.geometry.size, this.geometry.size, 'complex64');
  }

  /** Adds patches (M, N, N) complex64 centred at object-grid positions (M × [x, y]). Returns kernel ms. */
  add(patches: JsTensor, positions: Float64Array): number {
    const { pad, mean } = this.geometry;
    const centres = new Float64Array(positions.length);
    for (let i = 0; i < positions.length; i += 2) {
      centres[i] = pad + this.crop / 2 + (positions[i] - mean[0]);
      centres[i + 1] = pad + this.crop / 2 + (positions[i + 1] - mean[1]);
    }
    return this.canvas.add(patches, { dtype: 'float64', shape: [positions.length / 2, 2], data: centres }, this.crop);
  }

  /** Frees the native canvas now (finish() does too); safe to call again. */
  dispose(): void {
    this.canvas.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * The stitched object, trimmed to the pixels some patch covered (the reference's
   * square canvas overhangs a rectangular scan), with the origin moved to match.
   * Frees the native canvas.
   */
  finish(): StitchedObject {
    const { object, weight } = this.canvas.result();
    this.canvas.dispose();
    const size = this.geometry.size;
    let [top, left, bottom, right] = [size, size, -1, -1];
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        if (weight.data[r * size + c] <= COVERED) continue;
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
    const origin: [number, number] = [this.geometry.origin[0] + left, this.geometry.origin[1] + top];
    return stitchedWindow(object.data, size, { top, left, height: bottom - top + 1, width: right - left + 1 }, origin);
  }
}

/**
 * The window `rect` of an interleaved complex (·, gridWidth) image as a stitched
 * object whose pixel (0, 0) sits at object coordinate `origin`.
 */
export function stitchedWindow(
  grid: Float32Array | Float64Array,
  gridWidth: number,
  rect: { top: number; left: number; height: number; width: number },
  origin: [number, number],
): StitchedObject {
  const { top, left, height, width } = rect;
  const data = new Float32Array(height * width * 2);
  const amplitude = new Float32Array(height * width);
  const phase = new Float32Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const from = (r + top) * gridWidth + (c + left);
      const to = r * width + c;
      const re = grid[2 * from];
      const im = grid[2 * from + 1];
      data[2 * to] = re;
      data[2 * to + 1] = im;
      amplitude[to] = Math.hypot(re, im);
      phase[to] = Math.atan2(im, re);
    }
  }
  return { object: { dtype: 'complex64', shape: [height, width], data }, amplitude, phase, height, width, origin };
}

/** Absolute patch positions of grouped patches: group centre − p_c (model positions p = −(pos − centre)). */
export function patchPositions(centres: Float64Array, relative: Float64Array, C: number): Float64Array {
  const out = new Float64Array(relative.length);
  for (let g = 0; g < centres.length / 2; g++) {
    for (let c = 0; c < C; c++) {
      const k = 2 * (g * C + c);
      out[k] = centres[2 * g] - relative[k];
      out[k + 1] = centres[2 * g + 1] - relative[k + 1];
    }
  }
  return out;
}
