// Gradients of the physics ops through LibTorch autograd (the custom backward of
// the kernels), checked in float64 against central finite differences, and the
// adjoint identity ⟨T x, y⟩ = ⟨x, Tᵀ y⟩ for the linear ops.
import { describe, expect, it } from 'vitest';

import { addon } from '../lib/native';
import type { JsTensor, VjpOps } from '../lib/native/binding';
import { dot, randomArray, rng, tensor } from './helpers/oracle';

const { binding } = addon();
const random = rng(2024);
const N = 8;
const B = 2;
const C = 4;
const Np = 14;

const patches = tensor('complex128', [B, C, N, N], randomArray(B * C * N * N * 2, random));
const positions = tensor(
  'float64',
  [B, C, 2],
  Float64Array.from({ length: B * C * 2 }, () => (random() - 0.5) * 5),
);
const probe = tensor('complex128', [N, N], randomArray(N * N * 2, random));
const merged = tensor('complex128', [B, Np, Np], randomArray(B * Np * Np * 2, random));
// Sub-pixel corners, some reaching past the object's edge (zero there).
const object = tensor('complex128', [Np, Np + 3], randomArray(Np * (Np + 3) * 2, random));
const corners = tensor(
  'float64',
  [5, 2],
  Float64Array.from({ length: 10 }, () => -1.5 + random() * (Np - N + 2)),
);

type Op = keyof VjpOps;

function apply<K extends Op>(op: K, args: VjpOps[K]): JsTensor {
  return (binding[op] as (...a: VjpOps[K]) => JsTensor)(...args);
}

function withPrimal<K extends Op>(args: VjpOps[K], data: Float64Array): VjpOps[K] {
  const [first, ...rest] = args;
  return [{ ...(first as JsTensor), data }, ...rest] as unknown as VjpOps[K];
}

/** L(x) = Σ Re(conj(v) · f(x)) = ⟨f(x), v⟩ over interleaved real values. */
function loss<K extends Op>(op: K, args: VjpOps[K], x: Float64Array, v: Float64Array): number {
  return dot(apply(op, withPrimal(args, x)).data, v);
}

const cases: { [K in Op]: { args: VjpOps[K]; linear: boolean } } = {
  translate: { args: [patches, positions], linear: true },
  mergePatches: { args: [patches, positions, probe, { weighting: 'probe', paddedSize: Np }], linear: true },
  extractPatches: { args: [merged, positions, N], linear: true },
  gatherPatches: { args: [object, corners, N], linear: true },
  forwardIntensity: {
    args: [patches, positions, probe, 1.7, { objectBig: true, weighting: 'central_mask', paddedSize: Np }],
    linear: false,
  },
};

describe.each(Object.keys(cases) as Op[])('%s gradient', (op) => {
  const { args, linear } = cases[op];
  const x = (args[0] as JsTensor).data as Float64Array;
  const out = apply(op, args);
  const v = randomArray(out.data.length, random);
  const grad = binding.vjp(op, { ...out, data: Float64Array.from(v) }, ...args).data;

  it('matches central finite differences along random directions', () => {
    for (let trial = 0; trial < 3; trial++) {
      const d = randomArray(x.length, random);
      const h = 1e-6;
      const plus = x.map((xi, i) => xi + h * d[i]);
      const minus = x.map((xi, i) => xi - h * d[i]);
      const fd = (loss(op, args, plus, v) - loss(op, args, minus, v)) / (2 * h);
      const analytic = dot(grad, d);
      expect(Math.abs(fd - analytic)).toBeLessThan(1e-6 * Math.max(1, Math.abs(analytic)));
    }
  });

  // Only the linear ops have an adjoint (merge is linear in the patches: its
  // weights and normaliser depend on geometry and probe alone).
  if (linear) {
    it('satisfies the adjoint identity ⟨T x, y⟩ = ⟨x, Tᵀ y⟩', () => {
      const lhs = dot(out.data, v);
      const rhs = dot(x, grad);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * Math.max(1, Math.abs(lhs)));
    });
  }
});
