// Training progress for people and programs: a progress bar on a TTY, plain lines
// otherwise, JSON lines with --json, nothing with --quiet.
import cliProgress from 'cli-progress';

import type { TrainEvent } from '../native/binding';

export interface OutputMode {
  json?: boolean;
  quiet?: boolean;
}

export interface ProgressReporter {
  onEvent(event: TrainEvent): void;
  /** A one-line message (plain text, or {"type": "message"} with --json). */
  message(text: string): void;
  stop(): void;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value.toPrecision(5);
}

export function progressReporter(mode: OutputMode, totalEpochs: number): ProgressReporter {
  if (mode.quiet) return { onEvent: () => {}, message: () => {}, stop: () => {} };
  if (mode.json) {
    return {
      onEvent: (event) => {
        // State dicts are for checkpoint writers, not for the terminal.
        const printable =
          event.type === 'checkpoint' ? { type: event.type, epoch: event.epoch, aborted: event.aborted } : event;
        process.stdout.write(`${JSON.stringify(printable)}\n`);
      },
      message: (text) => process.stdout.write(`${JSON.stringify({ type: 'message', text })}\n`),
      stop: () => {},
    };
  }
  if (!process.stderr.isTTY) {
    return {
      onEvent: (event) => {
        if (event.type !== 'epoch') return;
        process.stderr.write(
          `epoch ${event.epoch}/${totalEpochs}  loss ${fmt(event.loss)}  val ${fmt(event.validationLoss)}  lr ${event.learningRate}  ${event.patternsPerSecond.toFixed(0)} patterns/s  ${event.seconds.toFixed(1)} s\n`,
        );
      },
      message: (text) => process.stderr.write(`${text}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | val {val} | {rate} patterns/s | eta {eta_formatted}',
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onEvent: (event) => {
      if (event.type === 'checkpoint') return;
      if (!started) {
        bar.start(totalEpochs, 0, { epoch: 1, epochs: totalEpochs, loss: '-', val: '-', rate: '-' });
        started = true;
      }
      if (event.type === 'batch') {
        bar.update(event.epoch - 1 + event.batch / event.batches, {
          epoch: event.epoch,
          loss: fmt(event.loss),
          rate: event.patternsPerSecond.toFixed(0),
        });
      } else {
        bar.update(event.epoch, { loss: fmt(event.loss), val: fmt(event.validationLoss) });
      }
    },
    // Clear the bar line first; the bar redraws itself on its next update.
    message: (text) => process.stderr.write(`${started ? '\r\x1b[K' : ''}${text}\n`),
    stop: () => started && bar.stop(),
  };
}
