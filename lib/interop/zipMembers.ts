// Whole zip members by name, for the small archives models come in.
import { ZipReader } from '../io/zipReader';
import { ModelImportError } from './importedModel';

export async function openZip(file: string, what: string): Promise<ZipReader> {
  try {
    return await ZipReader.open(file);
  } catch (error) {
    throw new ModelImportError(`${file} is not ${what}: ${(error as Error).message}`);
  }
}

export async function readMember(zip: ZipReader, name: string): Promise<Uint8Array> {
  const entry = zip.entries.find((candidate) => candidate.fileName === name);
  if (!entry) throw new ModelImportError(`${zip.file}: member ${name} is missing`);
  try {
    return new Uint8Array((await zip.read(entry, () => 'read'))!);
  } catch (error) {
    throw new ModelImportError(`${zip.file}: member ${name} is corrupt or truncated (${(error as Error).message})`);
  }
}
