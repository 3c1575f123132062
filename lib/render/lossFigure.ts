// loss.png: training and validation loss per epoch over the learning rate, sharing
// the epoch axis.
import type { TopLevelSpec } from 'vega-lite';

import type { EpochRecord } from '../native/binding';
import { renderFigure, type Figure } from './figure';

const TITLE = 'Training loss';
const WIDTH = 520;
/** Matplotlib's first two colours, the ones readers expect for train and validation. */
const SERIES_COLOURS = { training: '#1f77b4', validation: '#ff7f0e' };
/** Up to this many epochs every epoch gets a tick; beyond, Vega picks whole numbers. */
const EVERY_EPOCH_TICKED = 12;

export async function lossFigure(history: EpochRecord[]): Promise<Figure> {
  return renderFigure(lossSpec(history));
}

function lossSpec(history: EpochRecord[]): TopLevelSpec {
  if (history.length === 0) {
    return {
      title: TITLE,
      width: WIDTH,
      height: 120,
      data: { values: [{ text: 'no epoch completed' }] },
      mark: { type: 'text', fontSize: 14 },
      encoding: { text: { field: 'text', type: 'nominal' } },
    };
  }
  const losses = history.flatMap((h) => [
    { epoch: h.epoch, series: 'training', loss: h.loss },
    ...(h.validationLoss === undefined ? [] : [{ epoch: h.epoch, series: 'validation', loss: h.validationLoss }]),
  ]);
  const finite = losses.filter((d) => Number.isFinite(d.loss));
  // A log axis shows the late, slow decrease; it needs every loss positive.
  const logLoss = finite.length > 0 && finite.every((d) => d.loss > 0);
  const series = (['training', 'validation'] as const).filter((name) => finite.some((d) => d.series === name));
  const first = history[0].epoch;
  const last = history.at(-1)!.epoch;
  // A single epoch sits in the middle of an axis around it, not on a degenerate one.
  const domain = last > first ? [first, last] : [first - 1, first + 1];
  const ticks =
    domain[1] - domain[0] <= EVERY_EPOCH_TICKED
      ? { values: Array.from({ length: domain[1] - domain[0] + 1 }, (_, i) => domain[0] + i) }
      : { tickMinStep: 1 };
  const epochAxis = (axisTitle: string | null) => ({
    field: 'epoch',
    type: 'quantitative' as const,
    scale: { domain, nice: false, zero: false },
    axis: { title: axisTitle, format: 'd', ...ticks },
  });
  const final = history.at(-1)!;
  const subtitle =
    `${history.length} epoch${history.length === 1 ? '' : 's'}; final loss ${final.loss.toPrecision(4)}` +
    (final.validationLoss === undefined ? '' : `, validation ${final.validationLoss.toPrecision(4)}`);
  return {
    title: { text: TITLE, subtitle },
    vconcat: [
      {
        width: WIDTH,
        height: 260,
        data: { values: finite },
        mark: { type: 'line', point: true },
        encoding: {
          x: epochAxis(null),
          y: {
            field: 'loss',
            type: 'quantitative',
            scale: logLoss ? { type: 'log' } : { zero: false },
            axis: { title: logLoss ? 'loss (log scale)' : 'loss' },
          },
          color: {
            field: 'series',
            type: 'nominal',
            scale: { domain: series, range: series.map((name) => SERIES_COLOURS[name]) },
            legend: { title: null },
          },
        },
      },
      {
        width: WIDTH,
        height: 110,
        data: { values: history.map((h) => ({ epoch: h.epoch, learningRate: h.learningRate })) },
        mark: { type: 'line', color: '#555', point: { color: '#555' } },
        encoding: {
          x: epochAxis('epoch'),
          y: {
            field: 'learningRate',
            type: 'quantitative',
            scale: { zero: false },
            axis: { title: 'learning rate', format: '.1e', tickCount: 3 },
          },
        },
      },
    ],
  };
}
