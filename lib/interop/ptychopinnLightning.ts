// PtychoPINN's PyTorch Lightning checkpoint (`.ckpt`, a torch.save zip): `state_dict`
// holds the ptycho_torch network's weights (already OIHW), `hyper_parameters` the
// model, data and training configurations as plain dicts. Read by the restricted
// pickle reader, never by Python. A checkpoint holds no probe: the caller names a
// dataset file with the probe the model was trained with.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { intensityScale } from '../data/normalize';
import type { PickleValue } from '../io/pickle';
import { dictGet } from '../io/pickleDataTypes';
import { TensorRef, TorchArchive } from '../io/torchArchive';
import type { JsTensor, StateDict } from '../native/binding';
import { type ImportedModel, ModelImportError } from './importedModel';
import {
  checkN,
  type Decoder,
  decoderBlocks,
  decoderConv,
  encoderBlocks,
  encoderConv,
  mainConv,
  outerConv,
  outerUpConv,
} from './networkLayout';

const PREFIX = 'model.autoencoder.';
/** Physics-side parameters of ptycho_torch's forward model; neutral (all 1) they change nothing. */
const NEUTRAL_PHYSICS = /^model\.forward_model\.(alpha|beta|rect_scaler\.s1|rect_scaler\.s2)$/;

export async function importLightningModel(file: string, probe: JsTensor | undefined): Promise<ImportedModel> {
  const archive = await TorchArchive.open(file);
  try {
    const root = archive.root;
    const state = dictGet(root, 'state_dict');
    const hyper = dictGet(root, 'hyper_parameters');
    if (!(state instanceof Map) || !(hyper instanceof Map)) {
      throw new ModelImportError(
        `${file} is a torch archive but not a Lightning checkpoint: it needs 'state_dict' and 'hyper_parameters'`,
      );
    }
    const model = section(hyper, 'model_config', file);
    const data = section(hyper, 'data_config', file);
    rejectVariants(model, file);
    const N = checkN(numberIn(data, 'N', `${file}: data_config`), `${file}: data_config N`);
    const roles = roleNames(N, model.get('probe_big') !== false);
    const network: StateDict = {};
    const origins: Record<string, string> = {};
    for (const [key, value] of state) {
      const name = String(key);
      if (NEUTRAL_PHYSICS.test(name)) {
        await requireNeutral(archive, value, name);
        continue;
      }
      const role = name.startsWith(PREFIX) ? roles.get(name.slice(PREFIX.length)) : undefined;
      if (!role || !(value instanceof TensorRef)) {
        throw new ModelImportError(
          `${file}: state_dict entry '${name}' has no counterpart in ptychopinn's network (the paper ` +
            'architecture: no attention, batch norm or other generators): this PtychoPINN variant cannot be imported',
        );
      }
      const tensor = await archive.float32(value, name);
      network[role] = { dtype: 'float32', shape: tensor.shape, data: tensor.data };
      origins[role] = `state_dict '${name}'`;
    }
    if (!probe) {
      throw new ModelImportError(
        `${file}: a Lightning checkpoint holds no probe; name the dataset it was trained on (its probeGuess): ` +
          '`ptychopinn import model.ckpt --probe data.npz -o model.ptpinn`, or importModel(file, { probe })',
      );
    }
    checkProbe(probe, N, file);
    const nphotons = numberIn(data, 'nphotons', `${file}: data_config`);
    const scale = intensityScale(nphotons, N);
    return {
      config: {
        N,
        gridsize: Math.round(Math.sqrt(numberIn(data, 'C', `${file}: data_config`))),
        n_filters_scale: numberIn(model, 'n_filters_scale', `${file}: model_config`),
        // ptycho_torch's amplitude head is a sigmoid, or else a SiLU (swish), whatever the name.
        amp_activation: model.get('amp_activation') === 'sigmoid' ? 'sigmoid' : 'swish',
        object_big: model.get('object_big') !== false,
        probe_big: model.get('probe_big') !== false,
        pad_object: true,
        nphotons,
        probe_scale: numberIn(data, 'probe_scale', `${file}: data_config`),
      },
      network,
      origins,
      probe,
      // ptycho_torch's autoencoder takes the normalised amplitudes as they are: s / exp(log_scale) = 1.
      inputScale: scale,
      intensityScale: scale,
      source: {
        format: 'ptychopinn-lightning',
        file: path.basename(file),
        sha256: createHash('sha256')
          .update(await fs.readFile(file))
          .digest('hex'),
        members: ['data.pkl: state_dict', 'data.pkl: hyper_parameters'],
      },
    };
  } finally {
    archive.close();
  }
}

/** ptycho_torch's module names (relative to the autoencoder) → the engines' parameter names. */
function roleNames(N: number, probeBig: boolean): Map<string, string> {
  const roles = new Map<string, string>();
  const conv = (from: string, to: string) => {
    roles.set(`${from}.weight`, `${to}.weight`);
    roles.set(`${from}.bias`, `${to}.bias`);
  };
  for (let b = 0; b < encoderBlocks(N); b += 1) {
    conv(`encoder.blocks.${b}.conv1`, encoderConv(b, false));
    conv(`encoder.blocks.${b}.conv2`, encoderConv(b, true));
  }
  for (const [decoder, torchName, head] of [
    ['amplitude', 'decoder_amp', 'amp'],
    ['phase', 'decoder_phase', 'phase'],
  ] as Array<[Decoder, string, string]>) {
    for (let b = 0; b < decoderBlocks(N); b += 1) {
      conv(`${torchName}.blocks.${b}.conv1`, decoderConv(decoder, b, false));
      conv(`${torchName}.blocks.${b}.conv2`, decoderConv(decoder, b, true));
    }
    conv(`${torchName}.${head}.conv1`, mainConv(decoder));
    if (probeBig) {
      conv(`${torchName}.${head}.conv_up_block.conv1`, outerUpConv(decoder, false));
      conv(`${torchName}.${head}.conv_up_block.conv2`, outerUpConv(decoder, true));
      conv(`${torchName}.${head}.conv2`, outerConv(decoder));
    }
  }
  return roles;
}

/** Hyper-parameters that change what the same weights compute. */
function rejectVariants(model: Map<PickleValue, PickleValue>, file: string): void {
  const checks: Array<[string, PickleValue, PickleValue | undefined]> = [
    ['architecture', 'cnn', model.get('architecture')],
    ['cnn_output_mode', 'amp_phase', model.get('cnn_output_mode')],
    ['use_shared_decoder', false, model.get('use_shared_decoder')],
    ['batch_norm', false, model.get('batch_norm')],
  ];
  for (const [key, needed, actual] of checks) {
    if (actual !== undefined && actual !== needed) {
      throw new ModelImportError(
        `${file}: hyper_parameters model_config ${key} is ${JSON.stringify(actual)}; ptychopinn implements ` +
          `${key} ${JSON.stringify(needed)} only (the paper architecture), so this model cannot be imported`,
      );
    }
  }
}

async function requireNeutral(archive: TorchArchive, value: PickleValue, name: string): Promise<void> {
  const values = value instanceof TensorRef ? (await archive.float32(value, name)).data : undefined;
  if (!values || values.some((v) => v !== 1)) {
    throw new ModelImportError(
      `${archive.file}: state_dict entry '${name}' is ${values ? `[${Array.from(values)}]` : 'not a tensor'}; ` +
        "ptychopinn's physics has no such scale, so only its neutral value 1 can be imported",
    );
  }
}

function checkProbe(probe: JsTensor, N: number, file: string): void {
  if (probe.dtype !== 'complex64' || probe.shape.length !== 2 || probe.shape[0] !== N || probe.shape[1] !== N) {
    throw new ModelImportError(
      `${file}: the probe given is ${probe.dtype} [${probe.shape}]; the model needs (${N}, ${N}) complex`,
    );
  }
}

function section(hyper: Map<PickleValue, PickleValue>, key: string, file: string): Map<PickleValue, PickleValue> {
  const value = hyper.get(key);
  if (!(value instanceof Map)) throw new ModelImportError(`${file}: hyper_parameters has no '${key}' dict`);
  return value;
}

function numberIn(map: Map<PickleValue, PickleValue>, key: string, where: string): number {
  const value = map.get(key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelImportError(`${where} '${key}' is ${String(value)}; a number is needed`);
  }
  return value;
}
