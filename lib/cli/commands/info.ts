import type { Command } from 'commander';

import { capabilities, engines, type EngineSummary } from '../../capabilities';
import { formatBytes, printJson } from '../terminal';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('print what this installation can do (engines, CUDA, threads)')
    .option('--json', 'print machine-readable JSON')
    .action((options: { json?: boolean }) => {
      const caps = capabilities();
      const available = engines();
      if (options.json) {
        printJson({ ...caps, engines: available });
        return;
      }
      const cuda = caps.cuda.compiled
        ? caps.cuda.available
          ? `available (${caps.cuda.devices.length} device${caps.cuda.devices.length === 1 ? '' : 's'})`
          : 'compiled in, no usable device'
        : 'not compiled';
      const lines = [
        `ptychopinn ${caps.packageVersion}`,
        `addon:     ${caps.addon.path} (${caps.addon.prebuilt ? 'prebuilt' : 'built from source'})`,
        `LibTorch:  ${caps.libtorch.loadedVersion ?? 'version unknown'} loaded from ${caps.libtorch.library || 'an unknown file'} (compiled against ${caps.libtorch.version})`,
        `threads:   ${caps.threads.intraOp} intra-op, ${caps.threads.interop} inter-op`,
        `MKL-DNN:   ${caps.mkldnn ? 'yes' : 'no'}   MKL: ${caps.mkl ? 'yes' : 'no'}`,
        `CUDA:      ${cuda}`,
        ...caps.cuda.devices.map(
          (d) => `  cuda:${d.index}  ${d.name}, ${formatBytes(d.totalMemoryBytes)}, compute ${d.computeCapability}`,
        ),
        `distributed training: ${caps.distributed.backends.join(', ') || `not built (${caps.distributed.unavailableReason})`}`,
        'engines:',
        ...available.map(engineLine),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function engineLine(engine: EngineSummary): string {
  const name = engine.name.padEnd(10);
  if (!engine.available) return `  ${name} not available: ${engine.missing} (see \`ptychopinn doctor\`)`;
  return `  ${name} ${engine.version}, ${engine.threads?.intraOp} threads, ${engine.library} (addon ${engine.addon?.path})`;
}
