// The addon inside worker_threads Workers (through the compiled dist/): the same
// numbers as on the main thread, and terminating a Worker in the middle of native work
// leaves the process and the addon working.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { capabilities } from '../lib/capabilities';
import { loadDataset } from '../lib/data/datasetFile';
import type { JsTensor } from '../lib/native/binding';
import { farField } from '../lib/physics';
import { simulate } from '../lib/simulate/simulate';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { repoRoot } from './helpers/cli';
import { tensorflowAvailable } from './helpers/tensorflow';

const fixture = path.join(repoRoot, 'fixtures', 'lines-n32.npz');
const helpers = path.join(__dirname, 'helpers');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-worker-'));
const modelPath = path.join(dir, 'model.ptpinn');
/** The scan terminateWorker.js builds and reconstructs. */
const scan = () => simulate({ N: 32, nImages: 16, seed: 3 });
let scanShape: number[];

beforeAll(async () => {
  const trainer = Reconstructor.create({ N: 32, n_filters_scale: 1, nepochs: 1, n_groups: 16, seed: 1 }, {});
  await trainer.train(await loadDataset(fixture));
  await trainer.saveModel(modelPath);
  const result = await trainer.reconstruct(scan());
  scanShape = [result.height, result.width];
  trainer.dispose();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

describe('worker_threads', () => {
  it('loads the addon and reconstructs inside a Worker, with the main thread’s numbers', async () => {
    const psi: JsTensor = {
      dtype: 'complex64',
      shape: [2, 8, 8],
      data: Float32Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.sin(i) * Math.cos(i / 3)),
    };
    const data = scan();
    const worker = new Worker(path.join(helpers, 'addonWorker.js'), {
      workerData: { task: 'compute', modelPath, data, psi },
    });
    const exited = once(worker, 'exit');
    const fromWorker = await new Promise<{
      libtorch: string;
      farField: JsTensor;
      amplitude: Float32Array;
      shape: number[];
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // Its work done, the worker's event loop empties and it exits on its own.
    expect(await exited).toEqual([0]);

    expect(fromWorker.libtorch).toBe(capabilities().libtorch.version);
    const expectedField = farField(psi);
    expect(fromWorker.farField.shape).toEqual([2, 8, 8]);
    expect(maxDifference(fromWorker.farField.data as Float32Array, expectedField.data as Float32Array)).toBeLessThan(
      1e-6,
    );

    const reconstructor = await Reconstructor.openModel(modelPath);
    const expected = await reconstructor.reconstruct(data);
    reconstructor.dispose();
    expect(fromWorker.shape).toEqual([expected.height, expected.width]);
    expect(maxDifference(fromWorker.amplitude, expected.amplitude)).toBeLessThan(1e-5);
  });

  /** Runs terminateWorker.js in its own process: a native crash there fails the test instead of the runner. */
  function terminateDuring(task: string, backend?: string) {
    const args = [path.join(helpers, 'terminateWorker.js'), task, modelPath, ...(backend ? [backend] : [])];
    const run = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, signal: run.signal, stderr: run.stderr, result: run.stdout && JSON.parse(run.stdout) };
  }

  it('terminating a Worker that holds a model leaves the process and the addon working', () => {
    const { status, signal, stderr, result } = terminateDuring('holdModel');
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(result.exitCode).toBe(1);
    expect(result.mainThread).toEqual(scanShape);
  });

  // A Worker terminated with native work pending: its completion callbacks
  // (AsyncWorker::OnAsyncWorkComplete for inference, ThreadSafeFunction::CallJS for
  // training progress) cannot call into JS any more. Before CMakeLists.txt defined
  // NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS this aborted the whole process (8 of 8
  // runs during inference, 3 of 8 during training).
  it('terminating a Worker during inference leaves the process and the addon working', () => {
    const { status, signal, stderr, result } = terminateDuring('infer');
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(result.mainThread).toEqual(scanShape);
  });

  it('terminating a Worker during training leaves the process and the addon working', () => {
    const { status, signal, stderr, result } = terminateDuring('train');
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(result.mainThread).toEqual(scanShape);
  });

  // The TensorFlow addon in a Worker, the same way (TensorFlow prints its load notice on stderr).
  it.runIf(tensorflowAvailable()).each(['infer', 'train'])(
    'terminating a Worker during TensorFlow %s leaves the process and both addons working',
    (task) => {
      const { status, signal, result } = terminateDuring(task, 'tensorflow');
      expect({ status, signal }).toEqual({ status: 0, signal: null });
      expect(result.mainThread).toEqual(scanShape);
    },
  );
});
