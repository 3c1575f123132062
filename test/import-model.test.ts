// Models trained by PtychoPINN, imported: the network's output on fixed inputs equals
// what PtychoPINN's own code computes from the same file (fixtures/ptychopinn/, made by
// scripts/make-ptychopinn-fixtures.py), on each engine; the bundle written records
// the source and reopens on either engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { readBundle } from '../lib/bundle/bundle';
import { readNpz } from '../lib/io/npz';
import type { JsTensor } from '../lib/native/binding';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { createModel } from './helpers/model';
import { tensorflowAvailable } from './helpers/tensorflow';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ptychopinn');
const TF_MODEL = path.join(FIXTURES, 'tensorflow', 'wts.h5.zip');
const CKPT = path.join(FIXTURES, 'lightning', 'model.ckpt');
const CKPT_PROBE = path.join(FIXTURES, 'lightning', 'probe.npz');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-import-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const engines = ['libtorch', ...(tensorflowAvailable() ? ['tensorflow'] : [])];

interface Expected {
  amplitudes: JsTensor;
  amplitude: Float32Array;
  phase: Float32Array;
}

async function expected(file: string): Promise<Expected> {
  const { arrays } = await readNpz(file);
  const get = (key: string) => arrays.get(key) as { shape: number[]; data: Float32Array };
  const amplitudes = get('amplitudes');
  return {
    amplitudes: { dtype: 'float32', shape: amplitudes.shape, data: amplitudes.data },
    amplitude: get('amplitude').data,
    phase: get('phase').data,
  };
}

/** PtychoPINN's amplitude·e^{i·phase} against ours: the largest error relative to the largest value. */
function relativeErrors(out: JsTensor, truth: Expected): { re: number; im: number } {
  const z = out.data as Float32Array;
  let reError = 0;
  let imError = 0;
  let scale = 0;
  for (let i = 0; i < truth.amplitude.length; i += 1) {
    const re = truth.amplitude[i] * Math.cos(truth.phase[i]);
    const im = truth.amplitude[i] * Math.sin(truth.phase[i]);
    scale = Math.max(scale, Math.abs(truth.amplitude[i]));
    reError = Math.max(reError, Math.abs(z[2 * i] - re));
    imError = Math.max(imError, Math.abs(z[2 * i + 1] - im));
  }
  return { re: reError / scale, im: imError / scale };
}

/** Amplitude and phase where the amplitude is positive (a negative swish flips the phase by π). */
function amplitudePhaseErrors(out: JsTensor, truth: Expected): { amplitude: number; phase: number } {
  const z = out.data as Float32Array;
  let amplitude = 0;
  let phase = 0;
  for (let i = 0; i < truth.amplitude.length; i += 1) {
    const a = truth.amplitude[i];
    if (a < 1e-3) continue;
    const ours = Math.hypot(z[2 * i], z[2 * i + 1]);
    amplitude = Math.max(amplitude, Math.abs(ours - a) / a);
    const d = Math.atan2(z[2 * i + 1], z[2 * i]) - truth.phase[i];
    phase = Math.max(phase, Math.abs(Math.atan2(Math.sin(d), Math.cos(d))) / Math.PI);
  }
  return { amplitude, phase };
}

describe.each([
  { name: 'TensorFlow wts.h5.zip', file: TF_MODEL, probe: undefined, gridsize: 1, format: 'ptychopinn-tensorflow' },
  { name: 'Lightning .ckpt', file: CKPT, probe: CKPT_PROBE, gridsize: 2, format: 'ptychopinn-lightning' },
])('importing PtychoPINN $name', ({ file, probe, gridsize, format }) => {
  const bundle = path.join(folder, `${path.basename(file)}.ptpinn`);

  it('takes the architecture from the file and records the source in the manifest', async () => {
    using model = await Reconstructor.importModel(file, { probe });
    expect(model.config).toMatchObject({ N: 64, gridsize, n_filters_scale: 1, amp_activation: 'sigmoid' });
    const manifest = await model.saveModel(bundle);
    expect(manifest.importedFrom).toMatchObject({ format, file: path.basename(file) });
    expect(manifest.importedFrom!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await readBundle(bundle)).manifest.importedFrom).toEqual(manifest.importedFrom);
  });

  it.each(engines)("gives PtychoPINN's network output to 1e-4 on the %s engine", async (backend) => {
    const truth = await expected(path.join(path.dirname(file), 'expected.npz'));
    const { manifest, state } = await readBundle(bundle);
    const probeTensor: JsTensor = { dtype: 'complex64', shape: [64, 64], data: state.probe.data };
    // float32: 'auto' precision would run LibTorch's convolutions in bfloat16 where the CPU has it.
    using engine = createModel({ ...manifest.config, backend: backend as never, precision: 'float32' }, probeTensor, {
      inputScale: manifest.inputScale,
    });
    engine.loadStateDict(state);
    const out = await engine.infer(truth.amplitudes);
    expect(out.shape).toEqual(truth.amplitudes.shape);
    const { re, im } = relativeErrors(out, truth);
    const { amplitude, phase } = amplitudePhaseErrors(out, truth);
    expect(re).toBeLessThan(1e-4);
    expect(im).toBeLessThan(1e-4);
    expect(amplitude).toBeLessThan(1e-4);
    expect(phase).toBeLessThan(1e-4);
  });
});
