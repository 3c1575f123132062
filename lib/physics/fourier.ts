// Forward and inverse 2-D FFTs (ortho) on top of the native far-field operator
// fftshift(fft2(·, 'ortho')), so that the simulator needs no FFT of its own.
import type { JsTensor } from '../native/binding';
import { farField } from './farField';

/** fft2(x, 'ortho') of a complex64 (…, H, W) tensor with even H and W. */
export function orthoFft2(x: JsTensor): JsTensor {
  return shiftHalf(farField(x));
}

/** ifft2(y, 'ortho') = conj(fft2(conj(y))). */
export function orthoIfft2(y: JsTensor): JsTensor {
  return conjugate(orthoFft2(conjugate(y)));
}

/** fftshift (= ifftshift for even sizes) over the last two dimensions. */
export function shiftHalf(x: JsTensor): JsTensor {
  const H = x.shape[x.shape.length - 2];
  const W = x.shape[x.shape.length - 1];
  if (H % 2 !== 0 || W % 2 !== 0) throw new RangeError(`shiftHalf needs even sizes, got ${H}×${W}`);
  const plane = H * W;
  const data = new Float32Array(x.data.length);
  for (let base = 0; base < data.length / 2; base += plane) {
    for (let i = 0; i < H; i += 1) {
      const row = (i + H / 2) % H;
      for (let j = 0; j < W; j += 1) {
        const from = 2 * (base + i * W + j);
        const to = 2 * (base + row * W + ((j + W / 2) % W));
        data[to] = x.data[from];
        data[to + 1] = x.data[from + 1];
      }
    }
  }
  return { dtype: 'complex64', shape: [...x.shape], data };
}

function conjugate(x: JsTensor): JsTensor {
  const data = Float32Array.from(x.data);
  for (let k = 1; k < data.length; k += 2) data[k] = -data[k];
  return { dtype: 'complex64', shape: [...x.shape], data };
}
