// A worker_threads Worker that uses the compiled package (dist/): loads the addon and,
// on the dataset it is given, either computes and posts results back, or starts native
// work and says so ('running') so that the parent can terminate it in the middle of it,
// on the engine workerData.backend names (default: the model's, else LibTorch).
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { Reconstructor, capabilities, physics } = require('../../dist/lib');

const tasks = {
  /** A physics function and a reconstruction, for comparison with the main thread. */
  async compute({ modelPath, data, psi }) {
    const reconstructor = await Reconstructor.openModel(modelPath);
    const result = await reconstructor.reconstruct(data);
    reconstructor.dispose();
    parentPort.postMessage({
      libtorch: capabilities().libtorch.version,
      farField: physics.farField(psi),
      amplitude: result.amplitude,
      shape: [result.height, result.width],
    });
  },
  /** A model held by an idle worker: its finalizer runs at environment teardown. */
  async holdModel({ modelPath }) {
    const reconstructor = await Reconstructor.openModel(modelPath);
    parentPort.postMessage('running');
    // Keeps the worker (and the model) alive until it is terminated.
    setInterval(() => reconstructor.backend, 1000);
  },
  /** Inference queued on the thread pool when the worker is terminated. */
  async infer({ modelPath, data, backend }) {
    const reconstructor = await Reconstructor.openModel(modelPath, { backend });
    for (let first = true; ; first = false) {
      const running = reconstructor.reconstruct(data);
      if (first) parentPort.postMessage('running');
      await running;
    }
  },
  /** Training on its native thread when the worker is terminated. */
  async train({ data, backend }) {
    const settings = { N: 32, n_filters_scale: 1, nepochs: 1000, n_groups: 16, ...(backend ? { backend } : {}) };
    const reconstructor = Reconstructor.create(settings, {});
    let told = false;
    await reconstructor.train(data, {
      onProgress: () => {
        if (!told) parentPort.postMessage('running');
        told = true;
      },
    });
  },
};

tasks[workerData.task](workerData);
