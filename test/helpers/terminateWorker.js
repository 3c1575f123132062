// Run as `node terminateWorker.js <task> <model> [backend]`: starts addonWorker.js
// with that task (on that engine), terminates it once its native work is running, then
// reconstructs on the main thread to show that the process and the addon survived.
// Prints one JSON line.
'use strict';
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { Reconstructor, simulate } = require('../../dist/lib');

async function main() {
  const [task, modelPath, backend] = process.argv.slice(2);
  const data = simulate({ N: 32, nImages: 16, seed: 3 });
  const worker = new Worker(path.join(__dirname, 'addonWorker.js'), {
    workerData: { task, modelPath, data, backend },
  });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const started = performance.now();
  const exitCode = await worker.terminate();
  const terminateMs = performance.now() - started;
  const reconstructor = await Reconstructor.openModel(modelPath, { backend });
  const result = await reconstructor.reconstruct(data);
  reconstructor.dispose();
  console.log(JSON.stringify({ exitCode, terminateMs, mainThread: [result.height, result.width] }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
