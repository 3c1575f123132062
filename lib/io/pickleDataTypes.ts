// The Python names a pickle may use to rebuild plain data, and how each is rebuilt
// here without Python: ordered dicts, sets, bytes, paths, NumPy arrays, dtypes and
// scalars (as numpy and dill pickle them), a TensorFlow tensor (its NumPy value) and
// Lightning's AttributeDict. Torch's tensor names are torchArchive.ts's. Each
// handler checks the arguments it is given: a crafted pickle cannot reach anything
// else through them.
import type { NumericArray, NumericData, NumericDType } from './ndarray';
import { elementCount } from './ndarray';
import { decodeNpyData, npyItemSize } from './npy';
import { type AllowedGlobal, type Buildable, PickleError, PickleGlobal, type PickleValue } from './pickle';

/** A NumPy dtype as `numpy.dtype(code, align, copy)` and its BUILD state describe it. */
export class NumpyDtype implements Buildable {
  byteOrder = '|';
  constructor(readonly code: string) {}

  setState(state: PickleValue, where: string): void {
    if (!Array.isArray(state) || typeof state[1] !== 'string')
      throw new PickleError(`${where}: malformed NumPy dtype state`);
    this.byteOrder = state[1];
  }
}

/**
 * The .npy descriptor of a pickled dtype and its element size: the bytes are then
 * decoded by the .npy reader's own table (npy.ts).
 */
function numpyType(dtype: NumpyDtype, where: string): { descr: string; size: number } {
  const descr = `<${dtype.code.replace(/^[<>|=]/, '')}`;
  const size = npyItemSize(descr);
  if (size === undefined)
    throw new PickleError(`${where}: NumPy dtype '${dtype.code}' is not a numeric type ptychopinn reads`);
  if (dtype.byteOrder === '>' && size > 1) {
    throw new PickleError(
      `${where}: big-endian NumPy data ('>${dtype.code}') is not supported; re-save it little-endian`,
    );
  }
  return { descr, size };
}

/** `raw` (a copy of it) as the array `shape` of a numeric descriptor, row-major. */
function decodeRaw(raw: Uint8Array, type: { descr: string }, shape: number[], fortran: boolean, where: string) {
  const header = { descr: type.descr, shape, fortranOrder: fortran, dataOffset: 0 };
  return decodeNpyData(header, raw.slice().buffer, where) as NumericArray;
}

/**
 * A NumPy array: `_reconstruct(ndarray, (0,), b'b')` makes an empty one, BUILD gives it
 * (version, shape, dtype, is_fortran, raw bytes). Fortran-ordered data are reordered to C.
 */
export class NumpyArray implements Buildable, NumericArray {
  dtype: NumericDType = 'float64';
  shape: number[] = [];
  data: NumericData = new Float64Array(0);
  built = false;

  setState(state: PickleValue, where: string): void {
    if (!Array.isArray(state) || state.length !== 5) throw new PickleError(`${where}: malformed NumPy array state`);
    const [, shape, dtype, fortran, raw] = state;
    if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)) {
      throw new PickleError(`${where}: NumPy array shape ${String(shape)} is malformed`);
    }
    if (!(dtype instanceof NumpyDtype)) throw new PickleError(`${where}: NumPy array without a dtype`);
    if (!(raw instanceof Uint8Array)) {
      throw new PickleError(
        `${where}: NumPy array of Python objects (dtype '${dtype.code}'), which is never unpickled`,
      );
    }
    const type = numpyType(dtype, where);
    const dims = shape as number[];
    const count = elementCount(dims);
    if (raw.length !== count * type.size) {
      throw new PickleError(
        `${where}: NumPy array of shape (${dims}) needs ${count * type.size} bytes, holds ${raw.length}`,
      );
    }
    const array = decodeRaw(raw, type, dims, fortran === true, where);
    this.dtype = array.dtype;
    this.shape = dims;
    this.data = array.data;
    this.built = true;
  }
}

function reconstructArray(args: PickleValue[], where: string): NumpyArray {
  const [type] = args;
  if (!(type instanceof PickleGlobal) || type.name !== 'numpy.ndarray') {
    throw new PickleError(`${where}: NumPy's _reconstruct is only read for numpy.ndarray`);
  }
  return new NumpyArray();
}

/** `numpy.core.multiarray.scalar(dtype, bytes)`: a NumPy scalar, as a number (bigint beyond 2^53). */
function numpyScalar(args: PickleValue[], where: string): PickleValue {
  const [dtype, raw] = args;
  if (!(dtype instanceof NumpyDtype) || !(raw instanceof Uint8Array)) {
    throw new PickleError(`${where}: malformed NumPy scalar`);
  }
  const type = numpyType(dtype, where);
  if (raw.length !== type.size)
    throw new PickleError(`${where}: NumPy scalar of ${raw.length} bytes for '${dtype.code}'`);
  const scalar = decodeRaw(raw, type, [], false, where);
  if (scalar.dtype.startsWith('complex')) return scalar;
  const value = scalar.data[0];
  if (scalar.dtype === 'bool') return value !== 0;
  return typeof value === 'bigint' &&
    value <= BigInt(Number.MAX_SAFE_INTEGER) &&
    value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** dill's `_create_array(f, args, state, npdict)`: f(*args), then its state. */
function dillArray(args: PickleValue[], where: string): PickleValue {
  const [factory, factoryArgs, state] = args;
  if (!(factory instanceof PickleGlobal) || !factory.handler.call || !Array.isArray(factoryArgs)) {
    throw new PickleError(`${where}: malformed dill array`);
  }
  const array = factory.handler.call(factoryArgs, where);
  if (!(array instanceof NumpyArray)) throw new PickleError(`${where}: dill array whose factory is not NumPy's`);
  array.setState(state, where);
  return array;
}

function dictFrom(args: PickleValue[], where: string): Map<PickleValue, PickleValue> {
  const map = new Map<PickleValue, PickleValue>();
  const [items] = args;
  if (items === undefined) return map;
  if (!Array.isArray(items)) throw new PickleError(`${where}: an ordered dict made from something other than pairs`);
  for (const pair of items) {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new PickleError(`${where}: an ordered dict item is not a pair`);
    map.set(pair[0], pair[1]);
  }
  return map;
}

function onlyString(args: PickleValue[], where: string, what: string): string[] {
  if (!args.every((arg) => typeof arg === 'string')) throw new PickleError(`${where}: ${what} of non-strings`);
  return args as string[];
}

const emptyMap = (): Map<PickleValue, PickleValue> => new Map();
const mapType: AllowedGlobal = { call: dictFrom, construct: emptyMap };
const pathType: AllowedGlobal = {
  call: (args, where) => onlyString(args, where, 'a path').join('/'),
  construct: (args, where) => onlyString(args, where, 'a path').join('/'),
};
const arrayReconstruct: AllowedGlobal = { call: reconstructArray };
const scalar: AllowedGlobal = { call: numpyScalar };
const dtypeType: AllowedGlobal = {
  call: ([code], where) => {
    if (typeof code !== 'string') throw new PickleError(`${where}: numpy.dtype of a non-string`);
    return new NumpyDtype(code);
  },
};

/** Names of plain data, for every pickle ptychopinn reads. */
export const DATA_GLOBALS: ReadonlyMap<string, AllowedGlobal> = new Map<string, AllowedGlobal>([
  ['collections.OrderedDict', mapType],
  // Lightning's hyper-parameter dicts.
  ['lightning.fabric.utilities.data.AttributeDict', mapType],
  ['lightning_fabric.utilities.data.AttributeDict', mapType],
  ['pytorch_lightning.utilities.parsing.AttributeDict', mapType],
  ['lightning.pytorch.utilities.parsing.AttributeDict', mapType],
  ['builtins.set', { call: ([items]) => (Array.isArray(items) ? [...items] : []) }],
  ['builtins.frozenset', { call: ([items]) => (Array.isArray(items) ? [...items] : []) }],
  // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
  [
    '_codecs.encode',
    {
      call: ([text, encoding], where) => {
        if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
          throw new PickleError(`${where}: _codecs.encode is only read for latin1 text`);
        }
        return Uint8Array.from(text, (char) => char.charCodeAt(0));
      },
    },
  ],
  ['pathlib.PosixPath', pathType],
  ['pathlib.PurePosixPath', pathType],
  ['pathlib.WindowsPath', pathType],
  ['pathlib.PureWindowsPath', pathType],
  ['pathlib._local.PosixPath', pathType],
  ['pathlib._local.WindowsPath', pathType],
  ['numpy.ndarray', {}],
  ['numpy.dtype', dtypeType],
  ['numpy.core.multiarray._reconstruct', arrayReconstruct],
  ['numpy._core.multiarray._reconstruct', arrayReconstruct],
  ['numpy.core.multiarray.scalar', scalar],
  ['numpy._core.multiarray.scalar', scalar],
  ['dill._dill._create_array', { call: dillArray }],
  // A TensorFlow tensor pickles as convert_to_tensor(its NumPy value).
  [
    'tensorflow.python.framework.ops.convert_to_tensor',
    {
      call: ([value], where) => {
        if (!(value instanceof NumpyArray))
          throw new PickleError(`${where}: a TensorFlow tensor without a NumPy value`);
        return value;
      },
    },
  ],
]);

/** The value under a string key of a pickled dict, or undefined. */
export function dictGet(value: PickleValue | undefined, key: string): PickleValue | undefined {
  return value instanceof Map ? value.get(key) : undefined;
}
