// Physics refinement of a stitched reconstruction: the network's object is the
// starting point of a fit of the far-field model (reference §3: illumination, far
// field) to the scan's own measured amplitudes, with the object (and optionally the
// probe) as the free variables. It uses nothing but the measurement, so it applies
// to any scan, simulated or real; what it changed is reported as the R-factor
// Σ| |F| − A | / Σ A before and after.
import { DEFAULT_CONFIG } from '../config/schema';
import { goodPixelMask, patternCount, patternSize, type PtychoDataset } from '../data/dataset';
import { addon } from '../native';
import type { JsTensor, NativeRefineOptions, RefineIteration } from '../native/binding';
import { stitchedWindow, type StitchedObject } from '../stitch/Stitcher';

export interface RefineOptions extends NativeRefineOptions {
  signal?: AbortSignal;
  onIteration?: (record: RefineIteration) => void;
}

export interface RefinementSummary {
  iterations: number;
  /** Σ| |F| − A | / Σ A of the network's object (at the data's level) and of the refined one. */
  initialRFactor: number;
  finalRFactor: number;
  probeRefined: boolean;
  aborted: boolean;
  seconds: number;
  history: RefineIteration[];
}

export interface RefinedObject {
  /** The refined object on the stitched object's grid (same origin and size). */
  stitched: StitchedObject;
  /** The probe the fit ended with (the dataset's unless refineProbe). */
  probe: JsTensor;
  summary: RefinementSummary;
}

/**
 * Patterns per Adam step: 64, but at least 8 steps per pass, since convergence goes
 * with the number of steps (a 64-pattern scan otherwise gets one step per pass).
 */
export function defaultRefineBatchSize(patterns: number): number {
  return Math.max(1, Math.min(64, Math.ceil(patterns / 8)));
}

/**
 * The fit runs on a grid that extends the stitched one until every pattern's whole
 * patch lies on it (the stitched object covers only the central crops); the result
 * is cut back to the stitched grid, so it compares pixel for pixel with the network's.
 */
export async function refineObject(
  stitched: StitchedObject,
  data: PtychoDataset,
  options: RefineOptions = {},
): Promise<RefinedObject> {
  const { signal, onIteration, ...nativeOptions } = options;
  signal?.throwIfAborted();
  const N = patternSize(data);
  const M = patternCount(data);
  const grid = refinementGrid(stitched, data.xcoords, data.ycoords, N);
  const corners = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    corners[2 * i] = data.xcoords[i] - N / 2 - grid.origin[0];
    corners[2 * i + 1] = data.ycoords[i] - N / 2 - grid.origin[1];
  }
  const started = performance.now();
  const job = addon().binding.refineObject(
    {
      object: embed(stitched, grid),
      probe: data.probeGuess,
      amplitudes: data.diffraction,
      corners: { dtype: 'float64', shape: [M, 2], data: corners },
      mask: goodPixelMask(data),
    },
    {
      iterations: DEFAULT_CONFIG.refine_iterations,
      refineProbe: DEFAULT_CONFIG.refine_probe,
      batchSize: defaultRefineBatchSize(M),
      ...nativeOptions,
    },
    onIteration,
  );
  const abort = () => job.abort();
  signal?.addEventListener('abort', abort, { once: true });
  let result;
  try {
    result = await job.promise;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  signal?.throwIfAborted();
  return {
    stitched: cutOut(result.object, grid, stitched),
    probe: result.probe,
    summary: {
      iterations: result.history.length,
      initialRFactor: result.initialRFactor,
      finalRFactor: result.finalRFactor,
      probeRefined: nativeOptions.refineProbe ?? DEFAULT_CONFIG.refine_probe,
      aborted: result.aborted,
      seconds: (performance.now() - started) / 1000,
      history: result.history,
    },
  };
}

interface Grid {
  origin: [number, number];
  width: number;
  height: number;
  /** Where the stitched object's pixel (0, 0) lies on the grid. */
  left: number;
  top: number;
}

function refinementGrid(stitched: StitchedObject, xcoords: Float64Array, ycoords: Float64Array, N: number): Grid {
  // Patch pixels span [corner, corner + N − 1]; bilinear taps reach one further.
  const reach = (coords: Float64Array, origin: number, size: number) => {
    let low = 0;
    let high = size;
    for (const c of coords) {
      const corner = c - N / 2 - origin;
      low = Math.min(low, Math.floor(corner));
      high = Math.max(high, Math.floor(corner) + N + 1);
    }
    return { before: -low, after: high - size };
  };
  const x = reach(xcoords, stitched.origin[0], stitched.width);
  const y = reach(ycoords, stitched.origin[1], stitched.height);
  return {
    origin: [stitched.origin[0] - x.before, stitched.origin[1] - y.before],
    width: stitched.width + x.before + x.after,
    height: stitched.height + y.before + y.after,
    left: x.before,
    top: y.before,
  };
}

/** The stitched object on the grid; elsewhere its mean value (no information yet). */
function embed(stitched: StitchedObject, grid: Grid): JsTensor {
  const source = stitched.object.data;
  const pixels = stitched.width * stitched.height;
  let re = 0;
  let im = 0;
  for (let k = 0; k < pixels; k++) {
    re += source[2 * k];
    im += source[2 * k + 1];
  }
  const data = new Float32Array(2 * grid.width * grid.height);
  for (let k = 0; k < grid.width * grid.height; k++) {
    data[2 * k] = re / pixels;
    data[2 * k + 1] = im / pixels;
  }
  for (let r = 0; r < stitched.height; r++) {
    const from = 2 * r * stitched.width;
    data.set(source.subarray(from, from + 2 * stitched.width), 2 * ((r + grid.top) * grid.width + grid.left));
  }
  return { dtype: 'complex64', shape: [grid.height, grid.width], data };
}

function cutOut(object: JsTensor, grid: Grid, like: StitchedObject): StitchedObject {
  const rect = { top: grid.top, left: grid.left, height: like.height, width: like.width };
  return stitchedWindow(object.data, grid.width, rect, like.origin);
}
