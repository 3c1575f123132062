// Simulated ptychography datasets with ground truth: an object, a probe and a scan,
// diffracted by the native far-field model and counted with Poisson noise.
import type { PtychoDataset } from '../data/dataset';
import { checkPatternSizeN } from '../config/schema';
import { DatasetError } from '../data/errors';
import type { JsTensor } from '../native/binding';
import { diffractionAmplitude } from '../physics';
import { poisson } from '../random/poisson';
import { Rng } from '../random/rng';
import { grfObject } from './grf';
import { linesObject } from './lines';
import { cutPatches } from './patches';
import { pngObject } from './pngObject';
import { objectSizeFor, scanPositions, type PositionSpec } from './positions';
import { defaultProbe, diskProbe, type DiskProbeOptions } from './probes';

export type ObjectSpec =
  { kind: 'lines' } | { kind: 'grf'; beta?: number } | { kind: 'png'; amplitude: string; phase?: string };

export type ProbeSpec = { kind: 'default' } | ({ kind: 'disk' } & DiskProbeOptions);

export interface SimulateOptions {
  /** Patch (and pattern) size, a power of two ≥ 32 (PtychoPINN's N). */
  N: number;
  nImages: number;
  /** Mean photons per pattern. Default 1e9. */
  nphotons?: number;
  seed?: number;
  object?: ObjectSpec;
  /** Object side in pixels (lines, grf); default: the smallest that holds the scan. */
  objectSize?: number;
  probe?: ProbeSpec;
  positions?: PositionSpec;
  /** Poisson counting noise. Default true. */
  noise?: boolean;
}

/** Patterns diffracted per native call: bounds the memory of large simulations. */
const CHUNK = 1024;

/**
 * The stored probe carries the photon scale, so that without noise the diffraction
 * equals |fftshift(fft2(probeGuess · Y, 'ortho'))| exactly and the mean Σ over each
 * pattern of diffraction² is nphotons; with noise, diffraction = sqrt(Poisson counts).
 */
export function simulate(options: SimulateOptions): PtychoDataset {
  const { nImages } = options;
  const N = patternSizeN(options.N);
  if (!Number.isInteger(nImages) || nImages < 1)
    throw new DatasetError(`nImages must be a positive integer, got ${nImages}`);
  const nphotons = options.nphotons ?? 1e9;
  if (!(nphotons > 0) || !Number.isFinite(nphotons))
    throw new DatasetError(`nphotons must be positive, got ${nphotons}`);
  const rng = new Rng(options.seed ?? 1);
  const positionSpec = options.positions ?? { kind: 'raster' };
  const objectSpec = options.object ?? { kind: 'lines' };

  const object = makeObject(objectSpec, options.objectSize ?? objectSizeFor(nImages, N, positionSpec), rng);
  const [H, W] = object.shape;
  if (H !== W) throw new DatasetError(`the object must be square for a scan, got ${H}×${W} (crop the PNG)`);
  const scan = scanPositions(nImages, N, H, positionSpec, rng);
  const probe = makeProbe(options.probe ?? { kind: 'default' }, N);

  const Y = cutPatches(object, scan.xcoords, scan.ycoords, N);
  const amplitude = new Float32Array(nImages * N * N);
  for (let start = 0; start < nImages; start += CHUNK) {
    const count = Math.min(CHUNK, nImages - start);
    const patches: JsTensor = {
      dtype: 'complex64',
      shape: [count, N, N],
      data: Y.data.subarray(2 * start * N * N, 2 * (start + count) * N * N),
    };
    amplitude.set(diffractionAmplitude(patches, probe).data, start * N * N);
  }
  let total = 0;
  for (const value of amplitude) total += value * value;
  if (!(total > 0)) throw new DatasetError('the simulated object gives no diffracted signal (an all-zero object?)');
  const scale = Math.sqrt(nphotons / (total / nImages));
  for (let k = 0; k < amplitude.length; k += 1) {
    const expected = amplitude[k] * scale;
    amplitude[k] = options.noise === false ? expected : Math.sqrt(poisson(rng, expected * expected));
  }
  const probeGuess: JsTensor = { ...probe, data: probe.data.map((value) => value * scale) };

  return {
    diffraction: { dtype: 'float32', shape: [nImages, N, N], data: amplitude },
    probeGuess,
    objectGuess: object,
    Y,
    xcoords: scan.xcoords,
    ycoords: scan.ycoords,
    xcoordsStart: scan.xcoordsStart,
    ycoordsStart: scan.ycoordsStart,
    nphotons,
    notes: [
      `simulated ${objectSpec.kind} object ${H}×${W}, ${options.probe?.kind ?? 'default'} probe, ` +
        `${nImages} ${positionSpec.kind} positions, nphotons ${nphotons}, ` +
        `${options.noise === false ? 'no noise' : 'Poisson noise'}, seed ${options.seed ?? 1}`,
    ],
  };
}

/** N as the configuration schema checks it, reported as a dataset error. */
function patternSizeN(N: number): number {
  try {
    return checkPatternSizeN(N, 'simulate');
  } catch (error) {
    throw new DatasetError((error as Error).message);
  }
}

function makeObject(spec: ObjectSpec, size: number, rng: Rng): JsTensor {
  switch (spec.kind) {
    case 'lines':
      return linesObject(size, rng);
    case 'grf':
      return grfObject(size + (size % 2), rng, spec.beta);
    case 'png':
      return pngObject(spec.amplitude, spec.phase);
  }
}

function makeProbe(spec: ProbeSpec, N: number): JsTensor {
  return spec.kind === 'disk' ? diskProbe(N, spec) : defaultProbe(N);
}
