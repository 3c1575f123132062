// The model bundle shipped with the package and the scan geometry it was trained for
// (scripts/pretrain.js makes it; its README says how and with what result).
import path from 'node:path';

import { packageRoot } from './packageInfo';

/** fixtures/pretrained/lines-n64.ptpinn: N = 64, gridsize 1, n_filters_scale 1, `lines` objects. */
export const PRETRAINED_MODEL = path.join(packageRoot, 'fixtures', 'pretrained', 'lines-n64.ptpinn');

export const PRETRAINED_SCAN = {
  N: 64,
  /**
   * Raster step N/8: with the default probe (a disk about N/6 across) neighbouring
   * positions overlap by about 60 %, and every object pixel is illuminated. The step
   * N/4 leaves the diagonal midpoints between positions unlit, so no method can
   * recover them (measured: amplitude SSIM 0.31 vs 0.28 after 2 minutes of training).
   */
  step: (N: number) => N / 8,
  /** Seed of the training object (pretrain.js) and of the demo's new object. */
  trainSeed: 1,
  demoSeed: 7,
} as const;
