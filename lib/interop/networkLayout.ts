// The engines' names for each convolution of the PtychoPINN network (native/model/
// Network.cpp): an encoder of conv-relu-conv-relu-pool blocks, and for each decoder
// conv-relu-conv-relu-upsample blocks, the main convolution and the outer branch
// (an up-block and a convolution). Sequential modules count every layer, so block b's
// convolutions are entries 5b and 5b + 2.
import { ModelImportError } from './importedModel';

export type Decoder = 'amplitude' | 'phase';

export function encoderBlocks(N: number): number {
  return Math.log2(N) - 3;
}

export function decoderBlocks(N: number): number {
  return Math.log2(N) - 4;
}

export const encoderConv = (block: number, second: boolean): string =>
  `network.encoder.${5 * block + (second ? 2 : 0)}`;
export const decoderConv = (decoder: Decoder, block: number, second: boolean): string =>
  `network.${decoder}.blocks.${5 * block + (second ? 2 : 0)}`;
export const mainConv = (decoder: Decoder): string => `network.${decoder}.main`;
export const outerUpConv = (decoder: Decoder, second: boolean): string => `network.${decoder}.outer.${second ? 2 : 0}`;
export const outerConv = (decoder: Decoder): string => `network.${decoder}.outer.5`;

/** N must be a power of two from 32 up (the network pools down to 8 × 8). */
export function checkN(N: number, where: string): number {
  if (!Number.isInteger(N) || N < 32 || 2 ** Math.round(Math.log2(N)) !== N) {
    throw new ModelImportError(`${where}: N = ${N}; ptychopinn's network needs a power of two of at least 32`);
  }
  return N;
}

/** Keras' HWIO kernel (kh, kw, in, out) in the engines' OIHW layout. */
export function hwioToOihw(data: Float32Array, shape: number[]): { shape: number[]; data: Float32Array } {
  const [kh, kw, cin, cout] = shape;
  const out = new Float32Array(data.length);
  for (let h = 0; h < kh; h += 1)
    for (let w = 0; w < kw; w += 1)
      for (let i = 0; i < cin; i += 1)
        for (let o = 0; o < cout; o += 1)
          out[((o * cin + i) * kh + h) * kw + w] = data[((h * kw + w) * cin + i) * cout + o];
  return { shape: [cout, cin, kh, kw], data: out };
}
