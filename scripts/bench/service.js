// Issue 7 benchmark: the example service (examples/service) under load on 127.0.0.1.
// autocannon POSTs one NPZ of 64 patterns with 1, 4 and 16 connections; the service
// runs in a child process so that the load generator does not share its event loop,
// and reports its own event-loop delay (GET /metrics), idle and under each load.
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const { Reconstructor, capabilities, datasetArrays, npzBuffer, simulate } = require('../../dist/lib');

const root = path.join(__dirname, '..', '..');
const [N, nFiltersScale, patterns] = [32, 1, 64];
// Requests per level: each connection sends several, so that the queue a level builds up
// is in its latencies (a fixed duration would drop the slowest requests at 16 connections).
const requestsPerConnection = 4;
const minimumRequests = 12;
const connectionCounts = [1, 4, 16];

/** A one-epoch model: the weights do not change the cost of inference. */
async function makeModel(file) {
  const reconstructor = Reconstructor.create({ N, n_filters_scale: nFiltersScale, nepochs: 1, n_groups: 32 }, {});
  await reconstructor.train(simulate({ N, nImages: 64, seed: 2 }));
  await reconstructor.saveModel(file);
  reconstructor.dispose();
}

/** What a client posts: the dataset contract's keys only, deflated. */
function requestBody() {
  const { diff3d, probeGuess, xcoords, ycoords } = datasetArrays(simulate({ N, nImages: patterns, seed: 3 }));
  return npzBuffer({ diff3d, probeGuess, xcoords, ycoords });
}

function startService(modelFile) {
  const child = fork(path.join(root, 'examples', 'service', 'main.js'), [modelFile], {
    // MAX_CONCURRENT and the other settings of examples/service/config.js pass through.
    env: { LOG_LEVEL: 'warn', ...process.env, PORT: '0' },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, url: message.listening }));
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening`)));
  });
}

async function metrics(url) {
  return (await fetch(`${url}/metrics?reset=1`)).json();
}

async function load(url, body, connections) {
  const result = await autocannon({
    url: `${url}/reconstruct`,
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body,
    connections,
    amount: Math.max(minimumRequests, requestsPerConnection * connections),
    // Requests queue behind each other on a few cores: latencies of seconds are expected, not failures.
    timeout: 300,
  });
  const ok = result['2xx'];
  return {
    connections,
    requests: ok,
    seconds: result.duration,
    requestsPerSecond: ok / result.duration,
    patternsPerSecond: (ok * patterns) / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

function row(label, requestsPerSecond, patternsPerSecond, latency, delay, failures) {
  const cell = (value, width, digits = 1) =>
    (value === undefined ? '-' : typeof value === 'number' ? value.toFixed(digits) : value).padStart(width);
  return (
    label.padEnd(12) +
    cell(requestsPerSecond, 8, 2) +
    cell(patternsPerSecond, 11) +
    cell(latency?.p50, 9, 0) +
    cell(latency?.p99, 9, 0) +
    cell(delay.p50, 10, 2) +
    cell(delay.p99, 10, 2) +
    cell(delay.max, 10, 2) +
    cell(failures, 7, 0)
  );
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-bench-service-'));
  const modelFile = path.join(dir, 'model.ptpinn');
  await makeModel(modelFile);
  const body = await requestBody();
  const { child, url } = await startService(modelFile);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const threads = capabilities().threads.intraOp;
    console.log(
      `N=${N} nfs=${nFiltersScale}, ${patterns} patterns per request (${(body.length / 1024).toFixed(0)} KiB NPZ), ` +
        `max(${minimumRequests}, ${requestsPerConnection} × connections) requests per level; ${os.cpus().length} cores, ${threads} LibTorch threads, ` +
        `MAX_CONCURRENT ${process.env.MAX_CONCURRENT ?? '1 (default)'}`,
    );
    console.log('load          req/s patterns/s  p50 ms   p99 ms  loop p50  loop p99  loop max  fails');
    await fetch(`${url}/reconstruct`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    await metrics(url);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = (await metrics(url)).eventLoopDelayMs;
    console.log(row('idle', undefined, undefined, undefined, idle, undefined));
    const levels = [];
    for (const connections of connectionCounts) {
      const result = await load(url, body, connections);
      const service = await metrics(url);
      levels.push({ ...result, eventLoopDelayMs: service.eventLoopDelayMs, rssBytes: service.rssBytes });
      const { requestsPerSecond, patternsPerSecond, latencyMs, failures } = result;
      const label = `${connections} conn`;
      console.log(row(label, requestsPerSecond, patternsPerSecond, latencyMs, service.eventLoopDelayMs, failures));
    }
    child.kill('SIGTERM');
    const code = await exited;
    console.log(`service closed on SIGTERM with exit code ${code}`);
    console.log(JSON.stringify({ bench: 'service', N, nFiltersScale, patterns, idle, levels, exitCode: code }));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
