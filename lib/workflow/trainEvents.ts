// train() as an async iterator of its progress events, for hosts that pull events
// (for await … of) rather than take callbacks.
import type { TrainEvent } from '../backends/engine';

export type EventStream<R> = AsyncIterable<TrainEvent> & { result: Promise<R> };

/** Runs `start` with a callback that queues events; the iterator drains them until `result` settles. */
export function eventStream<R>(start: (onProgress: (event: TrainEvent) => void) => Promise<R>): EventStream<R> {
  const queue: TrainEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const result = start((event) => {
    queue.push(event);
    wake?.();
  }).finally(() => {
    done = true;
    wake?.();
  });
  return {
    result,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (done) {
          await result;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
  };
}
