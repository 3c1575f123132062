// The TensorFlow engine's physics (its graph ops, ptychopinn_tf.node): the frozen
// PtychoPINN cases of ../shared/parity to 1e-5, its hand-written far-field adjoint
// (TensorFlow has no FFT2D gradient) against central finite differences, and the
// LibTorch engine's physics, value for value.
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { toFloat64 } from '../lib/io/ndarray';
import type { NumericArray } from '../lib/io/ndarray';
import { readNpz } from '../lib/io/npz';
import { addon, tensorflowAddon } from '../lib/native';
import type { ForwardOptions, JsTensor, TensorFlowVjpOps } from '../lib/native/binding';
import { readForwardCase } from '../lib/physics/forwardCase';
import { dot, randomArray, rng, tensor } from './helpers/oracle';
import { parityAvailable, parityCases, parityDir } from './helpers/parity';
import { tensorflowAvailable } from './helpers/tensorflow';

const available = tensorflowAvailable();

/** max |a − b| / max |b|, as shared/parity/README.md defines the error. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let peak = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    peak = Math.max(peak, Math.abs(want[i]));
  }
  return diff / peak;
}

describe.runIf(available && parityAvailable())('TensorFlow engine: parity with PtychoPINN', () => {
  it.each(parityCases)('$file: intensity and Poisson value to 1e-5', async ({ file, options }) => {
    const input = path.join(parityDir, file);
    const { arrays } = await readNpz(input, { keys: ['expected_forward', 'expected_poisson_loss'] });
    const want = arrays.get('expected_forward') as NumericArray;
    const wantLoss = toFloat64(arrays.get('expected_poisson_loss') as NumericArray)[0];
    const c = await readForwardCase(input);
    const { binding } = tensorflowAddon();
    const intensity = binding.forwardIntensity(c.patches, c.positions, c.probe, c.scale, options);
    expect(intensity.dtype).toBe('float32');
    expect(intensity.shape).toEqual(want.shape);
    expect(relativeError(intensity.data, toFloat64(want))).toBeLessThanOrEqual(1e-5);
    const predicted: JsTensor = { dtype: 'float64', shape: intensity.shape, data: Float64Array.from(intensity.data) };
    expect(Math.abs(binding.poissonNll(predicted, c.observed!) / wantLoss - 1)).toBeLessThanOrEqual(1e-5);
  });
});

describe.runIf(available)('TensorFlow engine: far-field gradients by the hand-written adjoint', () => {
  const random = rng(7);
  const [B, C, N, Np] = [2, 4, 8, 14];
  const patches = tensor('complex128', [B, C, N, N], randomArray(B * C * N * N * 2, random));
  const positions = tensor(
    'float64',
    [B, C, 2],
    randomArray(B * C * 2, random).map((v) => v * 2.5),
  );
  const probe = tensor('complex128', [N, N], randomArray(N * N * 2, random));
  const merge: ForwardOptions = { objectBig: true, weighting: 'central_mask', paddedSize: Np };
  const cases: { [K in keyof TensorFlowVjpOps]: { args: TensorFlowVjpOps[K]; linear: boolean } } = {
    farField: { args: [patches], linear: true },
    forwardIntensity: { args: [patches, positions, probe, 1.7, merge], linear: false },
  };

  function apply<K extends keyof TensorFlowVjpOps>(op: K, args: TensorFlowVjpOps[K]): JsTensor {
    const { binding } = tensorflowAddon();
    return (binding[op] as (...a: TensorFlowVjpOps[K]) => JsTensor)(...args);
  }

  describe.each(Object.keys(cases) as (keyof TensorFlowVjpOps)[])('%s', (op) => {
    const { args, linear } = cases[op];
    const x = (args[0] as JsTensor).data as Float64Array;
    const withPrimal = (data: Float64Array) => [{ ...(args[0] as JsTensor), data }, ...args.slice(1)] as typeof args;

    it('matches central finite differences along random directions (float64)', () => {
      const out = apply(op, args);
      const v = randomArray(out.data.length, random);
      const grad = tensorflowAddon().binding.vjp(op, { ...out, data: v }, ...args).data;
      for (let trial = 0; trial < 3; trial++) {
        const d = randomArray(x.length, random);
        const h = 1e-6;
        const at = (sign: number) => dot(apply(op, withPrimal(x.map((xi, i) => xi + sign * h * d[i]))).data, v);
        const fd = (at(1) - at(-1)) / (2 * h);
        const analytic = dot(grad, d);
        expect(Math.abs(fd - analytic)).toBeLessThan(1e-6 * Math.max(1, Math.abs(analytic)));
      }
      // The adjoint of a linear op: ⟨T x, v⟩ = ⟨x, Tᵀ v⟩.
      if (linear) expect(Math.abs(dot(out.data, v) - dot(x, grad))).toBeLessThan(1e-10 * Math.abs(dot(out.data, v)));
    });
  });
});

describe.runIf(available)('TensorFlow engine physics against the LibTorch engine', () => {
  it.each([
    { objectBig: false },
    { objectBig: true, weighting: 'probe' },
    { objectBig: true, weighting: 'central_mask' },
    { objectBig: true, weighting: 'uniform', paddedSize: 20 },
  ] as ForwardOptions[])('forward intensity and its gradient agree in float64: %o', (options) => {
    const random = rng(11);
    const [B, C, N] = [2, 4, 16];
    const patches = tensor('complex128', [B, C, N, N], randomArray(B * C * N * N * 2, random));
    const positions = tensor(
      'float64',
      [B, C, 2],
      randomArray(B * C * 2, random).map((v) => v * 2.5),
    );
    const probe = tensor('complex128', [N, N], randomArray(N * N * 2, random));
    const [libtorch, tensorflow] = [addon().binding, tensorflowAddon().binding];
    const lt = libtorch.forwardIntensity(patches, positions, probe, 1.7, options);
    expect(
      relativeError(tensorflow.forwardIntensity(patches, positions, probe, 1.7, options).data, lt.data),
    ).toBeLessThan(1e-12);
    const v = tensor('float64', lt.shape, randomArray(lt.data.length, random));
    const glt = libtorch.vjp('forwardIntensity', v, patches, positions, probe, 1.7, options);
    const gtf = tensorflow.vjp('forwardIntensity', v, patches, positions, probe, 1.7, options);
    expect(relativeError(gtf.data, glt.data)).toBeLessThan(1e-12);
  });
});
