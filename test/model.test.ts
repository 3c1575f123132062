// The PtychoPINN network in the LibTorch engine: shapes, parameter count,
// configuration errors, state dicts, abort, responsiveness, devices, disposal.
import { describe, expect, it } from 'vitest';

import { capabilities } from '../lib/capabilities';
import { addon } from '../lib/native';
import type { JsTensor } from '../lib/native/binding';
import { nativeModelConfig } from '../lib/backends/nativeModelConfig';
import { DEFAULT_CONFIG } from '../lib/config/schema';
import { createModel, gaussianProbe as probe, settings } from './helpers/model';

function amplitudes(M: number, C: number, N: number, seed = 1): JsTensor {
  return {
    dtype: 'float32',
    shape: [M, C, N, N],
    data: Float32Array.from({ length: M * C * N * N }, (_, i) => Math.abs(Math.sin(i * 0.37 + seed))),
  };
}

function positions(M: number, C: number): JsTensor {
  return { dtype: 'float32', shape: [M, C, 2], data: Float32Array.from({ length: M * C * 2 }, (_, i) => (i % 5) - 2) };
}

/** Parameters of a 3×3 conv with bias. */
const conv = (cin: number, cout: number) => cin * cout * 9 + cout;

describe('network structure', () => {
  it.each([
    [32, 1],
    [32, 2],
    [64, 1],
    [64, 2],
    [128, 1],
    [128, 2],
  ])('N = %i, gridsize %i: object patches (M, g², N, N) complex64', async (N, gridsize) => {
    const C = gridsize * gridsize;
    const model = createModel({ N, gridsize, n_filters_scale: 1 }, probe(N));
    const out = await model.infer(amplitudes(2, C, N));
    expect(out.dtype).toBe('complex64');
    expect(out.shape).toEqual([2, C, N, N]);
    expect(out.data.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('has the parameter count of the reference layer table at N = 64, nfs = 2, gridsize 1', () => {
    const nfs = 2;
    // Encoder: conv pairs of widths nfs·[32, 64, 128] from 1 input channel.
    const encoder = [32, 64, 128].reduce(
      (acc, w, i, all) => acc + conv(i === 0 ? 1 : all[i - 1] * nfs, w * nfs) + conv(w * nfs, w * nfs),
      0,
    );
    // Each decoder: conv pairs of widths nfs·[64, 32] from 128·nfs; then the last stage:
    // main conv (32·nfs − 4 → 1); outer up-block with F = nfs·32 filters from 4 channels, conv F → 1.
    const F = nfs * 32;
    const decoderBlocks =
      conv(128 * nfs, 64 * nfs) + conv(64 * nfs, 64 * nfs) + conv(64 * nfs, 32 * nfs) + conv(32 * nfs, 32 * nfs);
    const lastStage = conv(32 * nfs - 4, 1) + conv(4, F) + conv(F, F) + conv(F, 1);
    const logScale = 1;
    const expected = encoder + 2 * (decoderBlocks + lastStage) + logScale;
    expect(expected).toBe(2331773);
    const model = createModel({ N: 64, n_filters_scale: nfs }, probe(64));
    expect(model.info.parameterCount).toBe(expected);
    model.dispose();
  });

  it('names the field of an invalid configuration (the schema checks it before the addon sees it)', () => {
    expect(() => createModel({ N: 48 }, probe(48))).toThrow(/N = 48 .* expected a power of two/);
    expect(() => createModel({ N: 32, gridsize: 0 }, probe(32))).toThrow(
      /gridsize = 0 .* expected an integer in \[1, 8\]/,
    );
    expect(() => createModel({ N: 32, amp_activation: 'tanh' as never }, probe(32))).toThrow(
      /amp_activation = "tanh" .* expected one of sigmoid, swish, softplus, relu/,
    );
    expect(() => createModel({ N: 32, n_filters_scale: 1.5 }, probe(32))).toThrow(
      /n_filters_scale = 1\.5 .* expected an integer/,
    );
    expect(() => createModel({ N: 32 }, probe(64))).toThrow(/probe: expected shape \[32, 32\], got \[64, 64\]/);
  });

  it('treats a native configuration the schema would refuse as an internal error', () => {
    const native = nativeModelConfig({ config: { ...DEFAULT_CONFIG, N: 32 }, probe: probe(32), inputScale: 1 }, false);
    const { NativeModel } = addon().binding;
    expect(() => new NativeModel({ ...native, N: 48 }, probe(48), 'cpu')).toThrow(/internal error: N = 48/);
    const { nFiltersScale, ...missing } = native;
    expect(nFiltersScale).toBe(2);
    expect(() => new NativeModel(missing, probe(32), 'cpu')).toThrow(/internal error: .*nFiltersScale/);
  });

  it('refuses amplitudes of the wrong N or channel count for the model', async () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
    expect(() => model.infer(amplitudes(1, 1, 64))).toThrow(
      /amplitudes: expected shape \[\*, 1, 32, 32\], got \[1, 1, 64, 64\]/,
    );
    expect(() => model.infer(amplitudes(1, 4, 32))).toThrow(/amplitudes: expected shape \[\*, 1, 32, 32\]/);
    model.dispose();
  });
});

describe('weights and devices', () => {
  it('reproduces inference outputs exactly after a state dict round trip', async () => {
    const a = createModel({ N: 32, n_filters_scale: 1, seed: 3 }, probe(32));
    const b = createModel({ N: 32, n_filters_scale: 1, seed: 4 }, probe(32));
    const x = amplitudes(4, 1, 32);
    const before = await b.infer(x);
    const state = a.stateDict();
    expect(Object.values(state).every((t) => t.dtype === 'float32')).toBe(true);
    b.loadStateDict(state);
    const [pa, pb] = await Promise.all([a.infer(x), b.infer(x)]);
    expect(Array.from(pb.data)).toEqual(Array.from(pa.data));
    expect(Array.from(before.data)).not.toEqual(Array.from(pa.data));
    expect(() => b.loadStateDict({ log_scale: state.log_scale })).toThrow(/stateDict: missing network\./);
    a.dispose();
    b.dispose();
  });

  it('initialises deterministically from the seed', async () => {
    const x = amplitudes(2, 1, 32);
    const outs = await Promise.all(
      [5, 5, 6].map((seed) => createModel({ N: 32, n_filters_scale: 1, seed }, probe(32)).infer(x)),
    );
    expect(Array.from(outs[1].data)).toEqual(Array.from(outs[0].data));
    expect(Array.from(outs[2].data)).not.toEqual(Array.from(outs[0].data));
  });

  it('puts the model on the device asked for: auto is CUDA when one is usable, else the CPU', () => {
    const { available } = capabilities().cuda;
    expect(() => createModel({ N: 32, device: 'tpu' }, probe(32))).toThrow(/device = "tpu" .* expected cpu, cuda/);
    if (!available)
      expect(() => createModel({ N: 32, device: 'cuda' }, probe(32))).toThrow(/device: 'cuda' requested, but/);
    const model = createModel({ N: 32, n_filters_scale: 1, device: 'auto' }, probe(32));
    expect(model.info.device).toBe(available ? 'cuda:0' : 'cpu');
    model.dispose();
  });

  it('frees the model on dispose and refuses use afterwards', () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
    model.dispose();
    expect(() => model.infer(amplitudes(1, 1, 32))).toThrow(/Model: used after dispose\(\)/);
    expect(() => model.dispose()).not.toThrow();
    expect(() => model.info).toThrow(/used after dispose/);
  });
});

describe('training control', () => {
  it('aborts mid-epoch promptly, returns the history so far, and stays usable', async () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
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
    const latency = performance.now() - abortedAt;
    expect(result.aborted).toBe(true);
    expect(result.history).toHaveLength(1); // the partial first epoch
    expect(result.history[0].epoch).toBe(1);
    expect(latency).toBeLessThan(2000);
    const out = await model.infer(amplitudes(2, 1, 32));
    expect(out.data.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('refuses a second train() while training, and dispose() while training', async () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
    const controller = new AbortController();
    const data = { amplitudes: amplitudes(64, 1, 32), positions: positions(64, 1) };
    const running = model.train(data, { settings: settings({ epochs: 50 }), signal: controller.signal });
    await expect(model.train(data, { settings: settings() })).rejects.toThrow(/already training/);
    expect(() => model.dispose()).toThrow(/dispose\(\): the model is training; abort it first/);
    controller.abort();
    expect((await running).aborted).toBe(true);
    model.dispose();
  });

  it('keeps the event loop ticking during training and inference', async () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
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
    // A blocked loop would tick ~0 times; allow for scheduling jitter on 2 busy cores.
    expect(ticks).toBeGreaterThan((elapsed / 10) * 0.5);
    model.dispose();
  });

  it('hands out a state dict on abort through the progress events', async () => {
    const model = createModel({ N: 32, n_filters_scale: 1 }, probe(32));
    const controller = new AbortController();
    const checkpoints: { epoch: number; aborted: boolean; keys: number }[] = [];
    await model.train(
      { amplitudes: amplitudes(64, 1, 32), positions: positions(64, 1) },
      {
        settings: settings({ epochs: 30, batchSize: 16, checkpointEvery: 1 }),
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'checkpoint') {
            checkpoints.push({ epoch: event.epoch, aborted: event.aborted, keys: Object.keys(event.stateDict).length });
            if (checkpoints.length === 2) controller.abort();
          }
        },
      },
    );
    expect(checkpoints.slice(0, 2).map((c) => [c.epoch, c.aborted])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(checkpoints.at(-1)!.aborted).toBe(true);
    expect(checkpoints[0].keys).toBe(Object.keys(model.stateDict()).length);
    model.dispose();
  });
});
