import path from 'node:path';

import type { Command } from 'commander';

import { loadDataset } from '../../data/datasetFile';
import type { InputKind } from '../../data/dataset';
import { writeNpz } from '../../io/npz';
import type { Device } from '../../model/PtychoPINNModel';
import { imageFigure } from '../../render/figures';
import { Reconstructor } from '../../workflow/Reconstructor';
import { addInputKindFlag, addOutputFlags } from '../configFlags';
import { abortOnInterrupt } from '../signals';
import { writeMetricsIfGroundTruth } from './evaluateOutput';

interface InferFlags {
  model: string;
  data: string;
  outputDir: string;
  inputKind?: InputKind;
  device?: Device;
  backend?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerInfer(program: Command): void {
  const command = program
    .command('infer')
    .description('reconstruct a scan with a trained model; writes reconstruction.npz, amplitude.png, phase.png')
    .requiredOption('--model <model.ptpinn>', 'trained model bundle')
    .requiredOption('--data <file.npz>', 'dataset to reconstruct')
    .requiredOption('--output-dir <dir>', 'where the outputs go')
    .option('--device <d>', 'auto | cpu | cuda | cuda:N (default: as trained)')
    .option('--backend <b>', 'refuse the bundle unless it was written by this backend');
  addInputKindFlag(command);
  addOutputFlags(command).action(async (flags: InferFlags) => {
    const data = await loadDataset(flags.data, { inputKind: flags.inputKind });
    const reconstructor = await Reconstructor.openModel(flags.model, { device: flags.device, backend: flags.backend });
    const interrupt = abortOnInterrupt(() => process.stderr.write('interrupted\n'));
    try {
      const result = await reconstructor.reconstruct(data, { signal: interrupt.signal });
      const out = flags.outputDir;
      const shape = [result.height, result.width];
      await writeNpz(path.join(out, 'reconstruction.npz'), {
        object: { dtype: 'complex64', shape, data: result.object.data as Float32Array },
        amplitude: { dtype: 'float32', shape, data: result.amplitude },
        phase: { dtype: 'float32', shape, data: result.phase },
        origin: { dtype: 'float64', shape: [2], data: Float64Array.from(result.origin) },
        positions: { dtype: 'float64', shape: [result.positions.length / 2, 2], data: result.positions },
        backend: { dtype: 'str', shape: [], data: [result.backend] },
      });
      const figure = { height: result.height, width: result.width };
      await imageFigure({ ...figure, values: result.amplitude, kind: 'amplitude' }).writePng(
        path.join(out, 'amplitude.png'),
      );
      await imageFigure({ ...figure, values: result.phase, kind: 'phase' }).writePng(path.join(out, 'phase.png'));
      const metrics = await writeMetricsIfGroundTruth(data, result, path.join(out, 'metrics.json'));
      const summary = {
        type: 'result',
        output: out,
        shape,
        origin: result.origin,
        backend: result.backend,
        timings: result.timings,
        ...(metrics ? { metrics } : {}),
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else if (!flags.quiet) {
        process.stdout.write(
          `reconstructed ${result.positions.length / 2} patterns into ${shape.join('×')} in ${result.timings.totalSeconds.toFixed(2)} s (${result.timings.patternsPerSecond.toFixed(0)} patterns/s)\nwrote ${out}/reconstruction.npz, amplitude.png, phase.png${metrics ? ', metrics.json' : ''}\n`,
        );
      }
    } finally {
      interrupt.dispose();
      reconstructor.dispose();
    }
  });
}
