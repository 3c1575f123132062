// Checkpoints written while training runs: one atomic write after another, in the
// order the engine hands out state dicts. A write that fails stops training (through
// `signal`) and its error is what train() rejects with; the previous file stays intact.
import type { StateDict } from '../backends/engine';

export class CheckpointWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private readonly stop = new AbortController();

  constructor(private readonly write: (state: StateDict, aborted: boolean) => Promise<unknown>) {}

  /** Aborted when a write has failed. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  enqueue(state: StateDict, aborted: boolean): void {
    this.chain = this.chain
      .then(async () => {
        await this.write(state, aborted);
      })
      .catch((error: unknown) => {
        this.failure ??= { error };
        this.stop.abort();
      });
  }

  /** Waits for every write; throws the first write error. */
  async settle(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure.error;
  }
}
