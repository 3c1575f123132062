// PtychoPINN's TensorFlow model file, `wts.h5.zip` as ptycho.model_manager.save()
// writes it: for each model (diffraction_to_obj, autoencoder) a Keras 3 `model.keras`
// archive and `params.dill`, the run's parameters (read by the restricted pickle
// reader: a dill file can name code, which is refused). The network's Conv2D weights
// map by creation order onto the engines' parameters; N, gridsize, n_filters_scale,
// the probe and the trained intensity scale (exp(log_scale), saved as
// `intensity_scale`) come from the parameters.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { openHdf5 } from '../io/hdf5';
import { type PickleValue, readPickle } from '../io/pickle';
import { DATA_GLOBALS, NumpyArray } from '../io/pickleDataTypes';
import { ZipReader } from '../io/zipReader';
import type { StateDict } from '../native/binding';
import { type ImportedModel, ModelImportError } from './importedModel';
import { type KerasConv, kerasConvolutions } from './kerasWeights';
import {
  checkN,
  type Decoder,
  decoderBlocks,
  decoderConv,
  encoderBlocks,
  encoderConv,
  hwioToOihw,
  mainConv,
  outerConv,
  outerUpConv,
} from './networkLayout';
import { openZip, readMember } from './zipMembers';

const MODELS = ['diffraction_to_obj', 'autoencoder'];

export async function importTensorflowModel(file: string): Promise<ImportedModel> {
  const zip = await openZip(file, "a PtychoPINN TensorFlow model (model_manager.save()'s wts.h5.zip)");
  try {
    const model = MODELS.find((name) => zip.entries.some((entry) => entry.fileName === `${name}/params.dill`));
    if (!model) {
      throw new ModelImportError(
        `${file} is a zip but not a PtychoPINN TensorFlow model: it needs <model>/params.dill and ` +
          `<model>/model.keras for one of ${MODELS.join(', ')}`,
      );
    }
    const params = readParams(await readMember(zip, `${model}/params.dill`), `${file}: ${model}/params.dill`);
    const keras = `${model}/model.keras`;
    const convolutions = await readKerasConvolutions(zip, keras);
    const where = `${file}: ${keras}`;
    const N = checkN(integer(params, 'N', file), `${file}: params N`);
    const gridsize = integer(params, 'gridsize', file);
    const padObject = flag(params, 'pad_object', true);
    const probeBig = flag(params, 'probe.big', true);
    rejectVariants(params, file);
    const { network, origins } = mapConvolutions(convolutions, N, padObject, probeBig, where);
    const intensityScale = number(params, 'intensity_scale', file);
    return {
      config: {
        N,
        gridsize,
        n_filters_scale: integer(params, 'n_filters_scale', file),
        amp_activation: text(params, 'amp_activation', 'sigmoid') as never,
        object_big: flag(params, 'object.big', true),
        probe_big: probeBig,
        pad_object: padObject,
        nphotons: number(params, 'nphotons', file),
        probe_scale: number(params, 'probe_scale', file),
        intensity_scale_trainable: flag(params, 'intensity_scale.trainable', true),
        probe_trainable: flag(params, 'probe.trainable', false),
        nll_weight: number(params, 'nll_weight', file),
        mae_weight: number(params, 'mae_weight', file),
      },
      network,
      origins,
      probe: probeOf(params.get('probe'), N, file),
      // PtychoPINN feeds intensity_scale · X and divides by exp(log_scale): both are the saved value.
      inputScale: intensityScale,
      intensityScale,
      source: {
        format: 'ptychopinn-tensorflow',
        file: path.basename(file),
        sha256: createHash('sha256')
          .update(await fs.readFile(file))
          .digest('hex'),
        members: [`${model}/params.dill`, keras],
      },
    };
  } finally {
    zip.close();
  }
}

function readParams(bytes: Uint8Array, where: string): Map<PickleValue, PickleValue> {
  const params = readPickle(bytes, { where, globals: DATA_GLOBALS });
  if (!(params instanceof Map)) throw new ModelImportError(`${where} does not hold a dict of parameters`);
  return params;
}

/** model.keras is itself a zip; h5wasm reads files, so its weights go to a private temporary file. */
async function readKerasConvolutions(zip: ZipReader, member: string): Promise<KerasConv[]> {
  const where = `${zip.file}: ${member}`;
  let inner: ZipReader;
  try {
    inner = await ZipReader.fromBuffer(Buffer.from(await readMember(zip, member)), where);
  } catch (error) {
    if (error instanceof ModelImportError) throw error;
    throw new ModelImportError(`${where} is not a Keras archive (${(error as Error).message})`);
  }
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'ptychopinn-keras-'));
  try {
    const weights = path.join(folder, 'model.weights.h5');
    await fs.writeFile(weights, await readMember(inner, 'model.weights.h5'));
    const h5 = await openHdf5(weights);
    try {
      return kerasConvolutions(h5, `${where}: model.weights.h5`);
    } finally {
      h5.close();
    }
  } finally {
    inner.close();
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/**
 * PtychoPINN's model code creates, in order: the encoder's convolutions; then for
 * each decoder (amplitude, then phase) the main convolution (pad_object), the outer
 * branch's last convolution (probe_big or not pad_object), the blocks' convolutions,
 * and the outer branch's up-block.
 */
function mapConvolutions(
  convolutions: KerasConv[],
  N: number,
  padObject: boolean,
  probeBig: boolean,
  where: string,
): Pick<ImportedModel, 'network' | 'origins'> {
  const roles: string[] = [];
  for (let b = 0; b < encoderBlocks(N); b += 1) roles.push(encoderConv(b, false), encoderConv(b, true));
  const outer = probeBig || !padObject;
  for (const decoder of ['amplitude', 'phase'] as Decoder[]) {
    if (padObject) roles.push(mainConv(decoder));
    if (outer) roles.push(outerConv(decoder));
    for (let b = 0; b < decoderBlocks(N); b += 1)
      roles.push(decoderConv(decoder, b, false), decoderConv(decoder, b, true));
    if (outer) roles.push(outerUpConv(decoder, false), outerUpConv(decoder, true));
  }
  if (convolutions.length !== roles.length) {
    const extra = convolutions[roles.length];
    throw new ModelImportError(
      `${where} holds ${convolutions.length} convolutions where ptychopinn's network for its parameters ` +
        `(N = ${N}, pad_object ${padObject}, probe.big ${probeBig}) has ${roles.length}` +
        (extra ? `; layer '${extra.name}' and later have no counterpart` : '') +
        ': this PtychoPINN architecture variant cannot be imported',
    );
  }
  const network: StateDict = {};
  const origins: Record<string, string> = {};
  convolutions.forEach((conv, i) => {
    const kernel = hwioToOihw(conv.kernel.data, conv.kernel.shape);
    network[`${roles[i]}.weight`] = { dtype: 'float32', shape: kernel.shape, data: kernel.data };
    network[`${roles[i]}.bias`] = { dtype: 'float32', shape: [conv.bias.length], data: conv.bias };
    origins[`${roles[i]}.weight`] = `layer '${conv.name}' kernel`;
    origins[`${roles[i]}.bias`] = `layer '${conv.name}' bias`;
  });
  return { network, origins };
}

function rejectVariants(params: Map<PickleValue, PickleValue>, file: string): void {
  const modelType = text(params, 'model_type', 'pinn');
  const architecture = text(params, 'architecture', 'cnn');
  if (modelType !== 'pinn' || architecture !== 'cnn') {
    throw new ModelImportError(
      `${file}: params model_type '${modelType}', architecture '${architecture}'; ptychopinn implements ` +
        "the PINN with the CNN generator (model_type 'pinn', architecture 'cnn') only",
    );
  }
}

function probeOf(value: PickleValue | undefined, N: number, file: string) {
  if (!(value instanceof NumpyArray) || value.dtype !== 'complex64' || value.data.length !== 2 * N * N) {
    throw new ModelImportError(`${file}: params 'probe' is not an (N, N) or (N, N, 1) complex64 array for N = ${N}`);
  }
  return { dtype: 'complex64' as const, shape: [N, N], data: value.data as Float32Array };
}

function number(params: Map<PickleValue, PickleValue>, key: string, file: string): number {
  const value = params.get(key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelImportError(`${file}: params '${key}' is ${String(value)}; a number is needed`);
  }
  return value;
}

function integer(params: Map<PickleValue, PickleValue>, key: string, file: string): number {
  const value = number(params, key, file);
  if (!Number.isInteger(value))
    throw new ModelImportError(`${file}: params '${key}' is ${value}; an integer is needed`);
  return value;
}

function flag(params: Map<PickleValue, PickleValue>, key: string, fallback: boolean): boolean {
  const value = params.get(key);
  return typeof value === 'boolean' ? value : fallback;
}

function text(params: Map<PickleValue, PickleValue>, key: string, fallback: string): string {
  const value = params.get(key);
  return typeof value === 'string' ? value : fallback;
}
