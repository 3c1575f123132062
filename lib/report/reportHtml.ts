// report.html: one self-contained page (figures inline as data: URIs, styles inline,
// no script, nothing fetched) that opens from disk in any browser.
import os from 'node:os';

import type { Metrics } from '../metrics/evaluate';
import { PIXEL_RATIO } from '../render/rasterize';
import { definitions, escapeHtml, table } from './html';
import type { ReportFigure } from './reportFigure';
import type { RunReport } from './runReport';

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1200px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25em 0.8em; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #ccc; }
table.definitions th { font-weight: normal; color: #555; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; }
code { font-size: 0.95em; }
`;

export function reportHtml(report: RunReport): string {
  const title = `ptychopinn ${report.command}`;
  const caps = report.capabilities;
  const libtorch = caps.libtorch.loadedVersion ?? caps.libtorch.version;
  const sections = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">${escapeHtml(
      `${report.createdAt.toISOString()} · ptychopinn ${caps.packageVersion} · backend ${report.config.backend} ` +
        `(LibTorch ${libtorch}) · device ${report.config.device}`,
    )}</p>`,
    section('Inputs', definitions(report.inputs)),
    report.metrics ? section('Metrics against the ground truth', metricsSection(report)) : '',
    report.training ? section('Training', trainingSection(report.training)) : '',
    section('Figures', report.figures.map(figureHtml).join('\n')),
    section('Timings', definitions(report.timings.map(([label, seconds]) => [label, `${seconds.toFixed(2)} s`]))),
    section('Configuration', definitions(Object.entries(report.config).map(([key, value]) => [key, show(value)]))),
    section('Environment', definitions(environment(report))),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.filter(Boolean).join('\n')}
</body>
</html>
`;
}

function section(heading: string, body: string): string {
  return `<section id="${heading.toLowerCase().split(' ')[0]}">\n<h2>${escapeHtml(heading)}</h2>\n${body}\n</section>`;
}

function metricsSection(report: RunReport): string {
  const metrics = report.metrics!;
  const results: [string, Metrics][] = metrics.network
    ? [
        ['refined', metrics],
        ['network', metrics.network],
      ]
    : [['reconstruction', metrics]];
  const rows = results.flatMap(([label, m]) =>
    (['amplitude', 'phase'] as const).map((channel) => [
      label,
      channel,
      number(m[channel].ssim),
      m[channel].psnr === null ? '∞ (identical)' : m[channel].psnr.toFixed(2),
      number(m[channel].mae),
      frc(m[channel].frc50),
      frc(m[channel].frc_1_7),
      frc(m[channel].frc_halfbit),
    ]),
  );
  const head = ['result', 'channel', 'SSIM', 'PSNR (dB)', 'MAE', 'FRC 0.5', 'FRC 1/7', 'FRC half-bit'];
  const refinement = report.refinement;
  return [
    table(head, rows),
    `<p>Border of ${metrics.border} px trimmed; amplitude scaled to the truth's mean; phase plane removed. ` +
      'FRC: first crossing in cycles/pixel (no crossing: correlated up to Nyquist). PSNR: peak 1.</p>',
    refinement
      ? definitions([
          ['physics refinement', `${refinement.iterations} passes in ${refinement.seconds.toFixed(2)} s`],
          ['R-factor, network', number(refinement.initialRFactor)],
          ['R-factor, refined', number(refinement.finalRFactor)],
          ['probe refined', refinement.probeRefined ? 'yes' : 'no'],
          ...(refinement.aborted ? ([['stopped', 'interrupted']] as [string, string][]) : []),
        ])
      : '',
  ].join('\n');
}

function trainingSection(training: NonNullable<RunReport['training']>): string {
  return definitions([
    ['epochs', String(training.epochs)],
    ['final loss', number(training.finalLoss)],
    ['final validation loss', number(training.finalValidationLoss)],
    [
      'ended',
      training.aborted
        ? 'stopped (interrupted or out of time)'
        : training.stoppedEarly
          ? 'early stopping (validation loss no longer improving)'
          : 'all epochs run',
    ],
    ['seconds', training.seconds.toFixed(1)],
  ]);
}

function figureHtml({ file, caption, figure }: ReportFigure): string {
  const width = Math.round(figure.width / PIXEL_RATIO);
  return (
    `<figure id="figure-${escapeHtml(file)}"><img src="${figure.dataUri()}" width="${width}" alt="${escapeHtml(caption)}">` +
    `<figcaption>${escapeHtml(caption)} (<code>${escapeHtml(file)}</code>)</figcaption></figure>`
  );
}

function environment(report: RunReport): [string, string][] {
  const caps = report.capabilities;
  const cuda = caps.cuda;
  return [
    ['ptychopinn', caps.packageVersion],
    ['backend', report.config.backend],
    ['LibTorch (compiled against)', caps.libtorch.version],
    ['LibTorch (loaded)', `${caps.libtorch.loadedVersion ?? 'unknown version'}: ${caps.libtorch.library}`],
    ['addon', `${caps.addon.path}${caps.addon.prebuilt ? ' (prebuilt)' : ''}`],
    [
      'CUDA',
      cuda.available
        ? cuda.devices.map((d) => `${d.name} (compute ${d.computeCapability})`).join(', ')
        : cuda.compiled
          ? 'compiled in, no usable device'
          : 'not compiled in',
    ],
    ['threads', `${caps.threads.intraOp} intra-op, ${caps.threads.interop} inter-op`],
    ['MKL / MKL-DNN', `${caps.mkl ? 'yes' : 'no'} / ${caps.mkldnn ? 'yes' : 'no'}`],
    ['Node.js', process.version],
    ['platform', `${os.platform()} ${os.arch()}, ${os.cpus().length} cores`],
  ];
}

function number(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : value.toPrecision(4);
}

function frc(value: number | null): string {
  return value === null ? 'no crossing' : value.toFixed(3);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
