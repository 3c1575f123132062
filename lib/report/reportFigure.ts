import type { Figure } from '../render/figure';

/** A figure as a command writes it (a PNG beside the report) and as the report shows it. */
export interface ReportFigure {
  /** The PNG's name in the output folder. */
  file: string;
  caption: string;
  figure: Figure;
}
