// The convolutions of a Keras 3 weights file (`model.weights.h5` inside a `.keras`
// archive): group `layers/<tracker name>/vars` holds a layer's variables 0, 1, …
// and its real name as attribute `name`. PtychoPINN never names its convolutions, so
// Keras numbers them in the order the model code created them (conv2d, conv2d_1, …):
// that order, not the file's, tells each one's role.
import { type H5File, type H5Group, readArray } from '../io/hdf5';
import type { NumericArray } from '../io/ndarray';
import { ModelImportError } from './importedModel';

export interface KerasConv {
  /** The layer's name in the model (conv2d_8). */
  name: string;
  /** (kh, kw, in, out). */
  kernel: { shape: number[]; data: Float32Array };
  bias: Float32Array;
}

/** Every Conv2D with weights, in creation order; any other layer holding weights is refused by name. */
export function kerasConvolutions(file: H5File, where: string): KerasConv[] {
  const layers = file.get('layers') as H5Group | null;
  if (!layers || layers.type !== 'Group') {
    throw new ModelImportError(
      `${where} is not a Keras 3 weights file (no group 'layers'); the Keras 2 HDF5 layout is not read: ` +
        'load the model with PtychoPINN on TensorFlow ≥ 2.16 and save it again',
    );
  }
  const convolutions: Array<KerasConv & { order: number }> = [];
  for (const key of layers.keys()) {
    const vars = file.get(`layers/${key}/vars`) as H5Group | null;
    const variables = vars?.type === 'Group' ? vars.keys() : [];
    const name = String((vars?.attrs as Record<string, { value: unknown }> | undefined)?.name?.value ?? key);
    if (variables.length === 0) {
      checkNoNestedWeights(file, `layers/${key}`, name, where);
      continue;
    }
    const order = /^conv2d(?:_(\d+))?$/.exec(name);
    if (!/^conv2d(_\d+)?$/.test(key) || !order || variables.length !== 2) {
      throw new ModelImportError(
        `${where}: layer '${name}' (${key}, ${variables.length} weight arrays) has no counterpart in ptychopinn's ` +
          "network, which holds only the paper architecture's unnamed 3 × 3 convolutions: this PtychoPINN " +
          'architecture variant cannot be imported',
      );
    }
    const kernel = float32(readArray(file, `layers/${key}/vars/0`, { rank: 4 }), `${where}: layer '${name}' kernel`);
    const bias = float32(readArray(file, `layers/${key}/vars/1`, { rank: 1 }), `${where}: layer '${name}' bias`);
    convolutions.push({ name, kernel, bias: bias.data, order: Number(order[1] ?? 0) });
  }
  return convolutions.sort((a, b) => a.order - b.order).map(({ order: _, ...conv }) => conv);
}

function checkNoNestedWeights(file: H5File, path: string, name: string, where: string): void {
  const group = file.get(path) as H5Group | null;
  if (!group || group.type !== 'Group') return;
  for (const key of group.keys()) {
    const child = file.get(`${path}/${key}`) as H5Group | null;
    if (child?.type === 'Dataset') {
      throw new ModelImportError(
        `${where}: layer '${name}' holds weights (${path}/${key}) that ptychopinn's network has no place for`,
      );
    }
    if (child?.type === 'Group') checkNoNestedWeights(file, `${path}/${key}`, name, where);
  }
}

function float32(array: NumericArray, where: string): { shape: number[]; data: Float32Array } {
  if (array.dtype !== 'float32')
    throw new ModelImportError(`${where} is ${array.dtype}; Keras float32 weights are needed`);
  return { shape: array.shape, data: array.data as Float32Array };
}
