// Grouping (reference §7): neighbours are the nearest, by brute force; seeded; oversampling.
import { describe, expect, it } from 'vitest';

import { groupPositions } from '../lib/data/grouping';
import { Rng } from '../lib/random/rng';

/** A jittered raster of M positions, 4 px apart. */
function scan(M: number, seed = 3): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const side = Math.ceil(Math.sqrt(M));
  const x = new Float64Array(M).map((_, i) => (i % side) * 4 + rng.uniform() * 2);
  const y = new Float64Array(M).map((_, i) => Math.floor(i / side) * 4 + rng.uniform() * 2);
  return { x, y };
}

/** Distances from position s to all others, ascending. */
function sortedDistances(x: Float64Array, y: Float64Array, s: number): number[] {
  const d: number[] = [];
  for (let i = 0; i < x.length; i += 1) if (i !== s) d.push(Math.hypot(x[i] - x[s], y[i] - y[s]));
  return d.sort((a, b) => a - b);
}

describe('groupPositions', () => {
  it('gridsize 1: one group per position, p = 0', () => {
    const { x, y } = scan(50);
    const groups = groupPositions(x, y);
    expect(groups.C).toBe(1);
    expect(Array.from(groups.indices)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(groups.relativePositions.every((p) => p === 0)).toBe(true);
    expect(groupPositions(x, y, { nGroups: 10, seed: 4 }).count).toBe(10);
  });

  it('K = C: each group is exactly the K nearest other positions of its seed (brute force)', () => {
    const { x, y } = scan(400);
    const groups = groupPositions(x, y, { gridsize: 2, neighborCount: 4, nGroups: 150, seed: 7 });
    expect(groups.count).toBe(150);
    for (let g = 0; g < groups.count; g += 1) {
      const seed = groups.seeds[g];
      const members = Array.from(groups.indices.subarray(g * 4, g * 4 + 4));
      expect(new Set(members).size).toBe(4);
      expect(members).not.toContain(seed);
      const got = members.map((i) => Math.hypot(x[i] - x[seed], y[i] - y[seed])).sort((a, b) => a - b);
      expect(got).toEqual(sortedDistances(x, y, seed).slice(0, 4));
    }
  });

  it('K > C: members are drawn from the K nearest, centre and p = −(pos − centre)', () => {
    const { x, y } = scan(300);
    const groups = groupPositions(x, y, { gridsize: 2, neighborCount: 7, seed: 2 });
    expect(groups.count).toBe(300);
    for (let g = 0; g < groups.count; g += 1) {
      const seed = groups.seeds[g];
      const limit = sortedDistances(x, y, seed)[6];
      let cx = 0;
      let cy = 0;
      for (let c = 0; c < 4; c += 1) {
        const i = groups.indices[g * 4 + c];
        expect(Math.hypot(x[i] - x[seed], y[i] - y[seed])).toBeLessThanOrEqual(limit);
        cx += x[i] / 4;
        cy += y[i] / 4;
      }
      expect(groups.centres[2 * g]).toBeCloseTo(cx, 10);
      expect(groups.centres[2 * g + 1]).toBeCloseTo(cy, 10);
      const i0 = groups.indices[g * 4];
      expect(groups.relativePositions[8 * g]).toBeCloseTo(-(x[i0] - cx), 10);
      expect(groups.relativePositions[8 * g + 1]).toBeCloseTo(-(y[i0] - cy), 10);
    }
  });

  it('is reproducible by seed, and the seed matters', () => {
    const { x, y } = scan(200);
    const a = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 100, seed: 11 });
    const b = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 100, seed: 11 });
    const c = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 100, seed: 12 });
    expect(b.indices).toEqual(a.indices);
    expect(c.indices).not.toEqual(a.indices);
  });

  it('oversamples K choose C when more groups than positions are asked for', () => {
    const { x, y } = scan(100);
    const groups = groupPositions(x, y, { gridsize: 2, neighborCount: 6, nGroups: 700, seed: 5 });
    expect(groups.count).toBe(700);
    const distinct = new Set<string>();
    for (let g = 0; g < groups.count; g += 1) {
      const members = Array.from(groups.indices.subarray(g * 4, g * 4 + 4));
      distinct.add([...members].sort((p, q) => p - q).join(','));
      const limit = sortedDistances(x, y, groups.seeds[g])[5];
      for (const i of members) {
        expect(Math.hypot(x[i] - x[groups.seeds[g]], y[i] - y[groups.seeds[g]])).toBeLessThanOrEqual(limit);
      }
    }
    expect(distinct.size).toBe(700);
    expect(groups.notes.join()).toMatch(/K choose C oversampling \(K = 6, C = 4\)/);
  });

  it('refuses K < C and too few positions, naming the fix', () => {
    const { x, y } = scan(20);
    expect(() => groupPositions(x, y, { gridsize: 2, neighborCount: 3 })).toThrow(
      /neighborCount K = 3 is smaller than the group size C = 4 \(gridsize 2\); pass neighborCount ≥ 4/,
    );
    expect(() => groupPositions(x.subarray(0, 3), y.subarray(0, 3), { gridsize: 2 })).toThrow(
      /3 positions cannot make groups of C = 4/,
    );
  });

  it('groups 100,000 positions in well under the benchmark second', () => {
    const { x, y } = scan(100_000);
    const start = performance.now();
    const groups = groupPositions(x, y, { gridsize: 2, seed: 1 });
    expect(groups.count).toBe(100_000);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});
