// What cropping and binning the detector do to the rest of a dataset. A pattern of
// side n with detector pixel dq images an object patch of side n with real-space
// pixel λz/(n·dq) (far field). Centre-cropping the frames to n/k keeps dq, so the
// object pixel grows k times: positions shrink by k and the probe is resampled onto
// the coarser grid (its far field cropped the same way). Binning k × k keeps the
// object pixel and narrows the field of view: positions stay and the probe is
// centre-cropped. A probe stored at the frames' original size is converted so; one
// stored at the new size is taken as it is.
import type { JsTensor } from '../native/binding';
import { farField } from '../physics/farField';
import { orthoIfft2, shiftHalf } from '../physics/fourier';

export interface FrameChange {
  /** Side of the stored frames. */
  side: number;
  cropTo: number;
  bin: number;
}

/** How many times coarser the object grid becomes (1: unchanged). */
export function objectPixelGrowth(frames: FrameChange): number {
  return frames.side / frames.cropTo;
}

/** A (side, side) complex probe for the new frames: far field cropped to cropTo, then the centre cropTo/bin. */
export function probeForFrames(probe: JsTensor, frames: FrameChange): JsTensor {
  let out = probe;
  if (frames.cropTo !== frames.side) {
    // The far field with DC at the centre, cropped like the frames, back to real space.
    out = orthoIfft2(shiftHalf(centreCrop(farField(probe), frames.cropTo)));
  }
  return frames.bin > 1 ? centreCrop(out, frames.cropTo / frames.bin) : out;
}

/** The central side × side of a square complex image. */
function centreCrop(x: JsTensor, side: number): JsTensor {
  const n = x.shape[0];
  const offset = Math.floor(n / 2) - side / 2;
  const data = new Float32Array(2 * side * side);
  for (let r = 0; r < side; r++) {
    const from = 2 * ((r + offset) * n + offset);
    data.set(x.data.subarray(from, from + 2 * side), 2 * r * side);
  }
  return { dtype: 'complex64', shape: [side, side], data };
}
