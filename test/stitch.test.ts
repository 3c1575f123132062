import { describe, expect, it } from 'vitest';

import type { JsTensor } from '../lib/native/binding';
import { coveringCrop } from '../lib/stitch/coveringCrop';
import { patchPositions, Stitcher, stitchGeometry } from '../lib/stitch/Stitcher';
import { rng } from './helpers/oracle';

const N = 16;
const crop = 8;

function patches(count: number, fill: (p: number, y: number, x: number) => [number, number]): JsTensor {
  const data = new Float32Array(count * N * N * 2);
  for (let p = 0; p < count; p++) {
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const [re, im] = fill(p, y, x);
        data[2 * ((p * N + y) * N + x)] = re;
        data[2 * ((p * N + y) * N + x) + 1] = im;
      }
    }
  }
  return { dtype: 'complex64', shape: [count, N, N], data };
}

/** Object-grid coordinate → [row, col] on the stitched canvas. */
function pixelOf(origin: [number, number], x: number, y: number): [number, number] {
  return [y - origin[1], x - origin[0]];
}

describe('stitching (reference §7)', () => {
  it('sizes the canvas as crop + 2·pad with pad = ceil(max |offset|) rounded up to even', () => {
    const g = stitchGeometry(Float64Array.from([10, 10, 13.2, 10, 10, 16.5]), 20);
    // mean (11.07, 12.17); max |offset| = 4.33 → pad 5 → 6
    expect(g.pad).toBe(6);
    expect(g.size).toBe(32);
    expect(g.origin[0]).toBeCloseTo(11.0667 - 6 - 10, 3);
  });

  it('puts a single-impulse patch pixel back at its object-grid coordinate', () => {
    // Patch pixel (j, i) sits at object coordinate pos − N/2 + (j, i) (reference §1).
    // Integer mean (42, 32), so canvas pixels sit on integer object coordinates.
    const positions = Float64Array.from([40, 30, 44, 30, 42, 36]);
    const stitcher = new Stitcher(positions, crop);
    // Impulse at patch pixel (row 9, col 6) of patch 1 only: object (x, y) = (44 − 8 + 6, 30 − 8 + 9) = (42, 31).
    stitcher.add(
      patches(3, (p, y, x) => (p === 1 && y === 9 && x === 6 ? [5, -2] : [0, 0])),
      positions,
    );
    const out = stitcher.finish();
    const [row, col] = pixelOf(out.origin, 42, 31);
    expect(Number.isInteger(row) && Number.isInteger(col)).toBe(true);
    const lit: number[][] = [];
    for (let i = 0; i < out.height * out.width; i++) {
      if (out.amplitude[i] > 1e-6) lit.push([Math.floor(i / out.width), i % out.width]);
    }
    expect(lit).toEqual([[row, col]]);
    const k = row * out.width + col;
    // Patch 0's crop (zeros there) also covers (42, 31): the average of two crops.
    expect(out.object.data[2 * k]).toBeCloseTo(5 / 2, 5);
    expect(out.object.data[2 * k + 1]).toBeCloseTo(-2 / 2, 5);
  });

  it('averages two overlapping constant patches where they overlap', () => {
    const positions = Float64Array.from([20, 20, 24, 20]);
    const stitcher = new Stitcher(positions, crop);
    stitcher.add(
      patches(2, (p) => (p === 0 ? [1, 0] : [3, 0])),
      positions,
    );
    const out = stitcher.finish();
    const at = (x: number, y: number) => {
      const [r, c] = pixelOf(out.origin, x, y);
      return out.object.data[2 * (r * out.width + c)];
    };
    // Crops cover x ∈ [16, 23] and [20, 27].
    expect(at(17, 20)).toBeCloseTo(1, 5);
    expect(at(21, 20)).toBeCloseTo(2, 5);
    expect(at(26, 20)).toBeCloseTo(3, 5);
  });

  it('streams: adding in chunks equals adding at once', () => {
    const positions = Float64Array.from({ length: 40 }, (_, i) => 30 + ((i * 7.3) % 11));
    const all = patches(20, (p, y, x) => [Math.sin(p + y * 0.3), Math.cos(x * 0.2 - p)]);
    const once = new Stitcher(positions, crop);
    once.add(all, positions);
    const chunked = new Stitcher(positions, crop);
    for (let first = 0; first < 20; first += 6) {
      const count = Math.min(6, 20 - first);
      chunked.add(
        {
          dtype: 'complex64',
          shape: [count, N, N],
          data: all.data.subarray(first * N * N * 2, (first + count) * N * N * 2),
        },
        positions.subarray(first * 2, (first + count) * 2),
      );
    }
    const a = once.finish();
    const b = chunked.finish();
    expect(Array.from(b.object.data)).toEqual(Array.from(a.object.data));
  });

  it('gridsize 2: places each group object at its group centre', () => {
    // One group, centre (50, 50), members at centre − p_c.
    const centres = Float64Array.from([50, 50]);
    const relative = Float64Array.from([2, 2, -2, 2, 2, -2, -2, -2]);
    const absolute = patchPositions(centres, relative, 4);
    expect(Array.from(absolute)).toEqual([48, 48, 52, 48, 48, 52, 52, 52]);
    const stitcher = new Stitcher(absolute, crop);
    stitcher.add(
      patches(4, () => [1, 0]),
      absolute,
    );
    const out = stitcher.finish();
    // The union of the crops is centred on the group centre: its weighted centroid is (50, 50).
    let sx = 0;
    let sy = 0;
    let total = 0;
    for (let r = 0; r < out.height; r++) {
      for (let c = 0; c < out.width; c++) {
        const a = out.amplitude[r * out.width + c];
        sx += a * (c + out.origin[0]);
        sy += a * (r + out.origin[1]);
        total += a;
      }
    }
    expect(sx / total).toBeCloseTo(50 - 0.5, 6); // crop pixels span pos − crop/2 … pos + crop/2 − 1
    expect(sy / total).toBeCloseTo(50 - 0.5, 6);
  });
});

describe('the crop a scan needs (coveringCrop)', () => {
  /** A jittered raster of side × side positions `step` apart. */
  function raster(side: number, step: number, jitter = 0): Float64Array {
    const random = rng(5);
    const out = new Float64Array(2 * side * side);
    for (let i = 0; i < side * side; i++) {
      out[2 * i] = 100 + (i % side) * step + jitter * (random() - 0.5);
      out[2 * i + 1] = 100 + Math.floor(i / side) * step + jitter * (random() - 0.5);
    }
    return out;
  }

  it("is within PtychoPINN's 20 px for a raster of step 8", () => {
    expect(coveringCrop(raster(10, 8))).toBeLessThanOrEqual(20);
  });

  it('grows with a sparse, jittered scan until its stitched object has no hole inside the scan', () => {
    const positions = raster(6, 14, 6);
    const needed = coveringCrop(positions);
    expect(needed).toBeGreaterThan(14);
    expect(needed % 2).toBe(0);
    const patchSide = needed + 2;
    const ones = (count: number): JsTensor => ({
      dtype: 'complex64',
      shape: [count, patchSide, patchSide],
      data: new Float32Array(2 * count * patchSide * patchSide).map((_, k) => (k % 2 ? 0 : 1)),
    });
    const stitched = (crop: number) => {
      using stitcher = new Stitcher(positions, crop);
      stitcher.add(ones(positions.length / 2), positions);
      return stitcher.finish();
    };
    // Pixels between the outermost rows and columns of the scan, well inside its hull.
    const holes = (s: ReturnType<typeof stitched>) => {
      let count = 0;
      for (let y = 110; y < 160; y++) {
        for (let x = 110; x < 160; x++) {
          const [r, c] = pixelOf(s.origin, x, y);
          if (s.amplitude[Math.round(r) * s.width + Math.round(c)] < 0.5) count += 1;
        }
      }
      return count;
    };
    expect(holes(stitched(needed))).toBe(0);
    expect(holes(stitched(8))).toBeGreaterThan(0);
  });
});
