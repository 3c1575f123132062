// Datasets as NPZ or HDF5 files, in PtychoPINN's key names.
import { fileIsHdf5 } from '../io/hdf5';
import type { NpyArray } from '../io/ndarray';
import { readNpz, writeNpz, type WriteNpzOptions } from '../io/npz';
import type { JsTensor } from '../native/binding';
import { datasetFromArrays, DATASET_KEYS, type DatasetOptions } from './contract';
import { patternSize, type PtychoDataset } from './dataset';
import { readContractHdf5 } from './hdf5Files';

/** An NPZ, or an HDF5 file (told by its signature) with the same keys as root datasets. */
export async function loadDataset(file: string, options: DatasetOptions = {}): Promise<PtychoDataset> {
  const contents = (await fileIsHdf5(file))
    ? await readContractHdf5(file, DATASET_KEYS, options)
    : await readNpz(file, { keys: DATASET_KEYS });
  return datasetFromArrays(contents, options);
}

/** The dataset's arrays under PtychoPINN's keys (`diff3d`, `probeGuess`, …). */
export function datasetArrays(dataset: PtychoDataset): Record<string, NpyArray> {
  const M = dataset.xcoords.length;
  const N = patternSize(dataset);
  const arrays: Record<string, NpyArray> = {
    diff3d: tensor(dataset.diffraction),
    probeGuess: tensor(dataset.probeGuess),
    xcoords: { dtype: 'float64', shape: [M], data: dataset.xcoords },
    ycoords: { dtype: 'float64', shape: [M], data: dataset.ycoords },
  };
  if (dataset.xcoordsStart) arrays.xcoords_start = { dtype: 'float64', shape: [M], data: dataset.xcoordsStart };
  if (dataset.ycoordsStart) arrays.ycoords_start = { dtype: 'float64', shape: [M], data: dataset.ycoordsStart };
  if (dataset.objectGuess) arrays.objectGuess = tensor(dataset.objectGuess);
  if (dataset.Y) arrays.Y = tensor(dataset.Y);
  if (dataset.scanIndex) arrays.scan_index = { dtype: 'int32', shape: [M], data: dataset.scanIndex };
  if (dataset.badPixels) arrays.bad_pixels = { dtype: 'bool', shape: [N, N], data: dataset.badPixels };
  if (dataset.nphotons !== undefined) {
    arrays.nphotons = { dtype: 'float64', shape: [], data: new Float64Array([dataset.nphotons]) };
  }
  return arrays;
}

export async function saveDataset(file: string, dataset: PtychoDataset, options: WriteNpzOptions = {}): Promise<void> {
  await writeNpz(file, datasetArrays(dataset), options);
}

function tensor(value: JsTensor): NpyArray {
  return { dtype: value.dtype, shape: value.shape, data: value.data };
}
