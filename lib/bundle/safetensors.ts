// The safetensors format (8-byte little-endian header length, JSON header, raw
// little-endian tensor bytes). Written here because npm has no maintained
// implementation; the format is small and fully specified by its header.
import type { StateDict } from '../native/binding';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Float32 state dicts only: that is what the addon hands out. */
export function encodeSafetensors(state: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(state).sort();
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = state[name];
    if (t.dtype !== 'float32') throw new SafetensorsError(`${name}: only float32 tensors are stored, got ${t.dtype}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  // Pad the header with spaces so tensor data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const data = state[name].data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, where: string): StateDict {
  if (bytes.length < 8) throw new SafetensorsError(`${where}: truncated (${bytes.length} bytes)`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsError(`${where}: header of ${headerLength} bytes does not fit in ${bytes.length} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new SafetensorsError(`${where}: header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError(`${where}: header is not a JSON object of tensors`);
  }
  const dataStart = 8 + headerLength;
  const state: StateDict = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const tensor = checkEntry(entry, bytes.length - dataStart);
    if (!tensor) {
      throw new SafetensorsError(`${where}: tensor '${name}' (${JSON.stringify(entry)?.slice(0, 200)}) is malformed`);
    }
    const [begin, end] = tensor.data_offsets;
    // Copy: the source may not be 4-byte aligned, and the state must own its data.
    const data = new Float32Array((end - begin) / 4);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    state[name] = { dtype: 'float32', shape: tensor.shape, data };
  }
  return state;
}

const isSize = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** A float32 entry whose shape and byte range agree and lie within the data; undefined otherwise. */
function checkEntry(entry: unknown, dataBytes: number): HeaderEntry | undefined {
  const e = entry as Partial<HeaderEntry> | null;
  if (typeof e !== 'object' || e === null || e.dtype !== 'F32') return undefined;
  if (!Array.isArray(e.shape) || !e.shape.every(isSize)) return undefined;
  if (!Array.isArray(e.data_offsets) || e.data_offsets.length !== 2 || !e.data_offsets.every(isSize)) return undefined;
  const [begin, end] = e.data_offsets;
  const count = e.shape.reduce((a, b) => a * b, 1);
  return end - begin === count * 4 && end <= dataBytes ? (e as HeaderEntry) : undefined;
}
