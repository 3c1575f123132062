// What report.html says about one run of `train`, `infer` or `demo`.
import type { TrainingSummary } from '../bundle/bundle';
import { capabilities, type Capabilities } from '../capabilities';
import type { ReconstructionMetrics } from '../metrics/groundTruth';
import type { ReconstructorConfig } from '../config/schema';
import type { RefinementSummary } from '../refine/refineObject';
import type { ReportFigure } from './reportFigure';

export interface RunReport {
  command: 'train' | 'infer' | 'demo';
  createdAt: Date;
  /** What went in, labelled: data and model files, the scan simulated. */
  inputs: [string, string][];
  figures: ReportFigure[];
  metrics?: ReconstructionMetrics;
  refinement?: Omit<RefinementSummary, 'history'>;
  training?: Omit<TrainingSummary, 'history'>;
  /** Labelled durations in seconds. */
  timings: [string, number][];
  config: ReconstructorConfig;
  capabilities: Capabilities;
}

/** A report stamped now, with this installation's capabilities. */
export function runReport(fields: Omit<RunReport, 'createdAt' | 'capabilities'>): RunReport {
  return { ...fields, createdAt: new Date(), capabilities: capabilities() };
}
