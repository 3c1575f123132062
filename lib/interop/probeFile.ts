// The probe a model was trained with, from a dataset file: an NPZ's `probeGuess`
// (the contract, or a file holding only it).
import { readNpz } from '../io/npz';
import { complexImage } from '../data/arrays';
import type { JsTensor } from '../native/binding';
import { ModelImportError } from './importedModel';

export async function readProbeFile(file: string): Promise<JsTensor> {
  const contents = await readNpz(file, { keys: ['probeGuess'] });
  const probe = contents.arrays.get('probeGuess');
  if (!probe || probe.dtype === 'str') {
    throw new ModelImportError(`${file} has no 'probeGuess' array: name a dataset NPZ holding the model's probe`);
  }
  return complexImage(probe, `${file}: key 'probeGuess'`);
}
