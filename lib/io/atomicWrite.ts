// Every file ptychopinn writes goes through here: written to a temporary file in
// the same folder, then renamed over the target, so readers (and a crash or an
// abort half-way) see either the old file or the whole new one, never a part.
import fs from 'node:fs';
import path from 'node:path';
// yazl's outputStream is typed as NodeJS.ReadableStream.
type Source = Uint8Array | string | NodeJS.ReadableStream;
import { pipeline } from 'node:stream/promises';

let sequence = 0;

/** Writing `file` failed (disk full, permissions, a failing source); the file is as it was before. */
export class WriteFileError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot write ${file} (${reason}); the file is as it was before`, { cause });
    this.name = 'WriteFileError';
  }
}

export async function writeFileAtomic(file: string, content: Source): Promise<void> {
  await writeAtomically(file, async (temporary) => {
    if (typeof content === 'string' || content instanceof Uint8Array) {
      await fs.promises.writeFile(temporary, content);
    } else {
      await pipeline(content, fs.createWriteStream(temporary));
    }
  });
}

/** `write` fills the temporary file it is given (a library that writes by path: HDF5); then it replaces `file`. */
export async function writeAtomically(file: string, write: (temporary: string) => Promise<void>): Promise<void> {
  sequence += 1;
  const temporary = `${file}.${process.pid}.${sequence}.tmp`;
  try {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await write(temporary);
    await fs.promises.rename(temporary, file);
  } catch (error) {
    // Fails too when the folder itself could not be made; the original error is the one to report.
    await fs.promises.rm(temporary, { force: true }).catch(() => undefined);
    throw new WriteFileError(file, error);
  }
}
