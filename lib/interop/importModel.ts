// Reads a model file of another program, telling the format by its content: a zip
// with `<model>/params.dill` is PtychoPINN's TensorFlow wts.h5.zip, a torch.save zip
// (`<name>/data.pkl`) a Lightning checkpoint.
import fs from 'node:fs/promises';

import { isHdf5 } from '../io/hdf5';
import { normalizeProbe } from '../data/normalize';
import { type ImportedModel, ModelImportError, type ImportOptions } from './importedModel';
import { importLightningModel } from './ptychopinnLightning';
import { importTensorflowModel } from './ptychopinnTensorflow';
import { readProbeFile } from './probeFile';
import { openZip } from './zipMembers';

export async function readForeignModel(file: string, options: ImportOptions = {}): Promise<ImportedModel> {
  const head = await readHead(file);
  if (isHdf5(head)) {
    throw new ModelImportError(
      `${file} is a bare Keras weights file: it lacks the run's parameters (N, gridsize, probe, trained intensity ` +
        "scale) that ptychopinn needs; import the wts.h5.zip that PtychoPINN's model_manager.save() wrote beside it",
    );
  }
  if (head[0] !== 0x50 || head[1] !== 0x4b) {
    throw new ModelImportError(
      `${file} is neither a PtychoPINN TensorFlow model (wts.h5.zip) nor a Lightning checkpoint (.ckpt): ` +
        'both are zip archives, this file is not',
    );
  }
  const zip = await openZip(file, 'a model archive');
  const names = zip.entries.map((entry) => entry.fileName);
  zip.close();
  if (names.some((name) => /^[^/]+\/data\.pkl$/.test(name))) {
    const probe = options.probe ? await readProbeFile(options.probe) : undefined;
    const imported = await importLightningModel(file, probe);
    return { ...imported, probe: normalizeProbe(imported.probe, imported.config.probe_scale) };
  }
  return importTensorflowModel(file);
}

async function readHead(file: string): Promise<Uint8Array> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw new ModelImportError(`cannot open ${file}: ${(error as Error).message}`);
  }
  try {
    const head = new Uint8Array(8);
    await handle.read(head, 0, 8, 0);
    return head;
  } finally {
    await handle.close();
  }
}
