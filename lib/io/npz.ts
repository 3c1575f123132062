// NPZ archives as numpy.savez / savez_compressed write them: one `<key>.npy` member
// per array, stored or deflated, Zip64 allowed.
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import yazl from 'yazl';

import { writeFileAtomic } from './atomicWrite';
import type { NpyArray } from './ndarray';
import { decodeNpy, encodeNpy, encodeNpyHeader, isObjectDescr, readNpyHeader } from './npy';
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
  /**
   * Refuse an archive whose members to read declare more uncompressed bytes than this,
   * before any is allocated: a small deflated upload cannot then claim gigabytes.
   */
  maxBytes?: number;
}

/** The arrays of an NPZ would take more memory than ReadNpzOptions.maxBytes allows. */
export class NpzSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpzSizeError';
  }
}

export async function readNpz(file: string, options: ReadNpzOptions = {}): Promise<NpzContents> {
  return readMembers(await ZipReader.open(file), options);
}

/** readNpz for an archive in memory; `name` stands for the file name in contents and messages. */
export async function readNpzBuffer(buffer: Buffer, name: string, options: ReadNpzOptions = {}): Promise<NpzContents> {
  return readMembers(await ZipReader.fromBuffer(buffer, name), options);
}

/** The array key of an `<key>.npy` member; undefined for anything else. */
function memberKey(entry: { fileName: string }): string | undefined {
  return entry.fileName.endsWith('.npy') ? entry.fileName.slice(0, -'.npy'.length) : undefined;
}

async function readMembers(zip: ZipReader, options: ReadNpzOptions): Promise<NpzContents> {
  const file = zip.file;
  const wanted = options.keys ? new Set(options.keys) : undefined;
  const contents: NpzContents = { file, arrays: new Map(), skipped: [] };
  try {
    if (options.maxBytes !== undefined) checkDeclaredSize(zip, wanted, options.maxBytes);
    for (const entry of zip.entries) {
      if (entry.fileName.endsWith('/')) continue;
      const key = memberKey(entry);
      if (key === undefined) {
        contents.skipped.push({
          key: entry.fileName,
          kind: 'not-npy',
          note: `${file}: member ${entry.fileName} is not a .npy array; skipped`,
        });
        continue;
      }
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

function checkDeclaredSize(zip: ZipReader, wanted: Set<string> | undefined, maxBytes: number): void {
  let total = 0;
  for (const entry of zip.entries) {
    const key = memberKey(entry);
    if (key !== undefined && (!wanted || wanted.has(key))) total += entry.uncompressedSize;
  }
  if (total > maxBytes) {
    throw new NpzSizeError(
      `${zip.file}: its arrays take ${total} bytes uncompressed, more than the ${maxBytes} allowed`,
    );
  }
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
  await writeFileAtomic(file, npzStream(arrays, options, `writeNpz(${path.basename(file)})`));
}

/** The NPZ that writeNpz would write, in memory (an HTTP response, say). */
export async function npzBuffer(
  arrays: Readonly<Record<string, NpyArray>>,
  options: WriteNpzOptions = {},
): Promise<Buffer> {
  return buffer(npzStream(arrays, options, 'npzBuffer()'));
}

/**
 * Arrays larger than this are streamed into the archive from their own memory: yazl
 * takes buffers of at most 1 GiB, and a copy of a large array would double its memory.
 */
const STREAMED_MEMBER_BYTES = 256 << 20;

function npzStream(arrays: Readonly<Record<string, NpyArray>>, options: WriteNpzOptions, caller: string) {
  const compress = options.compress ?? true;
  const zip = new yazl.ZipFile();
  const member = { compress, mtime: MEMBER_TIME, mode: 0o100644 };
  for (const [key, array] of Object.entries(arrays)) {
    const where = `${caller}: key '${key}'`;
    if (array.dtype !== 'str' && array.data.byteLength > STREAMED_MEMBER_BYTES) {
      const header = encodeNpyHeader(array, where);
      zip.addReadStream(Readable.from(npyChunks(header, array.data)), `${key}.npy`, {
        ...member,
        size: header.byteLength + array.data.byteLength,
      });
      continue;
    }
    const npy = encodeNpy(array, where);
    zip.addBuffer(Buffer.from(npy.buffer, npy.byteOffset, npy.byteLength), `${key}.npy`, member);
  }
  zip.end();
  return zip.outputStream;
}

/** The header, then views of the data 16 MiB at a time. */
function* npyChunks(header: Uint8Array, data: ArrayBufferView): Generator<Buffer> {
  yield Buffer.from(header);
  const chunk = 16 << 20;
  for (let offset = 0; offset < data.byteLength; offset += chunk) {
    yield Buffer.from(data.buffer, data.byteOffset + offset, Math.min(chunk, data.byteLength - offset));
  }
}
