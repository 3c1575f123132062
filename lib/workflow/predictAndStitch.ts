// The network's object of a scan: every group predicted chunk by chunk and its
// patches stitched as they arrive, so that memory is the canvas plus a chunk or two.
import type { EngineModel } from '../backends/engine';
import type { JsTensor } from '../native/binding';
import { Stitcher, type StitchedObject } from '../stitch/Stitcher';

export interface PredictionPlan {
  /** Groups in the scan. */
  count: number;
  /** Patterns per group. */
  C: number;
  N: number;
  /** Absolute patch positions (count·C, 2) [x, y] in object pixels, for the canvas. */
  absolute: Float64Array;
  stitchCrop: number;
  /** Groups per chunk. */
  chunk: number;
  batchSize: number;
  signal?: AbortSignal;
  /** Normalised amplitudes (count, C, N, N) of groups [first, first + count). */
  amplitudes: (first: number, count: number) => Promise<JsTensor>;
}

export async function predictAndStitch(
  model: EngineModel,
  plan: PredictionPlan,
): Promise<{ stitched: StitchedObject; inferMs: number; stitchMs: number }> {
  const { C, N, absolute } = plan;
  let inferMs = 0;
  let stitchMs = 0;
  using stitcher = new Stitcher(absolute, plan.stitchCrop);
  // A pipeline: while the native workers infer one chunk, the last is stitched here
  // and the next is gathered (or read from its file), so preparing data never leaves
  // the workers idle.
  const size = (first: number) => Math.min(plan.chunk, plan.count - first);
  let pending = plan.amplitudes(0, size(0));
  const launch = async (first: number) => {
    plan.signal?.throwIfAborted();
    const amplitudes = await pending;
    const started = performance.now();
    const patches = model.infer(amplitudes, { batchSize: plan.batchSize });
    const next = first + size(first);
    if (next < plan.count) pending = plan.amplitudes(next, size(next));
    return { first, count: size(first), started, patches };
  };
  let running = await launch(0);
  try {
    for (;;) {
      const { first, count, started, patches } = running;
      const predicted = await patches;
      inferMs += performance.now() - started;
      const done = first + count >= plan.count;
      if (!done) running = await launch(first + count);
      const t = performance.now();
      stitcher.add(
        { dtype: 'complex64', shape: [count * C, N, N], data: predicted.data },
        absolute.subarray(first * C * 2, (first + count) * C * 2),
      );
      stitchMs += performance.now() - t;
      if (done) break;
    }
  } catch (error) {
    // What is still in flight is abandoned; its outcome no longer matters.
    running.patches.catch(() => undefined);
    pending.catch(() => undefined);
    throw error;
  }
  const t = performance.now();
  const stitched = stitcher.finish();
  stitchMs += performance.now() - t;
  return { stitched, inferMs, stitchMs };
}
