// The PtychoPINN model in the TensorFlow engine: the same network, objective and
// gradients as the LibTorch engine from the same weights, the same state-dict format,
// configuration errors, and the training controls (abort, dispose, progress).
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, type ReconstructorConfig } from '../lib/config/schema';
import type { EngineModel } from '../lib/backends/engine';
import type { JsTensor, NativeBatch } from '../lib/native/binding';
import { createModel, gaussianProbe as probe, settings } from './helpers/model';
import { tensorflowAvailable } from './helpers/tensorflow';

const available = tensorflowAvailable();

function amplitudes(M: number, C: number, N: number, seed = 1): JsTensor {
  return {
    dtype: 'float32',
    shape: [M, C, N, N],
    data: Float32Array.from({ length: M * C * N * N }, (_, i) => Math.abs(Math.sin(i * 0.37 + seed))),
  };
}

/** Sub-pixel offsets in [−1.3, 1.4]: the merge interpolates. */
function positions(M: number, C: number): JsTensor {
  return {
    dtype: 'float32',
    shape: [M, C, 2],
    data: Float32Array.from({ length: M * C * 2 }, (_, i) => ((i * 7) % 9) / 3 - 1.3),
  };
}

/** ‖a − b‖ / ‖b‖ */
function relativeNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

/**
 * The same model in both engines, the TensorFlow one loaded with the LibTorch one's
 * weights; both in float32 (LibTorch would infer in bfloat16 on a CPU that has it).
 */
function twins(fields: Partial<ReconstructorConfig>, inputScale = 1): [EngineModel, EngineModel] {
  const N = fields.N ?? DEFAULT_CONFIG.N;
  const libtorch = createModel({ ...fields, backend: 'libtorch', precision: 'float32' }, probe(N), { inputScale });
  const tensorflow = createModel({ ...fields, backend: 'tensorflow' }, probe(N), { inputScale });
  tensorflow.loadStateDict(libtorch.stateDict());
  return [libtorch, tensorflow];
}

describe.runIf(available)('TensorFlow engine: the network', () => {
  it.each([
    [32, 1],
    [32, 2],
    [64, 1],
  ])('N = %i, gridsize %i: object patches (M, g², N, N) complex64', async (N, gridsize) => {
    const C = gridsize * gridsize;
    using model = createModel({ N, gridsize, n_filters_scale: 1, backend: 'tensorflow' }, probe(N));
    const out = await model.infer(amplitudes(2, C, N));
    expect(out.dtype).toBe('complex64');
    expect(out.shape).toEqual([2, C, N, N]);
    expect(out.data.every(Number.isFinite)).toBe(true);
  });

  it('has the parameter count of the reference layer table at N = 64, nfs = 2, gridsize 1', () => {
    using model = createModel({ N: 64, backend: 'tensorflow' }, probe(64));
    expect(model.info.parameterCount).toBe(2331773);
    expect(model.info.device).toBe('cpu');
  });

  it.each([
    { N: 32, gridsize: 2 },
    { N: 32, pad_object: false },
    { N: 32, probe_big: false, intensity_scale_trainable: false },
    { N: 32, probe_trainable: true, amp_activation: 'swish' as const },
  ])('holds the LibTorch engine’s state dict: names, shapes and parameter count (%o)', (fields) => {
    const [libtorch, tensorflow] = twins({ ...fields, n_filters_scale: 1 });
    const shapes = (m: EngineModel) =>
      Object.fromEntries(Object.entries(m.stateDict()).map(([name, t]) => [name, t.shape]));
    expect(shapes(tensorflow)).toEqual(shapes(libtorch));
    expect(tensorflow.info.parameterCount).toBe(libtorch.info.parameterCount);
    libtorch.dispose();
    tensorflow.dispose();
  });
});

describe.runIf(available)('the same weights in both engines', () => {
  it.each([
    ['gridsize 2, merged with sub-pixel offsets', { gridsize: 2 }],
    ['gridsize 1, no merge, swish amplitudes', { gridsize: 1, object_big: false, amp_activation: 'swish' as const }],
  ])('%s: network output, loss and every gradient agree', async (_, fields: Partial<ReconstructorConfig>) => {
    const [libtorch, tensorflow] = twins({ N: 32, n_filters_scale: 1, seed: 3, ...fields });
    const C = (fields.gridsize ?? 1) ** 2;
    const x = amplitudes(8, C, 32);
    const [a, b] = await Promise.all([libtorch.infer(x), tensorflow.infer(x)]);
    // Amplitude and phase patches, interleaved as complex values.
    expect(relativeNorm(b.data, a.data)).toBeLessThan(1e-4);

    const batch: NativeBatch = { amplitudes: x, positions: positions(8, C) };
    const [lt, tf] = [libtorch.lossAndGradients(batch), tensorflow.lossAndGradients(batch)];
    expect(Math.abs(tf.loss / lt.loss - 1)).toBeLessThan(1e-4);
    expect(Object.keys(tf.gradients).sort()).toEqual(Object.keys(lt.gradients).sort());
    for (const [name, gradient] of Object.entries(lt.gradients)) {
      expect(relativeNorm(tf.gradients[name].data, gradient.data), name).toBeLessThan(1e-3);
    }
    libtorch.dispose();
    tensorflow.dispose();
  });

  it('agree on the loss in photon units too (the scale of training)', () => {
    const [libtorch, tensorflow] = twins({ N: 32, n_filters_scale: 1, gridsize: 2 }, 1000);
    const batch: NativeBatch = { amplitudes: amplitudes(4, 4, 32), positions: positions(4, 4) };
    const [lt, tf] = [libtorch.lossAndGradients(batch), tensorflow.lossAndGradients(batch)];
    expect(Math.abs(tf.loss / lt.loss - 1)).toBeLessThan(1e-4);
    libtorch.dispose();
    tensorflow.dispose();
  });
});

describe.runIf(available)('TensorFlow engine: weights and errors', () => {
  it('reproduces inference outputs exactly after a state dict round trip', async () => {
    using a = createModel({ N: 32, n_filters_scale: 1, seed: 3, backend: 'tensorflow' }, probe(32));
    using b = createModel({ N: 32, n_filters_scale: 1, seed: 4, backend: 'tensorflow' }, probe(32));
    const x = amplitudes(4, 1, 32);
    const before = await b.infer(x);
    const state = a.stateDict();
    expect(Object.values(state).every((t) => t.dtype === 'float32')).toBe(true);
    b.loadStateDict(state);
    const [pa, pb] = await Promise.all([a.infer(x), b.infer(x)]);
    expect(Array.from(pb.data)).toEqual(Array.from(pa.data));
    expect(Array.from(before.data)).not.toEqual(Array.from(pa.data));
    expect(() => b.loadStateDict({ log_scale: state.log_scale })).toThrow(
      /stateDict: missing .*network\.encoder\.0\.weight/,
    );
    const wrong = { ...state, 'network.encoder.0.weight': { ...state.log_scale } };
    expect(() => b.loadStateDict(wrong)).toThrow(
      /stateDict\.network\.encoder\.0\.weight: expected shape \[64, 1, 3, 3\]/,
    );
  });

  it('initialises deterministically from the seed', async () => {
    const x = amplitudes(2, 1, 32);
    const outs = await Promise.all(
      [5, 5, 6].map((seed) =>
        createModel({ N: 32, n_filters_scale: 1, seed, backend: 'tensorflow' }, probe(32)).infer(x),
      ),
    );
    expect(Array.from(outs[1].data)).toEqual(Array.from(outs[0].data));
    expect(Array.from(outs[2].data)).not.toEqual(Array.from(outs[0].data));
  });

  it('names what is wrong: device, probe, amplitudes, use after dispose', () => {
    const tf = { backend: 'tensorflow' as const, n_filters_scale: 1 };
    expect(() => createModel({ N: 32, device: 'cuda', ...tf }, probe(32))).toThrow(
      /device: 'cuda' requested, but the TensorFlow engine runs on the CPU/,
    );
    expect(() => createModel({ N: 32, ...tf }, probe(64))).toThrow(/probe: expected shape \[32, 32\], got \[64, 64\]/);
    const model = createModel({ N: 32, ...tf }, probe(32));
    expect(() => model.infer(amplitudes(1, 4, 32))).toThrow(
      /amplitudes: expected shape \[\*, 1, 32, 32\], got \[1, 4, 32, 32\]/,
    );
    model.dispose();
    expect(() => model.infer(amplitudes(1, 1, 32))).toThrow(/Model: used after dispose\(\)/);
    expect(() => model.dispose()).not.toThrow();
  });
});

describe.runIf(available)('TensorFlow engine: training control', () => {
  it('aborts within one batch, returns the history so far, and stays usable', async () => {
    using model = createModel({ N: 32, n_filters_scale: 1, backend: 'tensorflow' }, probe(32));
    const controller = new AbortController();
    let batches = 0;
    let abortedAt = 0;
    const data = { amplitudes: amplitudes(256, 1, 32), positions: positions(256, 1) };
    const result = await model.train(data, {
      settings: settings({ epochs: 20, batchSize: 8 }),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'batch' && ++batches === 3) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.history).toHaveLength(1); // the partial first epoch
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    const out = await model.infer(amplitudes(2, 1, 32));
    expect(out.data.every(Number.isFinite)).toBe(true);
  });

  it('refuses a second train() and dispose() while training, and hands out a state dict on abort', async () => {
    using model = createModel({ N: 32, n_filters_scale: 1, backend: 'tensorflow' }, probe(32));
    const controller = new AbortController();
    const data = { amplitudes: amplitudes(64, 1, 32), positions: positions(64, 1) };
    const checkpoints: { epoch: number; aborted: boolean; keys: number }[] = [];
    const running = model.train(data, {
      settings: settings({ epochs: 30, batchSize: 16, checkpointEvery: 1 }),
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type !== 'checkpoint') return;
        checkpoints.push({ epoch: event.epoch, aborted: event.aborted, keys: Object.keys(event.stateDict).length });
        if (checkpoints.length === 2) controller.abort();
      },
    });
    await expect(model.train(data, { settings: settings() })).rejects.toThrow(/already training/);
    expect(() => model.dispose()).toThrow(/dispose\(\): the model is training; abort it first/);
    expect((await running).aborted).toBe(true);
    expect(checkpoints.slice(0, 2).map((c) => [c.epoch, c.aborted])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(checkpoints.at(-1)!.aborted).toBe(true);
    expect(checkpoints[0].keys).toBe(Object.keys(model.stateDict()).length);
  });

  it('keeps the event loop ticking during training and inference', async () => {
    using model = createModel({ N: 32, n_filters_scale: 1, backend: 'tensorflow' }, probe(32));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const start = performance.now();
    await model.train(
      { amplitudes: amplitudes(96, 1, 32), positions: positions(96, 1) },
      { settings: settings({ epochs: 2, batchSize: 16 }) },
    );
    await model.infer(amplitudes(256, 1, 32), { batchSize: 32 });
    const elapsed = performance.now() - start;
    clearInterval(timer);
    expect(elapsed).toBeGreaterThan(200);
    expect(ticks).toBeGreaterThan((elapsed / 10) * 0.5);
  });
});
