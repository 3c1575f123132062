// Every file ptychopinn writes goes through here: written to a temporary file in
// the same folder, then renamed over the target, so readers (and a crash or an
// abort half-way) see either the old file or the whole new one, never a part.
import fs from 'node:fs';
import path from 'node:path';
// yazl's outputStream is typed as NodeJS.ReadableStream.
type Source = Uint8Array | string | NodeJS.ReadableStream;
import { pipeline } from 'node:stream/promises';

let sequence = 0;

export async function writeFileAtomic(file: string, content: Source): Promise<void> {
  await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  sequence += 1;
  const temporary = `${file}.${process.pid}.${sequence}.tmp`;
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) {
      await fs.promises.writeFile(temporary, content);
    } else {
      await pipeline(content, fs.createWriteStream(temporary));
    }
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}
