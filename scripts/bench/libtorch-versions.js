// LibTorch versions side by side: training and inference patterns/s of the same
// network (N = 64, n_filters_scale 2, precision 'auto', gridsize 1 and 2) from
// checkouts of the same commit built against different LibTorch installs, run in
// alternation so that the machine's load falls on both alike. Without --roots it
// times this checkout alone.
//
//   node scripts/bench/libtorch-versions.js [--roots /a,/b] [--rounds 2]
//   (a second checkout: `git worktree add ../pp-113 && cd ../pp-113 && npm ci --ignore-scripts &&
//    Torch_DIR=/usr/lib/x86_64-linux-gnu/cmake/Torch node scripts/build-native.js build && npm run compile`)
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { values } = parseArgs({
  options: {
    roots: { type: 'string', default: path.join(__dirname, '..', '..') },
    rounds: { type: 'string', default: '2' },
    child: { type: 'string' },
  },
});
const N = 64;

function tensor(dtype, shape, value) {
  const count = shape.reduce((a, b) => a * b, 1) * (dtype === 'complex64' ? 2 : 1);
  return { dtype, shape, data: Float32Array.from({ length: count }, (_, i) => value(i)) };
}

async function measure(root) {
  const { modelFromFields, settingsFromDefaults } = require(path.join(root, 'dist', 'lib', 'backends', 'fromFields'));
  const lib = require(path.join(root, 'dist', 'lib'));
  const out = { root, libtorch: lib.capabilities().libtorch.version };
  for (const gridsize of [1, 2]) {
    const C = gridsize * gridsize;
    const groups = gridsize === 1 ? 128 : 64;
    const probe = tensor('complex64', [N, N], (i) => (i % 2 ? 0 : 0.02 * Math.exp(-((((i / 2) % N) - 32) ** 2) / 200)));
    const model = modelFromFields({ N, gridsize, n_filters_scale: 2 }, probe, { inputScale: 1000 });
    const amplitudes = tensor('float32', [groups, C, N, N], (i) => Math.abs(Math.sin(i)));
    const positions = tensor('float32', [groups, C, 2], (i) => ((i * 7) % 9) - 4);
    await model.infer(amplitudes, { batchSize: 64 }); // warm-up
    let infer = 0;
    let train = 0;
    for (let r = 0; r < 2; r++) {
      let start = performance.now();
      await model.infer(amplitudes, { batchSize: 64 });
      infer = Math.max(infer, (groups * C) / ((performance.now() - start) / 1000));
      start = performance.now();
      await model.train({ amplitudes, positions }, { settings: settingsFromDefaults({ epochs: 1, batchSize: 16 }) });
      train = Math.max(train, (groups * C) / ((performance.now() - start) / 1000));
    }
    out[`gridsize${gridsize}`] = { train, infer };
    model.dispose();
  }
  return out;
}

(async () => {
  if (values.child) return console.log(JSON.stringify(await measure(values.child)));
  console.log('LibTorch     gs1 train  gs2 train  gs1 infer  gs2 infer   (patterns/s, batch 16 / 64)');
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const root of values.roots.split(',')) {
      const run = spawnSync(process.execPath, [__filename, '--child', root], { encoding: 'utf8' });
      if (run.status !== 0) {
        console.log(`${root}: failed: ${run.stderr.slice(-400)}`);
        continue;
      }
      const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
      const cells = [r.gridsize1.train, r.gridsize2.train, r.gridsize1.infer, r.gridsize2.infer];
      console.log(`${r.libtorch.padEnd(12)}${cells.map((v) => v.toFixed(1).padStart(11)).join('')}   ${root}`);
    }
  }
})();
