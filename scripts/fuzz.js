#!/usr/bin/env node
// Fuzzes the NPZ, model-bundle and model-import readers: seeded byte flips,
// truncations and insertions of valid files (whole archives, and single members
// inside an archive rebuilt around them), each run through readNpz / readNpzBuffer +
// datasetFromArrays, readManifest + Reconstructor.openModel, or
// Reconstructor.importModel (PtychoPINN's wts.h5.zip and Lightning .ckpt fixtures) on
// the engine --backend names (the bundle is that engine's too). A case ends parsed
// (ok), in a clean library error, or in a failure: any other throw (RangeError,
// engine TypeError, non-Error), a hang past --hang-ms, or a crashed process.
//
//   node scripts/fuzz.js [--cases 5000] [--seed 1] [--first 0] [--hang-ms 2000] [--backend libtorch|tensorflow]
//                        [--targets npz-stored,ckpt-pickle,…] (default: every target)
//
// Prints counts per target and a final JSON line; exits 1 on any failure. A case
// is reproduced alone with --first <index> --cases 1 and the same seed.
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { writeInputs } = require('./fuzz/inputs');

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    first: { type: 'string', default: '0' },
    'hang-ms': { type: 'string', default: '2000' },
    backend: { type: 'string', default: 'libtorch' },
    targets: { type: 'string', default: '' },
  },
});
const backend = args.backend;
const [cases, seed, first, hangMs] = [args.cases, args.seed, args.first, args['hang-ms']].map(Number);

/** Runs cases [first, first + cases) in forked runners, replacing a runner that crashes or hangs. */
async function fuzz(dir) {
  const results = [];
  let next = first;
  while (next < first + cases) {
    const runner = fork(path.join(__dirname, 'fuzz', 'runner.js'), [dir, String(seed), backend, args.targets], {
      stdio: 'pipe',
    });
    let stderr = '';
    runner.stderr.on('data', (chunk) => (stderr += chunk));
    next = await drive(runner, next, results);
    if (next === undefined) throw new Error(`the fuzz runner did not start:\n${stderr}`);
  }
  return results;
}

/**
 * Feeds cases to one runner until all are done or it dies; resolves the next case
 * to run, or undefined when the runner died before it was ready.
 */
function drive(runner, start, results) {
  return new Promise((resolve) => {
    let index = start;
    let ready = false;
    let current = {}; // the case in flight, for the record of a hang or a crash
    let timer;
    const send = () => {
      if (index >= first + cases) {
        runner.kill();
        resolve(index);
        return;
      }
      timer = setTimeout(() => {
        results.push({ index, target: current.target, what: current.what, outcome: `hang > ${hangMs} ms` });
        runner.kill('SIGKILL');
      }, hangMs);
      runner.send({ index });
    };
    runner.on('message', (message) => {
      if (message.ready) {
        ready = true;
        return send();
      }
      if (message.started !== undefined) {
        current = message;
        return undefined;
      }
      clearTimeout(timer);
      results.push(message);
      index += 1;
      send();
    });
    // 'close', not 'exit': the runner's stderr is complete by then.
    runner.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!ready) return resolve(undefined);
      if (index >= first + cases) return;
      if (!results.some((r) => r.index === index)) {
        const { target, what } = current;
        results.push({ index, target, what, outcome: `crash (${signal ?? `exit code ${code}`})` });
      }
      resolve(index + 1);
    });
  });
}

function summarise(results, seconds) {
  const failures = results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'clean');
  const byTarget = {};
  for (const r of results) {
    const counts = (byTarget[r.target ?? 'unknown'] ??= { ok: 0, clean: 0, failures: 0 });
    if (r.outcome === 'ok' || r.outcome === 'clean') counts[r.outcome] += 1;
    else counts.failures += 1;
  }
  const failureKinds = {};
  for (const f of failures) failureKinds[f.outcome] = (failureKinds[f.outcome] ?? 0) + 1;
  return {
    cases: results.length,
    seed,
    backend,
    ok: results.filter((r) => r.outcome === 'ok').length,
    clean: results.filter((r) => r.outcome === 'clean').length,
    failures: failures.length,
    failureKinds,
    byTarget,
    seconds: Number(seconds.toFixed(1)),
    examples: failures.slice(0, 10),
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-fuzz-'));
  try {
    await writeInputs(dir, backend);
    const started = performance.now();
    const summary = summarise(await fuzz(dir), (performance.now() - started) / 1000);
    console.log(`fuzz: ${summary.cases} cases, seed ${seed}, backend ${backend}, ${summary.seconds} s`);
    console.log('target                 ok  clean  failures');
    for (const [target, c] of Object.entries(summary.byTarget)) {
      console.log(
        `${target.padEnd(20)}${String(c.ok).padStart(5)}${String(c.clean).padStart(7)}${String(c.failures).padStart(10)}`,
      );
    }
    for (const f of summary.examples) {
      console.log(`failure: case ${f.index} (${f.target}, ${f.what}): ${f.outcome}: ${f.message}`);
      console.log(`  reproduce: node scripts/fuzz.js --seed ${seed} --first ${f.index} --cases 1 --backend ${backend}`);
    }
    console.log(JSON.stringify(summary));
    process.exitCode = summary.failures ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
