// Writing a reconstruction as a Ptychodus product NPZ (the keys its NPZ plugin reads).
import type { NpyArray } from '../io/ndarray';
import { writeNpz } from '../io/npz';
import type { JsTensor } from '../native/binding';
import { DatasetError } from './errors';
import type { PtychodusMetadata } from './ptychodusRead';

export interface PtychodusProduct {
  /** complex64 (N, N). */
  probe: JsTensor;
  /** complex64 (H, W), on the grid of xcoords/ycoords. */
  object: JsTensor;
  /** Positions in object pixels (M,). */
  xcoords: Float64Array;
  ycoords: Float64Array;
  /** Pattern index of each position; default 0 … M−1. */
  indexes?: Int32Array;
  lossValues?: number[];
  /** Geometry and experiment; object pixel sizes are needed to express positions in metres. */
  metadata: Pick<PtychodusMetadata, 'objectPixelWidthM' | 'objectPixelHeightM'> & Partial<PtychodusMetadata>;
}

const scalar = (value: number): NpyArray => ({ dtype: 'float64', shape: [], data: new Float64Array([value]) });

/** x_m = (x_px − width/2)·dx + center_x, the inverse of readPtychodus. */
export async function writePtychodusProduct(file: string, product: PtychodusProduct): Promise<void> {
  const { probe, object, xcoords, ycoords, metadata } = product;
  if (probe.dtype !== 'complex64' || probe.shape.length !== 2) {
    throw new DatasetError(
      `writePtychodusProduct: probe must be complex64 (N, N), got ${probe.dtype} [${probe.shape}]`,
    );
  }
  if (object.dtype !== 'complex64' || object.shape.length !== 2) {
    throw new DatasetError(
      `writePtychodusProduct: object must be complex64 (H, W), got ${object.dtype} [${object.shape}]`,
    );
  }
  const M = xcoords.length;
  if (ycoords.length !== M || (product.indexes && product.indexes.length !== M)) {
    throw new DatasetError(
      `writePtychodusProduct: xcoords, ycoords and indexes must have one entry per position (${M})`,
    );
  }
  const [H, W] = object.shape;
  const dx = metadata.objectPixelWidthM;
  const dy = metadata.objectPixelHeightM;
  if (!(dx > 0) || !(dy > 0)) {
    throw new DatasetError(`writePtychodusProduct: object pixel sizes must be positive metres, got ${dx} × ${dy}`);
  }
  const cx = metadata.objectCenterXM ?? 0;
  const cy = metadata.objectCenterYM ?? 0;
  const indexes = BigInt64Array.from(product.indexes ?? xcoords.map((_, i) => i), (i) => BigInt(i));
  const loss = product.lossValues ?? [];
  await writeNpz(file, {
    name: { dtype: 'str', shape: [], data: [metadata.name ?? ''] },
    comments: { dtype: 'str', shape: [], data: [metadata.comments ?? ''] },
    probe_position_indexes: { dtype: 'int64', shape: [M], data: indexes },
    probe_position_x_m: { dtype: 'float64', shape: [M], data: xcoords.map((x) => (x - W / 2) * dx + cx) },
    probe_position_y_m: { dtype: 'float64', shape: [M], data: ycoords.map((y) => (y - H / 2) * dy + cy) },
    probe: { dtype: 'complex64', shape: [1, 1, ...probe.shape], data: probe.data },
    probe_pixel_width_m: scalar(metadata.probePixelWidthM ?? dx),
    probe_pixel_height_m: scalar(metadata.probePixelHeightM ?? dy),
    object: { dtype: 'complex64', shape: [1, H, W], data: object.data },
    object_center_x_m: scalar(cx),
    object_center_y_m: scalar(cy),
    object_pixel_width_m: scalar(dx),
    object_pixel_height_m: scalar(dy),
    object_layer_spacing_m: { dtype: 'float64', shape: [0], data: new Float64Array(0) },
    loss_values: { dtype: 'float64', shape: [loss.length], data: Float64Array.from(loss) },
    detector_object_distance_m: scalar(metadata.detectorObjectDistanceM ?? 0),
    probe_energy_eV: scalar(metadata.probeEnergyEV ?? 0),
    exposure_time_s: scalar(metadata.exposureTimeS ?? 0),
  });
}
