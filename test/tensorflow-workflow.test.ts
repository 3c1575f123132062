// The TensorFlow engine in the workflow, on the shipped N = 32 fixture: it learns,
// reproducibly; its model.ptpinn is the LibTorch engine's format, so a bundle of
// either engine runs on either and both reconstruct the same object; results and
// manifests say which engine trained a model and which ran it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';

import { readBundle, type TrainingSummary } from '../lib/bundle/bundle';
import { engineVersion } from '../lib/capabilities';
import type { BackendName } from '../lib/config/schema';
import { loadDataset } from '../lib/data/datasetFile';
import type { PtychoDataset } from '../lib/data/dataset';
import { encodeSafetensors } from '../lib/bundle/safetensors';
import { Reconstructor, type Reconstruction } from '../lib/workflow/Reconstructor';
import { repoRoot } from './helpers/cli';
import { tensorflowAvailable } from './helpers/tensorflow';

const available = tensorflowAvailable();

// As test/training.test.ts: small, seeded, the intensity scale held fixed so that only
// a network that learns can lower the loss.
const settings = {
  N: 32,
  n_filters_scale: 1,
  nepochs: 3,
  batch_size: 16,
  seed: 3,
  device: 'cpu',
  validation_fraction: 0.2,
  intensity_scale_trainable: false,
  backend: 'tensorflow' as const,
};

/**
 * Mean per-pixel validation Poisson NLL (photon units) must fall by at least this much
 * from the untrained model within 3 epochs. Measured with the TensorFlow engine:
 * 3.75e5 (−1.7005e7 before, −1.7380e7 after); set at a quarter of that, as for LibTorch.
 */
const MIN_VALIDATION_DROP = 1e5;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-tf-workflow-'));
}

/** max |a − b| / max |b| over the stitched complex objects. */
function objectError(a: Reconstruction, b: Reconstruction): number {
  expect([a.height, a.width, ...a.origin]).toEqual([b.height, b.width, ...b.origin]);
  let diff = 0;
  let peak = 0;
  for (let i = 0; i < b.object.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.object.data[i] - b.object.data[i]));
    peak = Math.max(peak, Math.abs(b.object.data[i]));
  }
  return diff / peak;
}

async function reconstructWith(file: string, backend: BackendName, data: PtychoDataset): Promise<Reconstruction> {
  // float32 on both engines (LibTorch would infer in bfloat16 on a CPU that has it).
  using model = await Reconstructor.openModel(file, { backend, training: { precision: 'float32' } });
  // Physics refinement runs in the LibTorch addon whatever engine ran the network:
  // the engines are compared on the network's own object.
  return await model.reconstruct(data, { refine: false });
}

describe.runIf(available)('TensorFlow engine on fixtures/lines-n32.npz', () => {
  let data: PtychoDataset;
  let modelFile: string;
  const runs: TrainingSummary[] = [];

  beforeAll(async () => {
    data = await loadDataset(path.join(repoRoot, 'fixtures', 'lines-n32.npz'));
    modelFile = path.join(tempDir(), 'model.ptpinn');
    for (let i = 0; i < 2; i++) {
      using reconstructor = Reconstructor.create(settings, {});
      runs.push(await reconstructor.train(data));
      if (i === 0) await reconstructor.saveModel(modelFile);
    }
  }, 120_000);

  it('lowers the validation Poisson loss by a stated margin', () => {
    const [run] = runs;
    expect(run.history).toHaveLength(3);
    const final = run.history.at(-1)!.validationLoss!;
    expect(run.initialValidationLoss! - final).toBeGreaterThan(MIN_VALIDATION_DROP);
  });

  it('gives the same loss history twice for the same seed, data and threads', () => {
    const losses = runs.map((r) => r.history.map((h) => [h.loss, h.validationLoss]));
    expect(losses[1]).toEqual(losses[0]);
  });

  it('saves the LibTorch engine’s bundle format, recording the engine that trained it', async () => {
    const { manifest, state } = await readBundle(modelFile);
    expect(manifest.backend).toBe('tensorflow');
    expect(manifest.savedBy).toEqual({ backend: 'tensorflow', version: engineVersion('tensorflow') });
    expect(state['network.encoder.0.weight'].shape).toEqual([64, 1, 3, 3]); // OIHW, as LibTorch
  });

  it('reconstructs the same object on either engine, and says which trained and which ran it', async () => {
    const [onTensorFlow, onLibTorch] = [
      await reconstructWith(modelFile, 'tensorflow', data),
      await reconstructWith(modelFile, 'libtorch', data),
    ];
    expect(objectError(onTensorFlow, onLibTorch)).toBeLessThan(1e-4);
    expect([onTensorFlow.backend, onTensorFlow.trainedBackend]).toEqual(['tensorflow', 'tensorflow']);
    expect([onLibTorch.backend, onLibTorch.trainedBackend]).toEqual(['libtorch', 'tensorflow']);
  });

  it('runs a LibTorch-trained bundle on TensorFlow with the same result', async () => {
    const file = path.join(tempDir(), 'libtorch.ptpinn');
    {
      using reconstructor = Reconstructor.create({ ...settings, backend: 'libtorch', nepochs: 1 }, {});
      await reconstructor.train(data);
      await reconstructor.saveModel(file);
    }
    const onTensorFlow = await reconstructWith(file, 'tensorflow', data);
    expect(objectError(onTensorFlow, await reconstructWith(file, 'libtorch', data))).toBeLessThan(1e-4);
    expect(onTensorFlow.trainedBackend).toBe('libtorch');
    // Fine-tuned on TensorFlow, the model is TensorFlow's.
    using tuned = await Reconstructor.openModel(file, { backend: 'tensorflow', training: { nepochs: 1 } });
    await tuned.train(data);
    expect(tuned.trainedBackend).toBe('tensorflow');
  });

  it('refuses weights an engine cannot load, naming the file and both engines', async () => {
    const { manifest, state } = await readBundle(modelFile);
    const { 'network.encoder.0.weight': kernel, ...rest } = state;
    // A foreign layout: the first kernel stored HWIO, as a TensorFlow checkpoint would.
    const foreign = { ...rest, 'network.encoder.0.weight': { ...kernel, shape: [3, 3, 1, 64] } };
    const weights = encodeSafetensors(foreign, { format: 'ptychopinn-model' });
    const { createHash } = await import('node:crypto');
    const file = path.join(tempDir(), 'foreign.ptpinn');
    const zip = new yazl.ZipFile();
    const sha256 = createHash('sha256').update(weights).digest('hex');
    zip.addBuffer(
      Buffer.from(JSON.stringify({ ...manifest, weights: { ...manifest.weights, sha256 } })),
      'manifest.json',
    );
    zip.addBuffer(Buffer.from(weights), 'weights.safetensors');
    zip.end();
    await pipeline(zip.outputStream, fs.createWriteStream(file));
    await expect(Reconstructor.openModel(file, { backend: 'libtorch' })).rejects.toThrow(
      /foreign\.ptpinn: its weights \(trained by the 'tensorflow' engine\) cannot be loaded by the 'libtorch' engine: stateDict\.network\.encoder\.0\.weight: expected shape \[64, 1, 3, 3\], got \[3, 3, 1, 64\]/,
    );
  });
});
