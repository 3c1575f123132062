import { describe, expect, it } from 'vitest';

import { addon } from '../lib/native';

const { binding } = addon();

describe('tensor round trip through LibTorch', () => {
  it('returns 2x+1 for float32 value by value, with the shape kept', () => {
    const data = new Float32Array([0, 1, -2.5, 3.25, 1e6, -1e-3]);
    const out = binding.affineRoundTrip({ dtype: 'float32', shape: [2, 3], data });
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2, 3]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual(Array.from(data, (v) => Math.fround(2 * v + 1)));
  });

  it('keeps float64 precision', () => {
    const data = new Float64Array([Math.PI, 1 / 3, -1e-300]);
    const out = binding.affineRoundTrip({ dtype: 'float64', shape: [3], data });
    expect(out.data).toBeInstanceOf(Float64Array);
    expect(Array.from(out.data)).toEqual(Array.from(data, (v) => 2 * v + 1));
  });

  it('treats complex64 as interleaved (re, im): 2z+1 changes re by 2re+1 and im by 2im', () => {
    const data = new Float32Array([1, 2, -3, 0.5]);
    const out = binding.affineRoundTrip({ dtype: 'complex64', shape: [2], data });
    expect(out.shape).toEqual([2]);
    expect(Array.from(out.data)).toEqual([3, 4, -5, 1]);
  });

  it('does not alias the input: later changes to the input do not reach the output', () => {
    const data = new Float32Array([1, 2]);
    const out = binding.affineRoundTrip({ dtype: 'float32', shape: [2], data });
    data[0] = 100;
    expect(Array.from(out.data)).toEqual([3, 5]);
  });

  it('refuses malformed tensors with an error that names the argument and the shape', () => {
    expect(() => binding.affineRoundTrip({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(
      /x: shape \[2, 2\] of float32 needs 4 values, data has 3/,
    );
    expect(() => binding.affineRoundTrip({ dtype: 'float64', shape: [1], data: new Float32Array(1) })).toThrow(
      /x: dtype float64 needs a Float64Array/,
    );
    expect(() => binding.affineRoundTrip({ dtype: 'int8' as never, shape: [1], data: new Float32Array(1) })).toThrow(
      /unsupported dtype 'int8'/,
    );
    expect(() => binding.affineRoundTrip({ dtype: 'float32', shape: [-1], data: new Float32Array(1) })).toThrow(
      /non-negative integers/,
    );
  });
});
