// `ptychopinn train --nproc N`: N processes on this machine, one rank each, meeting
// the way PyTorch's launchers make ranks meet — WORLD_SIZE, RANK, LOCAL_RANK,
// MASTER_ADDR (loopback) and MASTER_PORT (a free port) in each one's environment.
// Rank 0 owns the terminal; the others' standard error is forwarded with their rank
// in front. The ranks detect each other's failures themselves (within their timeout);
// this launcher only makes sure none outlives the run.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { readDistributedTimeout, readEnvironment } from '../config/env';
import { DISTRIBUTED_TIMEOUT_SECONDS } from '../backends/trainingSettings';
import { packageRoot } from '../packageInfo';

const LOOPBACK = '127.0.0.1';

/** A port nothing listens on now, for rank 0's store. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `args` without `--name value` / `--name=value`. */
export function withoutOption(args: string[], name: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === name) i += 1;
    else if (!args[i].startsWith(`${name}=`)) kept.push(args[i]);
  }
  return kept;
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) process.stderr.write(`${prefix}${line}\n`);
  });
  stream.on('end', () => pending && process.stderr.write(`${prefix}${pending}\n`));
}

function describeExit(rank: number, code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `rank ${rank} was killed by ${signal}` : `rank ${rank} exited with code ${code}`;
}

/**
 * Runs `ptychopinn <args>` as ranks 0 … nproc − 1 and resolves to the exit code of
 * the run: 0 when every rank succeeded, else that of the first rank to fail.
 */
export async function runLocalRanks(nproc: number, args: string[], notify: (text: string) => void): Promise<number> {
  const port = await freeLoopbackPort();
  // One process per core share: oversubscribed LibTorch thread pools are slower.
  const threads = readEnvironment().numThreads ?? Math.max(1, Math.floor(os.availableParallelism() / nproc));
  notify(`training in ${nproc} processes (Gloo over ${LOOPBACK}:${port}), ${threads} thread(s) each`);
  const script = path.join(packageRoot, 'bin', 'ptychopinn.js');
  const ranks: ChildProcess[] = [];
  for (let rank = 0; rank < nproc; rank += 1) {
    const child = spawn(process.execPath, [script, ...args], {
      env: {
        ...process.env,
        WORLD_SIZE: String(nproc),
        RANK: String(rank),
        LOCAL_RANK: String(rank),
        MASTER_ADDR: LOOPBACK,
        MASTER_PORT: String(port),
        PTYCHOPINN_NUM_THREADS: String(threads),
      },
      // Their own process group: a terminal's Ctrl-C reaches this launcher alone, which
      // passes it on once (a rank that got it twice would exit without saving).
      detached: true,
      stdio: rank === 0 ? 'inherit' : ['ignore', 'ignore', 'pipe'],
    });
    if (child.stderr) prefixLines(child.stderr, `rank ${rank}: `);
    ranks.push(child);
  }

  const forward = (signal: NodeJS.Signals) => () =>
    ranks.forEach((child) => child.exitCode === null && child.kill(signal));
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, forward(signal)] as const);
  handlers.forEach(([signal, handler]) => process.on(signal, handler));
  const killAll = () =>
    ranks.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  process.on('exit', killAll);

  // The ranks stop by themselves within their timeout once one fails; past it and a
  // margin, the launcher stops the stragglers.
  const graceMs = ((readDistributedTimeout() ?? DISTRIBUTED_TIMEOUT_SECONDS) + 30) * 1000;
  let firstFailure: { rank: number; code: number; text: string } | undefined;
  let straggler: NodeJS.Timeout | undefined;
  try {
    await Promise.all(
      ranks.map(
        (child, rank) =>
          new Promise<void>((resolve) =>
            child.once('exit', (code, signal) => {
              if ((code !== 0 || signal) && !firstFailure) {
                firstFailure = { rank, code: code ?? 1, text: describeExit(rank, code, signal) };
                straggler = setTimeout(() => {
                  notify(`ranks still running ${graceMs / 1000} s after ${firstFailure!.text}: stopping them`);
                  killAll();
                }, graceMs);
              }
              resolve();
            }),
          ),
      ),
    );
  } finally {
    clearTimeout(straggler);
    handlers.forEach(([signal, handler]) => process.off(signal, handler));
    process.off('exit', killAll);
  }
  if (!firstFailure) return 0;
  notify(`distributed training failed: ${firstFailure.text} first`);
  return firstFailure.code;
}
