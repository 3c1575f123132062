// Grouping of scan positions into training samples (reference §7): for each seed,
// C of its K nearest other positions, centred on their mean.
import Flatbush from 'flatbush';

import { Rng } from '../random/rng';
import { DatasetError } from './errors';

export interface GroupingOptions {
  /** Patterns per group, C = gridsize². Default 1. */
  gridsize?: number;
  /** How many groups. Default: one per position. More than M oversamples (K choose C). */
  nGroups?: number;
  /** K, the nearest other positions a group is drawn from. Default 4. */
  neighborCount?: number;
  /** Seed of the RNG that picks seeds and members. Default 0. */
  seed?: number;
}

export interface Groups {
  /** G groups of C pattern indices, row-major (G, C). */
  indices: Int32Array;
  /** The seed position of each group (G,). */
  seeds: Int32Array;
  /** Group centres, the mean member position (G, 2) [x, y]. */
  centres: Float64Array;
  /** Model positions p = −(pos − centre) (G, C, 2) [x, y]. */
  relativePositions: Float64Array;
  count: number;
  C: number;
  notes: string[];
}

export function groupPositions(xcoords: Float64Array, ycoords: Float64Array, options: GroupingOptions = {}): Groups {
  const gridsize = options.gridsize ?? 1;
  const C = gridsize * gridsize;
  const K = options.neighborCount ?? 4;
  const M = xcoords.length;
  const wanted = options.nGroups ?? M;
  if (!Number.isInteger(gridsize) || gridsize < 1)
    throw new DatasetError(`gridsize must be a positive integer, got ${gridsize}`);
  if (!Number.isInteger(wanted) || wanted < 1)
    throw new DatasetError(`nGroups must be a positive integer, got ${wanted}`);
  if (ycoords.length !== M) throw new DatasetError(`xcoords has ${M} positions but ycoords has ${ycoords.length}`);
  if (M < C) throw new DatasetError(`${M} positions cannot make groups of C = ${C} (gridsize ${gridsize})`);
  const rng = new Rng(options.seed ?? 0);
  const notes: string[] = [];
  let members: Int32Array;
  let seeds: Int32Array;
  if (C === 1) {
    const count = Math.min(wanted, M);
    if (wanted > M) notes.push(`nGroups ${wanted} > ${M} positions: gridsize 1 makes at most one group per position`);
    seeds = count < M ? rng.sample(M, count) : new Int32Array(M).map((_, i) => i);
    members = seeds.slice();
  } else {
    if (!Number.isInteger(K) || K < C) {
      throw new DatasetError(
        `neighborCount K = ${K} is smaller than the group size C = ${C} (gridsize ${gridsize}); ` +
          `pass neighborCount ≥ ${C} (PtychoPINN's K)`,
      );
    }
    const neighbours = nearestOthers(xcoords, ycoords, Math.min(K, M - 1));
    ({ members, seeds } =
      wanted <= M
        ? sampleThenGroup(neighbours, M, wanted, C, rng)
        : oversample(neighbours, M, wanted, K, C, rng, notes));
  }
  return describe(members, seeds, C, xcoords, ycoords, notes);
}

type Neighbours = (seed: number) => number[];

/** The K nearest positions to a seed, nearest first, the seed itself excluded. */
function nearestOthers(xcoords: Float64Array, ycoords: Float64Array, K: number): Neighbours {
  const index = new Flatbush(xcoords.length);
  for (let i = 0; i < xcoords.length; i += 1) index.add(xcoords[i], ycoords[i], xcoords[i], ycoords[i]);
  index.finish();
  return (seed) => index.neighbors(xcoords[seed], ycoords[seed], K, Infinity, (i) => i !== seed);
}

function sampleThenGroup(neighbours: Neighbours, M: number, wanted: number, C: number, rng: Rng) {
  const seeds = wanted < M ? rng.sample(M, wanted) : new Int32Array(M).map((_, i) => i);
  const members = new Int32Array(seeds.length * C);
  seeds.forEach((seed, g) => {
    const others = neighbours(seed);
    // Too few others (tiny scans): the seed itself joins the candidates, as in PtychoPINN.
    const candidates = others.length < C ? [seed, ...others] : others;
    const chosen = rng.sample(candidates.length, C);
    for (let c = 0; c < C; c += 1) members[g * C + c] = candidates[chosen[c]];
  });
  return { members, seeds };
}

/**
 * More groups than positions: every C-subset of each seed's K neighbours is a
 * candidate group; seeds are taken in random order until the pool holds twice the
 * request, then the groups are drawn from that pool.
 */
function oversample(
  neighbours: Neighbours,
  M: number,
  wanted: number,
  K: number,
  C: number,
  rng: Rng,
  notes: string[],
) {
  const seedOrder = rng.sample(M, M);
  const pool: number[][] = [];
  const poolSeeds: number[] = [];
  // Neighbouring seeds share subsets; each distinct set of patterns enters once.
  const seen = new Set<string>();
  for (const seed of seedOrder) {
    const others = neighbours(seed);
    const candidates = others.length < C ? [seed, ...others] : others;
    for (const subset of combinations(candidates, C)) {
      const key = [...subset].sort((a, b) => a - b).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      pool.push(subset);
      poolSeeds.push(seed);
      if (pool.length >= 2 * wanted) break;
    }
    if (pool.length >= 2 * wanted) break;
  }
  notes.push(`nGroups ${wanted} > ${M} positions: K choose C oversampling (K = ${K}, C = ${C})`);
  let picks: ArrayLike<number>;
  if (pool.length >= wanted) {
    picks = rng.sample(pool.length, wanted);
  } else {
    notes.push(`only ${pool.length} distinct groups exist for ${wanted} requested; some repeat (raise neighborCount)`);
    picks = Array.from({ length: wanted }, () => rng.int(pool.length));
  }
  const members = new Int32Array(wanted * C);
  const seeds = new Int32Array(wanted);
  for (let g = 0; g < wanted; g += 1) {
    members.set(pool[picks[g]], g * C);
    seeds[g] = poolSeeds[picks[g]];
  }
  return { members, seeds };
}

function* combinations(items: number[], size: number): Generator<number[]> {
  const index = Array.from({ length: size }, (_, i) => i);
  for (;;) {
    yield index.map((i) => items[i]);
    let k = size - 1;
    while (k >= 0 && index[k] === items.length - size + k) k -= 1;
    if (k < 0) return;
    index[k] += 1;
    for (let j = k + 1; j < size; j += 1) index[j] = index[j - 1] + 1;
  }
}

function describe(
  indices: Int32Array,
  seeds: Int32Array,
  C: number,
  xcoords: Float64Array,
  ycoords: Float64Array,
  notes: string[],
): Groups {
  const count = seeds.length;
  const centres = new Float64Array(count * 2);
  const relativePositions = new Float64Array(count * C * 2);
  for (let g = 0; g < count; g += 1) {
    let cx = 0;
    let cy = 0;
    for (let c = 0; c < C; c += 1) {
      cx += xcoords[indices[g * C + c]];
      cy += ycoords[indices[g * C + c]];
    }
    cx /= C;
    cy /= C;
    centres[2 * g] = cx;
    centres[2 * g + 1] = cy;
    for (let c = 0; c < C; c += 1) {
      const i = indices[g * C + c];
      relativePositions[2 * (g * C + c)] = cx - xcoords[i];
      relativePositions[2 * (g * C + c) + 1] = cy - ycoords[i];
    }
  }
  return { indices, seeds, centres, relativePositions, count, C, notes };
}
