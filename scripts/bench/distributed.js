// Issue 13 benchmark: training throughput of `ptychopinn train` alone and data
// parallel with --nproc 2 (Gloo over the loopback interface), one LibTorch thread per
// process (PTYCHOPINN_NUM_THREADS=1): the scaling a user can expect per added process
// on this machine. One process with as many threads as there are processes is shown
// beside it, since that is the other way to use the same cores.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { capabilities } = require('../../dist/lib');

const root = path.join(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'ptychopinn.js');
const [N, patterns, epochs] = [64, 256, 3];

function ptychopinn(args, env) {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(`ptychopinn ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run;
}

/**
 * Patterns per second over the epochs after the first (which warms up), the command's
 * wall time, and the machine's load average over the last minute (other work on these
 * cores slows every run).
 */
function trainingRate(dir, data, config, nproc, threads) {
  const output = path.join(dir, `nproc${nproc}-threads${threads}`);
  const args = ['train', '--train-data', data, '--output-dir', output, '--config', config, '--quiet'];
  const started = performance.now();
  ptychopinn(nproc > 1 ? [...args, '--nproc', String(nproc)] : args, { PTYCHOPINN_NUM_THREADS: String(threads) });
  const wall = (performance.now() - started) / 1000;
  const history = JSON.parse(fs.readFileSync(path.join(output, 'history.json'), 'utf8')).slice(1);
  const seconds = history.reduce((sum, record) => sum + record.seconds, 0);
  const trained = history.reduce((sum, record) => sum + record.patternsPerSecond * record.seconds, 0);
  return { nproc, threads, patternsPerSecond: trained / seconds, wall, load: os.loadavg()[0] };
}

const caps = capabilities();
if (!caps.distributed.backends.includes('gloo')) {
  console.log(`skipped: this build cannot train in more than one process (${caps.distributed.unavailableReason})`);
  process.exit(0);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-bench-distributed-'));
try {
  const data = path.join(dir, 'data.npz');
  ptychopinn(['simulate', '--object', 'lines', '--n-images', String(patterns), '--N', String(N), '-o', data]);
  // Training alone: no held-out groups, so epochs time the training steps only.
  const config = path.join(dir, 'config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({ N, nepochs: epochs, n_groups: patterns, validation_fraction: 0, device: 'cpu' }),
  );
  console.log(
    `LibTorch ${caps.libtorch.version}, ${os.availableParallelism()} cores; N = ${N}, n_filters_scale 2, ` +
      `batch 16, ${patterns} groups, epochs 2-${epochs} timed`,
  );
  const runs = [trainingRate(dir, data, config, 1, 1), trainingRate(dir, data, config, 2, 1)];
  runs.push(trainingRate(dir, data, config, 1, 2));
  for (const run of runs) {
    console.log(
      `${run.nproc} process(es) × ${run.threads} thread(s): ${run.patternsPerSecond.toFixed(1)} patterns/s ` +
        `(${(run.patternsPerSecond / runs[0].patternsPerSecond).toFixed(2)}× one process, one thread; ` +
        `command ${run.wall.toFixed(1)} s, load average ${run.load.toFixed(1)})`,
    );
  }
  console.log(JSON.stringify({ benchmark: 'distributed', runs }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
