// comparison.png: ground truth beside each reconstruction (the network's own object,
// then the physics-refined one when there is one) and the final error, amplitude
// over phase, each panel titled with its metrics. The images are exactly the ones
// the metrics compared (alignToGroundTruth): same crop, border, amplitude scale and
// phase trend removal.
import { alignToGroundTruth } from '../metrics/align';
import type { ChannelMetrics, Metrics } from '../metrics/evaluate';
import type { ComplexImage } from '../metrics/image';
import { wrapPhase } from '../metrics/phase';
import { AMPLITUDE_SCHEME, DIFFERENCE_SCHEME, PHASE_SCHEME } from './colormaps';
import { renderFigure, type Figure } from './figure';
import { imagePanel } from './imagePanel';
import { valueRange } from './valueRange';

export interface ComparedReconstruction {
  /** Names the column: 'network', 'refined', 'reconstruction'. */
  label: string;
  object: ComplexImage;
  origin: readonly [number, number];
  metrics: Metrics;
}

export interface ComparisonFigure {
  groundTruth: ComplexImage;
  /** In column order; the last is the final result, whose error is shown. */
  reconstructions: ComparedReconstruction[];
  /** A line under the title, e.g. the refinement's R-factors. */
  note?: string;
}

/** Longer side of each panel, SVG units. */
const PANEL_SIZE = 210;

export async function comparisonFigure({ groundTruth, reconstructions, note }: ComparisonFigure): Promise<Figure> {
  if (reconstructions.length === 0) throw new RangeError('comparisonFigure: no reconstruction to compare');
  const final = reconstructions.at(-1)!;
  const border = final.metrics.border;
  const aligned = reconstructions.map((r) => alignToGroundTruth(r, groundTruth, { border }));
  const { height, width } = aligned[0].amplitudeTruth;
  const row = (channel: 'amplitude' | 'phase') => {
    const phase = channel === 'phase';
    const truth = phase ? aligned[0].phaseTruth : aligned[0].amplitudeTruth;
    const images = aligned.map((a) => (phase ? a.phase : a.amplitude));
    const domain = phase ? ([-Math.PI, Math.PI] as const) : valueRange(truth.data, ...images.map((i) => i.data));
    const shared = { height, width, size: PANEL_SIZE, domain, scheme: phase ? PHASE_SCHEME : AMPLITUDE_SCHEME };
    const difference = images.at(-1)!.data.map((v, k) => (phase ? wrapPhase(v - truth.data[k]) : v - truth.data[k]));
    const largest = Math.max(...valueRange(difference).map(Math.abs));
    const unit = phase ? ' rad' : '';
    return {
      title: phase ? 'Phase' : 'Amplitude',
      hconcat: [
        imagePanel({ ...shared, values: truth.data, title: 'ground truth' }),
        ...reconstructions.map((r, k) =>
          imagePanel({
            ...shared,
            values: images[k].data,
            title: { text: r.label, subtitle: metricsLines(r.metrics[channel], phase) },
            // One colour bar for the truth and the reconstructions: they share the scale.
            ...(k === reconstructions.length - 1
              ? { colourBar: phase ? 'phase (rad)' : 'amplitude', phaseTicks: phase }
              : {}),
          }),
        ),
        imagePanel({
          height,
          width,
          size: PANEL_SIZE,
          values: difference,
          scheme: DIFFERENCE_SCHEME,
          domain: [-largest, largest],
          colourBar: phase ? 'error (rad)' : 'error',
          title: { text: `${final.label} − truth`, subtitle: `MAE ${format(final.metrics[channel].mae)}${unit}` },
        }),
      ],
      resolve: { scale: { color: 'independent' as const } },
    };
  };
  const subtitle = [
    `compared over ${width} × ${height} px (border ${border} px trimmed); ` +
      'amplitude scaled to the truth’s mean, phase plane removed',
    ...(note ? [note] : []),
  ];
  return renderFigure({
    title: { text: 'Reconstruction against the ground truth', subtitle },
    vconcat: [row('amplitude'), row('phase')],
    resolve: { scale: { color: 'independent' } },
  });
}

/** Two short lines: a subtitle wider than its panel would widen the column. */
function metricsLines(metrics: ChannelMetrics, phase: boolean): string[] {
  const psnr = metrics.psnr === null ? '∞' : metrics.psnr.toFixed(1);
  const ssim = metrics.ssim === null ? 'n/a' : metrics.ssim.toFixed(3);
  return [`SSIM ${ssim} · PSNR ${psnr} dB`, `MAE ${format(metrics.mae)}${phase ? ' rad' : ''}`];
}

function format(value: number): string {
  return value.toPrecision(3);
}
