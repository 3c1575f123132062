// Random-access reading of zip members into one preallocated buffer each, so that a
// member never exists twice in memory: stored members are read straight from the
// file (or buffer), deflated ones are inflated chunk by chunk into place. yauzl reads
// the central directory (Zip64 included) and local headers; the data are read here.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** Decides from a member's first bytes: 'read' it all, 'skip' it, or 'more' bytes are needed. */
export type Peek = (head: Uint8Array) => 'read' | 'skip' | 'more';

/** Copies up to `length` bytes at `position` of the archive into `bytes` at `offset`; resolves the count. */
type ReadAt = (bytes: Uint8Array, offset: number, length: number, position: number) => Promise<number>;

/** A stored member's bytes, read a range at a time. */
export interface StoredMember {
  size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

const STORED = 0;
const DEFLATED = 8;
/** Bytes per read from the file. */
const CHUNK = 4 << 20;
const INFLATE_CHUNK = 1 << 20;
/** Deflate cannot expand data more than about 1032-fold; a larger declared size is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** Thrown inside the inflate pipeline to stop it when the peek skips a member. */
const SKIP = Symbol('skip');

export class ZipReader {
  private constructor(
    readonly file: string,
    private readonly readAt: ReadAt,
    private readonly zip: yauzl.ZipFile,
    readonly entries: yauzl.Entry[],
  ) {}

  static async open(file: string): Promise<ZipReader> {
    const fd = await new Promise<number>((resolve, reject) =>
      fs.open(file, 'r', (error, opened) =>
        error ? reject(new ZipFormatError(`cannot open ${file}: ${error.message}`)) : resolve(opened),
      ),
    );
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromFdPromise(fd, { lazyEntries: true, autoClose: false, strictFileNames: false });
    } catch (error) {
      fs.closeSync(fd);
      throw notAZip(file, error);
    }
    const entries = await listEntries(zip, file);
    return new ZipReader(file, fileReader(fd), zip, entries);
  }

  /** An archive held in memory (an HTTP body, say); `name` stands for the file name in messages. */
  static async fromBuffer(buffer: Buffer, name: string): Promise<ZipReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, strictFileNames: false });
    } catch (error) {
      throw notAZip(name, error);
    }
    const entries = await listEntries(zip, name);
    return new ZipReader(name, bufferReader(buffer), zip, entries);
  }

  close(): void {
    this.zip.close();
  }

  /**
   * The member's uncompressed bytes in a buffer of exactly its size, or undefined
   * when `peek` skipped it. The CRC-32 is verified.
   */
  async read(entry: yauzl.Entry, peek: Peek): Promise<ArrayBuffer | undefined> {
    const where = `${this.file}: member ${entry.fileName}`;
    if (entry.isEncrypted()) throw new ZipFormatError(`${where} is encrypted; ptychopinn reads unencrypted archives`);
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      throw new ZipFormatError(
        `${where} uses zip compression method ${entry.compressionMethod}; only stored (0) and deflated (8) ` +
          'are read (numpy.savez and savez_compressed write these)',
      );
    }
    // Sizes come from the archive: check them against the file before allocating.
    const start = await this.dataStart(entry, entry.compressedSize, where);
    if (entry.compressionMethod === DEFLATED && entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO) {
      throw new ZipFormatError(
        `${where} declares ${entry.uncompressedSize} bytes inflated from ${entry.compressedSize}, more than ` +
          'deflate can produce; the archive is damaged',
      );
    }
    const buffer = allocate(entry.uncompressedSize, where);
    const bytes = new Uint8Array(buffer);
    const filled =
      entry.compressionMethod === STORED
        ? await this.readStored(start, bytes, peek, where)
        : await this.readDeflated(start, entry.compressedSize, bytes, peek, where);
    if (filled === undefined) return undefined;
    const crc = zlib.crc32(bytes);
    if (crc !== entry.crc32 >>> 0) {
      throw new ZipFormatError(`${where} is corrupt (CRC-32 mismatch); the file was damaged, re-copy or re-save it`);
    }
    return buffer;
  }

  /**
   * Reads byte ranges of a stored (uncompressed) member straight from the archive, so
   * that a large array can be read a slice at a time. There is no CRC check: that
   * needs the whole member.
   */
  async storedMember(entry: yauzl.Entry): Promise<StoredMember> {
    const where = `${this.file}: member ${entry.fileName}`;
    if (entry.compressionMethod !== STORED || entry.isEncrypted()) {
      throw new ZipFormatError(`${where} is compressed; only stored (uncompressed) members can be read in slices`);
    }
    const start = await this.dataStart(entry, entry.uncompressedSize, where);
    const size = entry.uncompressedSize;
    return {
      size,
      read: async (position, length) => {
        if (position < 0 || position + length > size) {
          throw new ZipFormatError(`${where}: bytes [${position}, ${position + length}) are outside its ${size}`);
        }
        const bytes = new Uint8Array(allocate(length, where));
        for (let filled = 0; filled < length;) {
          const bytesRead = await this.readAt(bytes, filled, length - filled, start + position + filled);
          if (bytesRead === 0) throw truncated(where, new Error('unexpected end of file'));
          filled += bytesRead;
        }
        return bytes;
      },
    };
  }

  private async dataStart(entry: yauzl.Entry, length: number, where: string): Promise<number> {
    const { fileDataStart } = await this.zip
      .readLocalFileHeaderPromise(entry, { minimal: true })
      .catch((error: unknown) => {
        throw truncated(where, error);
      });
    if (fileDataStart + length > this.zip.fileSize) {
      throw truncated(where, new Error(`its data run past the end of the file (${this.zip.fileSize} bytes)`));
    }
    return fileDataStart;
  }

  private async readStored(start: number, bytes: Uint8Array, peek: Peek, where: string): Promise<number | undefined> {
    let filled = 0;
    let decided = false;
    while (filled < bytes.length) {
      const length = Math.min(decided ? CHUNK : 4096, bytes.length - filled);
      const bytesRead = await this.readAt(bytes, filled, length, start + filled);
      if (bytesRead === 0) throw truncated(where, new Error('unexpected end of file'));
      filled += bytesRead;
      if (!decided) {
        const verdict = peek(bytes.subarray(0, filled));
        if (verdict === 'skip') return undefined;
        decided = verdict === 'read';
      }
    }
    return filled;
  }

  /** Inflates straight from the file; large zlib chunks make this several times faster than 16 KiB ones. */
  private async readDeflated(
    start: number,
    compressedSize: number,
    bytes: Uint8Array,
    peek: Peek,
    where: string,
  ): Promise<number | undefined> {
    let filled = 0;
    let decided = false;
    // What peek threw (the member's own format error), reported as is rather than as damage to the zip.
    let peekError: unknown;
    try {
      await pipeline(
        Readable.from(this.blocks(start, compressedSize, where), { highWaterMark: 1 }),
        zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK }),
        async (inflated: AsyncIterable<Buffer>) => {
          for await (const chunk of inflated) {
            if (filled + chunk.length > bytes.length) {
              throw new ZipFormatError(`${where} inflates to more than its recorded ${bytes.length} bytes`);
            }
            bytes.set(chunk, filled);
            filled += chunk.length;
            if (!decided) {
              let verdict: ReturnType<Peek>;
              try {
                verdict = peek(bytes.subarray(0, filled));
              } catch (error) {
                peekError = error;
                throw error;
              }
              if (verdict === 'skip') throw SKIP;
              decided = verdict === 'read';
            }
          }
        },
      );
    } catch (error) {
      if (error === SKIP) return undefined;
      if (peekError !== undefined) throw peekError;
      throw error instanceof ZipFormatError ? error : truncated(where, error);
    }
    if (filled !== bytes.length) {
      throw truncated(where, new Error(`inflated ${filled} of ${bytes.length} bytes`));
    }
    return filled;
  }

  private async *blocks(start: number, size: number, where: string): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < size;) {
      const block = Buffer.allocUnsafe(Math.min(CHUNK, size - offset));
      const bytesRead = await this.readAt(block, 0, block.length, start + offset);
      if (bytesRead === 0) throw truncated(where, new Error('unexpected end of file'));
      offset += bytesRead;
      yield block.subarray(0, bytesRead);
    }
  }
}

async function listEntries(zip: yauzl.ZipFile, file: string): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) entries.push(entry);
  } catch (error) {
    zip.close();
    throw notAZip(file, error);
  }
  return entries;
}

function fileReader(fd: number): ReadAt {
  return (bytes, offset, length, position) =>
    new Promise<number>((resolve, reject) => {
      fs.read(fd, bytes, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
    });
}

function bufferReader(buffer: Buffer): ReadAt {
  return async (bytes, offset, length, position) => {
    const available = buffer.subarray(position, position + length);
    bytes.set(available, offset);
    return available.length;
  };
}

/** A member's buffer; a size the process cannot hold is a clear error, not a RangeError. */
function allocate(size: number, where: string): ArrayBuffer {
  try {
    return new ArrayBuffer(size);
  } catch (error) {
    throw new ZipFormatError(`${where} needs ${size} bytes, which cannot be allocated (${message(error)})`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notAZip(file: string, error: unknown): ZipFormatError {
  return new ZipFormatError(
    `${file} is not a readable NPZ (zip) archive: ${message(error)}. If it was copied or downloaded, ` +
      'the copy is probably truncated; otherwise re-save it with numpy.savez',
  );
}

function truncated(where: string, error: unknown): ZipFormatError {
  return new ZipFormatError(`${where} cannot be read (${message(error)}); the file is probably truncated or damaged`);
}
