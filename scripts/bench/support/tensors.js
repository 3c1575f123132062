// Helpers the benchmarks share: a seeded generator and float32 tensors of the contract.
'use strict';

/** A seeded uniform [0, 1) generator (mulberry32): the same inputs on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32-backed tensor ({dtype, shape, data}); complex dtypes get two values per element. */
function tensor(dtype, shape, fill) {
  const size = shape.reduce((a, b) => a * b, 1) * (dtype.startsWith('complex') ? 2 : 1);
  return { dtype, shape, data: Float32Array.from({ length: size }, fill) };
}

module.exports = { random, tensor };
