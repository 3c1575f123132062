// Bad input to the physics ops is a JS error naming the argument and the shapes,
// never a crash.
import { describe, expect, it } from 'vitest';

import { addon } from '../lib/native';
import { forwardIntensity, mergePatches, translate } from '../lib/physics';
import { tensor } from './helpers/oracle';

const patches = tensor('complex64', [2, 4, 8, 8], new Float32Array(2 * 4 * 64 * 2));
const positions = tensor('float32', [2, 4, 2], new Float32Array(16));
const probe = tensor('complex64', [8, 8], new Float32Array(128));

describe('physics input validation', () => {
  it('names mismatched position shapes', () => {
    expect(() => forwardIntensity(patches, tensor('float32', [2, 3, 2], new Float32Array(12)), probe, 1)).toThrow(
      /positions: expected shape \[2, 4, 2\], got \[2, 3, 2\]/,
    );
  });

  it('names a probe of the wrong size', () => {
    expect(() => forwardIntensity(patches, positions, tensor('complex64', [16, 16], new Float32Array(512)), 1)).toThrow(
      /probe: expected shape \[8, 8\], got \[16, 16\]/,
    );
  });

  it('names non-finite positions and where they are', () => {
    const bad = new Float32Array(16);
    bad[5] = NaN;
    expect(() => forwardIntensity(patches, tensor('float32', [2, 4, 2], bad), probe, 1)).toThrow(
      /positions: contains a non-finite value \(NaN or Inf\) at flat index 5 of shape \[2, 4, 2\]/,
    );
    expect(() =>
      translate(tensor('float32', [8, 8], new Float32Array(64)), tensor('float64', [2], [Infinity, 0])),
    ).toThrow(/offsets: contains a non-finite value/);
  });

  it('refuses real patches, non-square patterns and unknown options', () => {
    expect(() => forwardIntensity(tensor('float32', [1, 1, 8, 8], new Float32Array(64)), positions, probe, 1)).toThrow(
      /patches: expected complex64 or complex128/,
    );
    expect(() =>
      forwardIntensity(
        tensor('complex64', [1, 1, 8, 4], new Float32Array(64)),
        tensor('float32', [1, 1, 2], [0, 0]),
        probe,
        1,
      ),
    ).toThrow(/patches: patterns must be square, got \[1, 1, 8, 4\]/);
    expect(() => mergePatches(patches, positions, probe, { weighting: 'gaussian' as never })).toThrow(
      /weighting: unknown value 'gaussian' \(expected probe, central_mask or uniform\)/,
    );
    expect(() => mergePatches(patches, positions, probe, { paddedSize: 4 })).toThrow(
      /paddedSize: 4 is smaller than the patch size N = 8/,
    );
    expect(() =>
      mergePatches(
        tensor('complex64', [1, 3, 8, 8], new Float32Array(384)),
        tensor('float32', [1, 3, 2], new Float32Array(6)),
        probe,
      ),
    ).toThrow(/paddedSize: no default for C = 3/);
  });

  it('refuses offsets that do not match the image planes', () => {
    expect(() =>
      translate(tensor('float32', [3, 8, 8], new Float32Array(192)), tensor('float64', [2, 2], [0, 0, 0, 0])),
    ).toThrow(/offsets: expected shape \[3, 2\], got \[2, 2\]/);
  });

  it('refuses losses of mismatched shapes and a vjp cotangent of the wrong shape', () => {
    const { binding } = addon();
    expect(() =>
      binding.poissonNll(tensor('float32', [1, 4], [1, 1, 1, 1]), tensor('float32', [1, 3], [1, 1, 1])),
    ).toThrow(/observed: expected shape \[1, 4\], got \[1, 3\]/);
    expect(() =>
      binding.vjp(
        'translate',
        tensor('float64', [4, 4], new Float64Array(16)),
        tensor('float64', [8, 8], new Float64Array(64)),
        tensor('float64', [2], [0, 0]),
      ),
    ).toThrow(/cotangent: expected shape \[8, 8\], got \[4, 4\]/);
  });
});

describe('losses and scaling', () => {
  const { binding } = addon();

  it('computes the reported Poisson value with its lgamma term', () => {
    // One group, two pixels: Σ (I − k log I + log k!) for (I, k) = (2, 3), (0.5, 0).
    const expected = 2 - 3 * Math.log(2) + Math.log(6) + 0.5;
    expect(binding.poissonNll(tensor('float32', [1, 2], [2, 0.5]), tensor('float32', [1, 2], [3, 0]))).toBeCloseTo(
      expected,
      6,
    );
  });

  it('excludes masked pixels from the training Poisson mean and the amplitude MAE', () => {
    const pred = tensor('float64', [1, 3], [2, 4, 100]);
    const obs = tensor('float64', [1, 3], [1, 4, 0]);
    const mask = tensor('float64', [3], [1, 1, 0]);
    const nll = (2 - Math.log(2) + (4 - 4 * Math.log(4))) / 2;
    expect(binding.poissonNllMean(pred, obs, mask)).toBeCloseTo(nll, 12);
    expect(binding.amplitudeMae(pred, obs, mask)).toBeCloseTo(0.5, 12);
    expect(binding.amplitudeMae(pred, obs)).toBeCloseTo(101 / 3, 12);
  });

  it('normalises the probe by probe_scale times the mean |P| inside the disk of radius N/4', () => {
    const n = 8;
    const data = new Float64Array(n * n * 2);
    for (let i = 0; i < n * n; i++) data[2 * i] = 2;
    const out = binding.normalizeProbe(tensor('complex128', [n, n], data), 4);
    // Disk radius 2 around (4, 4): 13 pixels of |P| = 2 among 64 → mean 26/64.
    expect(out.data[0]).toBeCloseTo(2 / (4 * (26 / 64)), 12);
    expect(binding.intensityScale(1e9, 64)).toBeCloseTo(Math.sqrt(1e9) / 32, 9);
  });
});
