// Scaling of the reference, section 5.
import { describe, expect, it } from 'vitest';

import { diffractionScaleFactor, intensityScale, normalizeDiffraction } from '../lib/data/normalize';

describe('section 5 scaling', () => {
  it('normalises so that the mean over patterns of Σ X² is (N/2)²', () => {
    const M = 5;
    const N = 32;
    const data = new Float32Array(M * N * N).map((_, k) => ((k * 37) % 101) / 7);
    const { normalized, factor } = normalizeDiffraction({ dtype: 'float32', shape: [M, N, N], data });
    let total = 0;
    for (const value of normalized.data) total += value * value;
    expect(total / M / (N / 2) ** 2).toBeCloseTo(1, 5);
    expect(normalized.data[77]).toBeCloseTo(data[77] * factor, 5);
    expect(normalized.shape).toEqual([M, N, N]);
  });

  it('refuses all-zero diffraction with the shape in the message', () => {
    expect(() =>
      diffractionScaleFactor({ dtype: 'float32', shape: [2, 32, 32], data: new Float32Array(2048) }),
    ).toThrow(/diffraction \(2, 32, 32\) is all zeros/);
  });

  it('intensity scale s = sqrt(nphotons) / (N/2)', () => {
    expect(intensityScale(1e9, 64)).toBeCloseTo(Math.sqrt(1e9) / 32, 6);
  });
});
