// Issue 4 benchmarks: loading a 10,000-pattern N = 64 float32 dataset (about 160 MB)
// stored and deflated (time and peak RSS, each in a fresh process), and grouping
// 100,000 positions. The files are written to the temporary folder and removed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { saveDataset } = require('../../dist/lib/data/datasetFile');
const { groupPositions } = require('../../dist/lib/data/grouping');
const { Rng } = require('../../dist/lib/random/rng');

const [M, N] = [10_000, 64];

function dataset() {
  const rng = new Rng(1);
  // Square roots of counts, like real amplitudes: not integer-valued, barely compressible.
  const diffraction = new Float32Array(M * N * N);
  for (let k = 0; k < diffraction.length; k += 1) diffraction[k] = Math.sqrt(rng.int(5000) + 0.5);
  const probe = new Float32Array(2 * N * N).fill(1);
  const side = Math.ceil(Math.sqrt(M));
  return {
    diffraction: { dtype: 'float32', shape: [M, N, N], data: diffraction },
    probeGuess: { dtype: 'complex64', shape: [N, N], data: probe },
    xcoords: Float64Array.from({ length: M }, (_, k) => 40 + (k % side) * 4),
    ycoords: Float64Array.from({ length: M }, (_, k) => 40 + Math.floor(k / side) * 4),
    notes: [],
  };
}

/** Loads `file` in a fresh Node process; returns seconds and peak RSS. */
function measureLoad(file) {
  const script = `
    const { loadDataset } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'lib', 'data', 'datasetFile'))});
    const before = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    loadDataset(${JSON.stringify(file)}).then((ds) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // VmHWM, not getrusage's maxRSS: that one keeps the high-water mark of the parent it was forked from.
      const status = require('node:fs').existsSync('/proc/self/status') ? require('node:fs').readFileSync('/proc/self/status', 'utf8') : '';
      const hwm = /VmHWM:\\s+(\\d+) kB/.exec(status);
      const peak = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) * 1024;
      console.log(JSON.stringify({ seconds, peak, before, bytes: ds.diffraction.data.byteLength }));
    });`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-bench-datasets-'));
  try {
    const data = dataset();
    const arrayBytes = data.diffraction.data.byteLength;
    console.log(`dataset: ${M} patterns ${N}×${N} float32 = ${mb(arrayBytes)}`);
    for (const compress of [false, true]) {
      const file = path.join(dir, compress ? 'deflated.npz' : 'stored.npz');
      await saveDataset(file, data, { compress });
      const best = [0, 1, 2].map(() => measureLoad(file)).sort((a, b) => a.seconds - b.seconds)[0];
      console.log(
        `load ${compress ? 'deflated' : 'stored  '} (${mb(fs.statSync(file).size)} file): ${best.seconds.toFixed(3)} s, ` +
          `peak RSS ${mb(best.peak)} (${mb(best.peak - best.before)} above the ${mb(best.before)} of a bare process; ` +
          `${((best.peak - best.before) / arrayBytes).toFixed(2)}× the array)`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const rng = new Rng(2);
  const count = 100_000;
  const side = Math.ceil(Math.sqrt(count));
  const x = Float64Array.from({ length: count }, (_, k) => (k % side) * 4 + rng.uniform());
  const y = Float64Array.from({ length: count }, (_, k) => Math.floor(k / side) * 4 + rng.uniform());
  for (const gridsize of [1, 2]) {
    const start = process.hrtime.bigint();
    const groups = groupPositions(x, y, { gridsize, seed: 1 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `group ${count} positions, gridsize ${gridsize} (K = 4): ${groups.count} groups in ${seconds.toFixed(3)} s`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
