// NPZ archives as numpy.savez / savez_compressed write them: one `<key>.npy` member
// per array, stored or deflated, Zip64 allowed.
import path from 'node:path';
import yazl from 'yazl';

import { writeFileAtomic } from './atomicWrite';
import type { NpyArray } from './ndarray';
import { decodeNpy, encodeNpy, isObjectDescr, readNpyHeader } from './npy';
import { ZipReader } from './zipReader';

export interface SkippedMember {
  key: string;
  /** 'object': a pickled object array (never unpickled); 'not-npy': not an array; 'not-requested'. */
  kind: 'object' | 'not-npy' | 'not-requested';
  note: string;
}

export interface NpzContents {
  file: string;
  arrays: Map<string, NpyArray>;
  skipped: SkippedMember[];
}

export interface ReadNpzOptions {
  /** Read only these keys; other members are skipped without being read. */
  keys?: readonly string[];
}

export async function readNpz(file: string, options: ReadNpzOptions = {}): Promise<NpzContents> {
  const zip = await ZipReader.open(file);
  const wanted = options.keys ? new Set(options.keys) : undefined;
  const contents: NpzContents = { file, arrays: new Map(), skipped: [] };
  try {
    for (const entry of zip.entries) {
      if (entry.fileName.endsWith('/')) continue;
      if (!entry.fileName.endsWith('.npy')) {
        contents.skipped.push({
          key: entry.fileName,
          kind: 'not-npy',
          note: `${file}: member ${entry.fileName} is not a .npy array; skipped`,
        });
        continue;
      }
      const key = entry.fileName.slice(0, -'.npy'.length);
      if (wanted && !wanted.has(key)) {
        contents.skipped.push({ key, kind: 'not-requested', note: `${file}: key '${key}' not needed; skipped unread` });
        continue;
      }
      const where = `${file}: key '${key}'`;
      const buffer = await zip.read(entry, (head) => {
        const header = readNpyHeader(head, where);
        if (!header) return 'more';
        return isObjectDescr(header.descr) ? 'skip' : 'read';
      });
      if (buffer === undefined) {
        contents.skipped.push({
          key,
          kind: 'object',
          note: `${file}: key '${key}' is a pickled object array; skipped (ptychopinn never unpickles)`,
        });
        continue;
      }
      contents.arrays.set(key, decodeNpy(buffer, where));
    }
  } finally {
    zip.close();
  }
  return contents;
}

export interface WriteNpzOptions {
  /** Deflate members, as numpy.savez_compressed does. Default true. */
  compress?: boolean;
}

// A fixed member time makes archives byte-for-byte reproducible (committed fixtures).
const MEMBER_TIME = new Date(Date.UTC(1980, 0, 1));

/** Writes arrays as an NPZ that numpy.load reads; replaces `file` atomically. */
export async function writeNpz(
  file: string,
  arrays: Readonly<Record<string, NpyArray>>,
  options: WriteNpzOptions = {},
): Promise<void> {
  const compress = options.compress ?? true;
  const zip = new yazl.ZipFile();
  for (const [key, array] of Object.entries(arrays)) {
    const npy = encodeNpy(array, `writeNpz(${path.basename(file)}): key '${key}'`);
    zip.addBuffer(Buffer.from(npy.buffer, npy.byteOffset, npy.byteLength), `${key}.npy`, {
      compress,
      mtime: MEMBER_TIME,
      mode: 0o100644,
    });
  }
  zip.end();
  await writeFileAtomic(file, zip.outputStream);
}
