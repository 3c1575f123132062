// A file written by torch.save (a Lightning .ckpt is one): a zip holding
// `<name>/data.pkl`, a pickle whose tensors refer by persistent id to raw storages
// `<name>/data/<key>`, and `<name>/byteorder`. The pickle is read by the restricted
// reader (pickle.ts) with torch's tensor names allowed; a tensor stays a reference
// until its values are asked for, so unused storages (an optimizer's state) are
// never read.
import { ZipReader } from './zipReader';
import { type AllowedGlobal, PickleError, PickleGlobal, type PickleValue, readPickle } from './pickle';
import { DATA_GLOBALS } from './pickleDataTypes';
import type yauzl from 'yauzl';

export class TorchArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TorchArchiveError';
  }
}

type StorageDType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool'
  | 'complex64'
  | 'complex128';

const ITEM_SIZE: Record<StorageDType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
  complex64: 8,
  complex128: 16,
};

const STORAGE_TYPES: Record<string, StorageDType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  UntypedStorage: 'uint8',
};

/** A storage the pickle refers to: member `data/<key>` of the archive, `count` items of `dtype`. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StorageDType,
    readonly count: number,
  ) {}
}

/** A tensor as torch._utils._rebuild_tensor_v2 describes it: a strided view of a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

const isCount = (value: PickleValue): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function rebuildTensor(args: PickleValue[], where: string): TensorRef {
  const [storage, offset, shape, stride] = args;
  if (
    !(storage instanceof StorageRef) ||
    !isCount(offset) ||
    !Array.isArray(shape) ||
    !Array.isArray(stride) ||
    !shape.every(isCount) ||
    !stride.every(isCount) ||
    shape.length !== stride.length
  ) {
    throw new PickleError(`${where}: malformed tensor (storage, offset, size, stride)`);
  }
  const tensor = new TensorRef(storage, offset, shape as number[], stride as number[]);
  const last = shape.reduce<number>(
    (end, size, axis) => end + ((size as number) - 1) * (stride[axis] as number),
    offset,
  );
  if (shape.every((size) => (size as number) > 0) && last >= storage.count) {
    throw new PickleError(`${where}: tensor of size (${shape}) reaches past its storage of ${storage.count} items`);
  }
  return tensor;
}

/** torch's own reconstruction wrappers around a tensor: the tensor is what matters. */
function tensorArgument(args: PickleValue[], where: string): TensorRef {
  if (!(args[0] instanceof TensorRef)) throw new PickleError(`${where}: a parameter without a tensor`);
  return args[0];
}

function rebuildFromType(args: PickleValue[], where: string): PickleValue {
  const [factory, type, factoryArgs] = args;
  if (
    !(factory instanceof PickleGlobal) ||
    !factory.handler.call ||
    !(type instanceof PickleGlobal) ||
    !Array.isArray(factoryArgs)
  ) {
    throw new PickleError(`${where}: malformed tensor subclass`);
  }
  return factory.handler.call(factoryArgs, where);
}

const TORCH_GLOBALS: ReadonlyMap<string, AllowedGlobal> = new Map<string, AllowedGlobal>([
  ...DATA_GLOBALS,
  ['torch._utils._rebuild_tensor_v2', { call: rebuildTensor }],
  ['torch._utils._rebuild_tensor', { call: rebuildTensor }],
  ['torch._utils._rebuild_parameter', { call: tensorArgument }],
  ['torch._utils._rebuild_parameter_with_state', { call: tensorArgument }],
  ['torch._tensor._rebuild_from_type_v2', { call: rebuildFromType }],
  ['torch.Tensor', {}],
  ['torch.nn.parameter.Parameter', {}],
  ...Object.keys(STORAGE_TYPES).map((name): [string, AllowedGlobal] => [`torch.${name}`, {}]),
  ['torch.storage.UntypedStorage', {}],
]);

function storageType(value: PickleValue, where: string): StorageDType {
  const name = value instanceof PickleGlobal ? value.name.replace(/^torch\.(storage\.)?/, '') : undefined;
  const dtype = name ? STORAGE_TYPES[name] : undefined;
  if (!dtype) throw new PickleError(`${where}: a storage of unknown type ${String(name)}`);
  return dtype;
}

export class TorchArchive {
  private constructor(
    private readonly zip: ZipReader,
    private readonly prefix: string,
    readonly root: PickleValue,
  ) {}

  /** Opens the archive and reads its pickle (never its storages). */
  static async open(file: string): Promise<TorchArchive> {
    let zip: ZipReader;
    try {
      zip = await ZipReader.open(file);
    } catch (error) {
      throw new TorchArchiveError(
        `${file} is not a torch.save zip archive (${(error as Error).message.replace(/^.*?: /, '')}); ` +
          'files saved by PyTorch before 1.6 (the legacy format) are not read: load and re-save it with a current PyTorch',
      );
    }
    try {
      const pickles = zip.entries.filter((entry) => /^[^/]+\/data\.pkl$/.test(entry.fileName));
      if (pickles.length !== 1) {
        throw new TorchArchiveError(
          `${file} is a zip but not a torch.save archive: it needs one <name>/data.pkl, found ${pickles.length}`,
        );
      }
      const prefix = pickles[0].fileName.slice(0, -'data.pkl'.length);
      const byteOrder = zip.entries.find((entry) => entry.fileName === `${prefix}byteorder`);
      if (byteOrder && new TextDecoder().decode(await readMember(zip, byteOrder)).trim() !== 'little') {
        throw new TorchArchiveError(`${file} was saved on a big-endian machine; re-save it on a little-endian one`);
      }
      const where = `${file}: ${pickles[0].fileName}`;
      const root = readPickle(await readMember(zip, pickles[0]), {
        where,
        globals: TORCH_GLOBALS,
        persistentLoad: (pid, at) => storageReference(pid, at),
      });
      return new TorchArchive(zip, prefix, root);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  get file(): string {
    return this.zip.file;
  }

  /** The tensor's values in C order as float32 (from float16, bfloat16, float32 or float64 storage). */
  async float32(tensor: TensorRef, name: string): Promise<Float32Tensor> {
    const where = `${this.file}: tensor '${name}'`;
    const { storage } = tensor;
    const member = `${this.prefix}data/${storage.key}`;
    const entry = this.zip.entries.find((candidate) => candidate.fileName === member);
    if (!entry) throw new TorchArchiveError(`${where}: its storage ${member} is missing from the archive`);
    const bytes = await readMember(this.zip, entry);
    const size = ITEM_SIZE[storage.dtype];
    if (bytes.length !== storage.count * size) {
      throw new TorchArchiveError(
        `${where}: storage ${member} holds ${bytes.length} bytes, but ${storage.count} ${storage.dtype} items need ${storage.count * size}`,
      );
    }
    const values = decodeFloats(bytes, storage.dtype, where);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    const index = new Array<number>(tensor.shape.length).fill(0);
    for (let flat = 0; flat < count; flat += 1) {
      let source = tensor.offset;
      for (let axis = 0; axis < index.length; axis += 1) source += index[axis] * tensor.stride[axis];
      data[flat] = values(source);
      for (let axis = index.length - 1; axis >= 0; axis -= 1) {
        if (++index[axis] < tensor.shape[axis]) break;
        index[axis] = 0;
      }
    }
    return { shape: tensor.shape, data };
  }

  close(): void {
    this.zip.close();
  }
}

/** torch's persistent id: ('storage', storage type, key, location, item count). */
function storageReference(pid: PickleValue, where: string): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
    throw new PickleError(`${where}: a persistent reference that is not a torch storage`);
  }
  const [, type, key, , count] = pid;
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key) || !isCount(count)) {
    throw new PickleError(`${where}: a malformed storage reference`);
  }
  return new StorageRef(key, storageType(type, where), count);
}

async function readMember(zip: ZipReader, entry: yauzl.Entry): Promise<Uint8Array> {
  return new Uint8Array((await zip.read(entry, () => 'read'))!);
}

function decodeFloats(bytes: Uint8Array, dtype: StorageDType, where: string): (index: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return (i) => view.getFloat32(4 * i, true);
    case 'float64':
      return (i) => view.getFloat64(8 * i, true);
    case 'bfloat16':
      return (i) => {
        // bfloat16 is the upper half of a float32.
        const word = new DataView(new ArrayBuffer(4));
        word.setUint16(0, view.getUint16(2 * i, true));
        return word.getFloat32(0);
      };
    case 'float16':
      return (i) => halfToFloat(view.getUint16(2 * i, true));
    default:
      throw new TorchArchiveError(`${where}: holds ${dtype} values, not floating-point weights`);
  }
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
