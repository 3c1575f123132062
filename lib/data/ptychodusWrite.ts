// Writing a reconstruction as a Ptychodus product: NPZ (the keys its NPZ plugin
// reads) or, for a .h5/.hdf5 file, HDF5 (its H5ProductFileIO layout).
import { writeAtomically } from '../io/atomicWrite';
import { createComplexDataset, h5wasm } from '../io/hdf5';
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

/** x_m = (x_px − width/2)·dx + center_x, the inverse of readPtychodus. The file's extension picks the format. */
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
  const xm = xcoords.map((x) => (x - W / 2) * dx + cx);
  const ym = ycoords.map((y) => (y - H / 2) * dy + cy);
  if (/\.(h5|hdf5)$/i.test(file)) {
    await writeProductHdf5(
      file,
      { ...product, metadata: { ...metadata, objectCenterXM: cx, objectCenterYM: cy } },
      indexes,
      xm,
      ym,
    );
    return;
  }
  await writeNpz(file, {
    name: { dtype: 'str', shape: [], data: [metadata.name ?? ''] },
    comments: { dtype: 'str', shape: [], data: [metadata.comments ?? ''] },
    probe_position_indexes: { dtype: 'int64', shape: [M], data: indexes },
    probe_position_x_m: { dtype: 'float64', shape: [M], data: xm },
    probe_position_y_m: { dtype: 'float64', shape: [M], data: ym },
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

async function writeProductHdf5(
  file: string,
  product: PtychodusProduct,
  indexes: BigInt64Array,
  xm: Float64Array,
  ym: Float64Array,
): Promise<void> {
  const h5 = await h5wasm();
  const { probe, object, metadata } = product;
  await writeAtomically(file, async (temporary) => {
    const out = new h5.File(temporary, 'w');
    try {
      out.create_attribute('name', metadata.name ?? '');
      out.create_attribute('comments', metadata.comments ?? '');
      out.create_attribute('detector_object_distance_m', metadata.detectorObjectDistanceM ?? 0);
      out.create_attribute('probe_energy_eV', metadata.probeEnergyEV ?? 0);
      out.create_attribute('probe_photon_count', 0);
      out.create_attribute('exposure_time_s', metadata.exposureTimeS ?? 0);
      out.create_dataset({ name: 'probe_position_indexes', data: indexes, shape: [indexes.length] });
      out.create_dataset({ name: 'probe_position_x_m', data: xm, shape: [xm.length] });
      out.create_dataset({ name: 'probe_position_y_m', data: ym, shape: [ym.length] });
      const probeSet = createComplexDataset(out, 'probe', [1, 1, ...probe.shape], probe.data as Float32Array);
      probeSet.create_attribute('pixel_width_m', metadata.probePixelWidthM ?? metadata.objectPixelWidthM);
      probeSet.create_attribute('pixel_height_m', metadata.probePixelHeightM ?? metadata.objectPixelHeightM);
      const objectSet = createComplexDataset(out, 'object', [1, ...object.shape], object.data as Float32Array);
      objectSet.create_attribute('center_x_m', metadata.objectCenterXM ?? 0);
      objectSet.create_attribute('center_y_m', metadata.objectCenterYM ?? 0);
      objectSet.create_attribute('pixel_width_m', metadata.objectPixelWidthM);
      objectSet.create_attribute('pixel_height_m', metadata.objectPixelHeightM);
      out.create_dataset({ name: 'object_layer_distance_m', data: new Float64Array(0), shape: [0] });
      const loss = Float64Array.from(product.lossValues ?? []);
      out.create_dataset({ name: 'costs', data: loss, shape: [loss.length] });
    } finally {
      out.close();
    }
  });
}
