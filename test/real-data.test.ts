// Real measured data (test/helpers/realData.ts): tike's Siemens star, 516 frames of
// photon counts from the Velociprobe, cropped to 64 × 64 (95 % of the photons). No
// ground truth exists, so what is checked is what a scientist checks: the model fits
// the data's level, the stitched network object has no holes, refinement makes the
// object explain the measured patterns (R-factor), and two independent halves of the
// scan give the same image.
import { describe, expect, it } from 'vitest';

import type { PtychoDataset } from '../lib/data/dataset';
import { loadDataset } from '../lib/data/datasetFile';
import { refineObject } from '../lib/refine/refineObject';
import type { StitchedObject } from '../lib/stitch/Stitcher';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { realDataFile } from './helpers/realData';

const file = realDataFile();
const N = 64;

/** The patterns whose index passes `keep`, as a dataset of their own. */
function subset(data: PtychoDataset, keep: (m: number) => boolean): PtychoDataset {
  const indices = [...data.xcoords.keys()].filter(keep);
  const plane = N * N;
  const amplitudes = new Float32Array(indices.length * plane);
  indices.forEach((m, k) => amplitudes.set(data.diffraction.data.subarray(m * plane, (m + 1) * plane), k * plane));
  return {
    ...data,
    diffraction: { dtype: 'float32', shape: [indices.length, N, N], data: amplitudes },
    xcoords: Float64Array.from(indices, (m) => data.xcoords[m]),
    ycoords: Float64Array.from(indices, (m) => data.ycoords[m]),
  };
}

/** A flat object over the scan's extent: a start that knows nothing. */
function flatStart(data: PtychoDataset): StitchedObject {
  const [x0, x1] = [Math.min(...data.xcoords), Math.max(...data.xcoords)];
  const [y0, y1] = [Math.min(...data.ycoords), Math.max(...data.ycoords)];
  const [width, height] = [Math.ceil(x1 - x0), Math.ceil(y1 - y0)];
  return {
    object: {
      dtype: 'complex64',
      shape: [height, width],
      data: new Float32Array(2 * width * height).map((_, k) => (k % 2 ? 0 : 1)),
    },
    amplitude: new Float32Array(width * height).fill(1),
    phase: new Float32Array(width * height),
    height,
    width,
    origin: [x0, y0],
  };
}

/** |⟨a − ā, b − b̄⟩| / (‖a − ā‖ ‖b − b̄‖) over the interior: 1 for the same image up to scale and phase. */
function contrastCorrelation(a: StitchedObject, b: StitchedObject, margin: number): number {
  const pixels: number[] = [];
  for (let r = margin; r < a.height - margin; r++)
    for (let c = margin; c < a.width - margin; c++) pixels.push(r * a.width + c);
  const mean = (d: Float32Array | Float64Array) => {
    let [re, im] = [0, 0];
    for (const p of pixels) [re, im] = [re + d[2 * p], im + d[2 * p + 1]];
    return [re / pixels.length, im / pixels.length];
  };
  const [A, B] = [a.object.data, b.object.data];
  const [ma, mb] = [mean(A), mean(B)];
  let [re, im, na, nb] = [0, 0, 0, 0];
  for (const p of pixels) {
    const [a0, a1, b0, b1] = [A[2 * p] - ma[0], A[2 * p + 1] - ma[1], B[2 * p] - mb[0], B[2 * p + 1] - mb[1]];
    re += a0 * b0 + a1 * b1;
    im += a1 * b0 - a0 * b1;
    na += a0 * a0 + a1 * a1;
    nb += b0 * b0 + b1 * b1;
  }
  return Math.hypot(re, im) / Math.sqrt(na * nb);
}

describe.runIf(file)("real measured data: tike's Siemens star (Velociprobe, APS)", () => {
  it('loads as photon counts, cropped to 64², with positions and probe moved to the coarser grid', async () => {
    const data = await loadDataset(file!, { cropTo: N });
    expect(data.diffraction.shape).toEqual([516, N, N]);
    expect(data.probeGuess.shape).toEqual([N, N]);
    // ≈ 4.6e5 counts per frame, 95 % of them in the central 64 × 64.
    expect(data.nphotons).toBeGreaterThan(4e5);
    expect(data.nphotons).toBeLessThan(4.7e5);
    expect(data.notes.join('\n')).toMatch(/read as tike's arrays/);
    expect(data.notes.join('\n')).toMatch(/positions divided by 2/);
    // The first window starts at pixel 0 of the (coarser) object grid.
    expect(Math.min(...data.xcoords)).toBeCloseTo(N / 2, 6);
  });

  it('trained briefly, then reconstructed: no saturation, no holes, and refinement explains the data', async () => {
    const data = await loadDataset(file!, { cropTo: N });
    const reconstructor = Reconstructor.create({ N, n_filters_scale: 1, nepochs: 1, seed: 1, device: 'cpu' }, {});
    try {
      await reconstructor.train(data);
      const result = await reconstructor.reconstruct(data);
      expect(result.saturatedFraction).toBeLessThan(0.05);
      // The network's stitched object reaches every pixel of the scan's interior.
      const network = result.network!;
      let holes = 0;
      for (let r = 20; r < network.height - 20; r++) {
        for (let c = 20; c < network.width - 20; c++) if (network.amplitude[r * network.width + c] === 0) holes += 1;
      }
      expect(holes).toBe(0);
      // Measured: 0.36 → 0.12 (60 passes, probe refined).
      const { initialRFactor, finalRFactor, probeRefined } = result.refinement!;
      expect(probeRefined).toBe(true);
      expect(finalRFactor).toBeLessThan(0.2);
      expect(finalRFactor).toBeLessThan(initialRFactor / 2);
    } finally {
      reconstructor.dispose();
    }
  }, 120_000);

  it('gives the same image from two independent halves of the scan', async () => {
    const data = await loadDataset(file!, { cropTo: N });
    const start = flatStart(data);
    const [even, odd] = await Promise.all([
      refineObject(
        start,
        subset(data, (m) => m % 2 === 0),
      ),
      refineObject(
        start,
        subset(data, (m) => m % 2 === 1),
      ),
    ]);
    // Measured 0.78 (50 passes each, probe refined); without the probe refined 0.64 ± noise.
    expect(contrastCorrelation(even.stitched, odd.stitched, 10)).toBeGreaterThan(0.65);
  }, 60_000);
});
