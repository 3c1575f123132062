// A restricted reader of Python pickles that never runs anything: it interprets the
// opcodes itself and builds plain values (numbers, strings, bytes, arrays for lists
// and tuples, Maps for dicts). A pickle can name a Python function (GLOBAL,
// STACK_GLOBAL) and call it (REDUCE, NEWOBJ, BUILD); here a name resolves only
// through the caller's allowlist, to a small TypeScript function that rebuilds the
// data that name stands for (a tensor, a NumPy array, an ordered dict). Any other
// name is refused, naming it, before anything is built. Written here because npm has
// no maintained reader with an allowlist; the format is fixed by CPython's
// Lib/pickletools.py, which documents every opcode.

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PickleError';
  }
}

/** What a pickle holds once read. Objects rebuilt by allowlisted globals are whatever their handler returns. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | PickleGlobal
  | object;

/**
 * A Python name the reader may resolve, and how to rebuild what calling it would
 * make. `call` serves REDUCE (name(*args)), `construct` NEWOBJ (cls.__new__(cls, *args));
 * a name with neither only marks a type (torch.FloatStorage in a storage reference).
 */
export interface AllowedGlobal {
  call?: (args: PickleValue[], where: string) => PickleValue;
  construct?: (args: PickleValue[], where: string) => PickleValue;
}

/** An object a BUILD opcode may give state to (Python's __setstate__). */
export interface Buildable {
  setState(state: PickleValue, where: string): void;
}

export class PickleGlobal {
  constructor(
    readonly name: string,
    readonly handler: AllowedGlobal,
  ) {}
}

export interface ReadPickleOptions {
  /** Names the errors: the file and member being read. */
  where: string;
  /** 'module.qualname' → handler; every other global is refused. */
  globals: ReadonlyMap<string, AllowedGlobal>;
  /** Resolves a persistent id (torch's storage references); without it PERSID is refused. */
  persistentLoad?: (pid: PickleValue, where: string) => PickleValue;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/** Reads one pickle; throws PickleError on anything it does not understand or allow. */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions): PickleValue {
  // A plain Uint8Array view: a Node Buffer's slice() shares memory instead of copying.
  return new Machine(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options).run();
}

export function isBuildable(value: unknown): value is Buildable {
  return typeof value === 'object' && value !== null && typeof (value as Buildable).setState === 'function';
}

class Machine {
  private position = 0;
  private stack: StackItem[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: ReadPickleOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): PickleValue {
    for (;;) {
      if (this.position >= this.bytes.length) throw this.error('ends before its STOP opcode (truncated)');
      const at = this.position;
      const opcode = this.bytes[this.position++];
      if (opcode === 0x2e /* STOP */) {
        if (this.stack.length !== 1 || this.stack[0] === MARK) throw this.error('ends with a malformed stack', at);
        return this.stack[0] as PickleValue;
      }
      this.step(opcode, at);
    }
  }

  private step(opcode: number, at: number): void {
    switch (opcode) {
      case 0x80 /* PROTO */: {
        const protocol = this.u8();
        if (protocol > 5) throw this.error(`uses pickle protocol ${protocol}; protocols 0-5 are read`, at);
        return;
      }
      case 0x95 /* FRAME */:
        this.take(8); // a framing hint (the frame's length): nothing to do
        return;
      case 0x28 /* MARK */:
        this.marks.push(this.stack.length);
        this.stack.push(MARK);
        return;
      case 0x30 /* POP */:
        this.pop(at);
        return;
      case 0x31 /* POP_MARK */:
        this.popMark(at);
        return;
      case 0x32 /* DUP */:
        return this.push(this.top(at));
      case 0x4e /* NONE */:
        return this.push(null);
      case 0x88 /* NEWTRUE */:
        return this.push(true);
      case 0x89 /* NEWFALSE */:
        return this.push(false);
      case 0x4a /* BININT */:
        this.need(4);
        this.push(this.view.getInt32(this.position, true));
        this.position += 4;
        return;
      case 0x4b /* BININT1 */:
        return this.push(this.u8());
      case 0x4d /* BININT2 */:
        this.need(2);
        this.push(this.view.getUint16(this.position, true));
        this.position += 2;
        return;
      case 0x8a /* LONG1 */:
        return this.push(this.long(this.u8()));
      case 0x8b /* LONG4 */:
        return this.push(this.long(this.u32()));
      case 0x49 /* INT */:
        return this.push(this.textInteger(at));
      case 0x4c /* LONG */:
        return this.push(this.textInteger(at));
      case 0x46 /* FLOAT */: {
        const value = Number(this.line());
        if (Number.isNaN(value) && !/nan/i.test(this.latin1.decode(this.bytes.subarray(at + 1, this.position))))
          throw this.error('holds a malformed FLOAT', at);
        return this.push(value);
      }
      case 0x47 /* BINFLOAT */:
        this.need(8);
        this.push(this.view.getFloat64(this.position, false));
        this.position += 8;
        return;
      case 0x58 /* BINUNICODE */:
        return this.push(this.utf8(this.take(this.u32())));
      case 0x8c /* SHORT_BINUNICODE */:
        return this.push(this.utf8(this.take(this.u8())));
      case 0x8d /* BINUNICODE8 */:
        return this.push(this.utf8(this.take(this.u64())));
      case 0x56 /* UNICODE */:
        return this.push(this.rawUnicode(this.line()));
      case 0x55 /* SHORT_BINSTRING */:
        return this.push(this.latin1.decode(this.take(this.u8())));
      case 0x54 /* BINSTRING */:
        return this.push(this.latin1.decode(this.take(this.u32())));
      case 0x53 /* STRING */:
        return this.push(this.quotedString(this.line(), at));
      case 0x43 /* SHORT_BINBYTES */:
        return this.push(this.take(this.u8()).slice());
      case 0x42 /* BINBYTES */:
        return this.push(this.take(this.u32()).slice());
      case 0x8e /* BINBYTES8 */:
        return this.push(this.take(this.u64()).slice());
      case 0x96 /* BYTEARRAY8 */:
        return this.push(this.take(this.u64()).slice());
      case 0x5d /* EMPTY_LIST */:
        return this.push([]);
      case 0x29 /* EMPTY_TUPLE */:
        return this.push([]);
      case 0x7d /* EMPTY_DICT */:
        return this.push(new Map());
      case 0x8f /* EMPTY_SET */:
        return this.push([]);
      case 0x6c /* LIST */:
      case 0x74 /* TUPLE */:
      case 0x91 /* FROZENSET */:
        return this.push(this.popMark(at));
      case 0x85 /* TUPLE1 */:
        return this.push([this.pop(at)]);
      case 0x86 /* TUPLE2 */: {
        const b = this.pop(at);
        return this.push([this.pop(at), b]);
      }
      case 0x87 /* TUPLE3 */: {
        const c = this.pop(at);
        const b = this.pop(at);
        return this.push([this.pop(at), b, c]);
      }
      case 0x64 /* DICT */:
        return this.push(this.pairs(new Map(), this.popMark(at), at));
      case 0x61 /* APPEND */: {
        const value = this.pop(at);
        this.list(this.top(at), at).push(value);
        return;
      }
      case 0x65 /* APPENDS */: {
        const values = this.popMark(at);
        this.list(this.top(at), at).push(...values);
        return;
      }
      case 0x90 /* ADDITEMS */: {
        const values = this.popMark(at);
        this.list(this.top(at), at).push(...values);
        return;
      }
      case 0x73 /* SETITEM */: {
        const value = this.pop(at);
        const key = this.pop(at);
        this.pairs(this.top(at), [key, value], at);
        return;
      }
      case 0x75 /* SETITEMS */: {
        const items = this.popMark(at);
        this.pairs(this.top(at), items, at);
        return;
      }
      case 0x70 /* PUT */:
        this.memo.set(this.memoIndex(this.line(), at), this.top(at));
        return;
      case 0x71 /* BINPUT */:
        this.memo.set(this.u8(), this.top(at));
        return;
      case 0x72 /* LONG_BINPUT */:
        this.memo.set(this.u32(), this.top(at));
        return;
      case 0x94 /* MEMOIZE */:
        this.memo.set(this.memo.size, this.top(at));
        return;
      case 0x67 /* GET */:
        return this.push(this.recall(this.memoIndex(this.line(), at), at));
      case 0x68 /* BINGET */:
        return this.push(this.recall(this.u8(), at));
      case 0x6a /* LONG_BINGET */:
        return this.push(this.recall(this.u32(), at));
      case 0x63 /* GLOBAL */: {
        const module = this.latin1.decode(this.lineBytes());
        const name = this.latin1.decode(this.lineBytes());
        return this.push(this.resolve(module, name, at));
      }
      case 0x93 /* STACK_GLOBAL */: {
        const name = this.pop(at);
        const module = this.pop(at);
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw this.error('has a STACK_GLOBAL whose module and name are not strings', at);
        }
        return this.push(this.resolve(module, name, at));
      }
      case 0x52 /* REDUCE */: {
        const args = this.tuple(this.pop(at), 'REDUCE', at);
        const target = this.callable(this.pop(at), 'REDUCE', at);
        if (!target.handler.call) throw this.error(`calls ${target.name}, which is only allowed as a type marker`, at);
        return this.push(target.handler.call(args, this.where(at)));
      }
      case 0x81 /* NEWOBJ */: {
        const args = this.tuple(this.pop(at), 'NEWOBJ', at);
        return this.push(this.construct(this.callable(this.pop(at), 'NEWOBJ', at), args, at));
      }
      case 0x92 /* NEWOBJ_EX */: {
        const kwargs = this.pop(at);
        const args = this.tuple(this.pop(at), 'NEWOBJ_EX', at);
        const target = this.callable(this.pop(at), 'NEWOBJ_EX', at);
        if (!(kwargs instanceof Map) || kwargs.size > 0) {
          throw this.error(`constructs ${target.name} with keyword arguments, which is not supported`, at);
        }
        return this.push(this.construct(target, args, at));
      }
      case 0x62 /* BUILD */: {
        const state = this.pop(at);
        const target = this.top(at);
        if (isBuildable(target)) target.setState(state, this.where(at));
        // A dict subclass's attributes (torch's state_dict carries `_metadata`): not needed.
        else if (!(target instanceof Map)) throw this.error('gives state (BUILD) to a value that takes none', at);
        return;
      }
      case 0x50 /* PERSID */:
        return this.push(this.persistent(this.latin1.decode(this.lineBytes()), at));
      case 0x51 /* BINPERSID */:
        return this.push(this.persistent(this.pop(at), at));
      case 0x69 /* INST */:
      case 0x6f /* OBJ */:
        throw this.error('builds an object with INST/OBJ (protocol 0/1 class instances), which is never done here', at);
      case 0x82 /* EXT1 */:
      case 0x83 /* EXT2 */:
      case 0x84 /* EXT4 */:
        throw this.error("refers to Python's copyreg extension registry (EXT opcodes), which is never consulted", at);
      case 0x97 /* NEXT_BUFFER */:
      case 0x98 /* READONLY_BUFFER */:
        throw this.error('uses out-of-band buffers (protocol 5), which are not supported', at);
      default:
        throw this.error(`holds unknown opcode 0x${opcode.toString(16).padStart(2, '0')}`, at);
    }
  }

  private resolve(module: string, name: string, at: number): PickleGlobal {
    const qualified = `${module}.${name}`;
    const handler = this.options.globals.get(qualified);
    if (!handler) {
      throw this.error(
        `refers to the Python global '${qualified}', which is not on the allowlist of data types ` +
          '(tensors, storages, NumPy arrays, ordered dicts, plain values): a pickle naming it could run code ' +
          'when loaded by Python, and ptychopinn never runs anything from a file; nothing was executed',
        at,
      );
    }
    return new PickleGlobal(qualified, handler);
  }

  private construct(target: PickleGlobal, args: PickleValue[], at: number): PickleValue {
    if (!target.handler.construct) throw this.error(`constructs ${target.name}, which is not a constructible type`, at);
    return target.handler.construct(args, this.where(at));
  }

  private persistent(pid: PickleValue, at: number): PickleValue {
    if (!this.options.persistentLoad) throw this.error('holds a persistent reference, which this file must not', at);
    return this.options.persistentLoad(pid, this.where(at));
  }

  private callable(value: PickleValue, opcode: string, at: number): PickleGlobal {
    if (!(value instanceof PickleGlobal)) throw this.error(`applies ${opcode} to a value that is not a global`, at);
    return value;
  }

  private tuple(value: PickleValue, opcode: string, at: number): PickleValue[] {
    if (!Array.isArray(value)) throw this.error(`gives ${opcode} arguments that are not a tuple`, at);
    return value;
  }

  private list(value: PickleValue, at: number): PickleValue[] {
    if (!Array.isArray(value)) throw this.error('appends to a value that is not a list or set', at);
    return value;
  }

  private pairs(target: PickleValue, items: PickleValue[], at: number): Map<PickleValue, PickleValue> {
    if (!(target instanceof Map)) throw this.error('sets items on a value that is not a dict', at);
    if (items.length % 2 !== 0) throw this.error('sets a key without a value', at);
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
    return target;
  }

  private recall(index: number, at: number): PickleValue {
    if (!this.memo.has(index)) throw this.error(`recalls memo entry ${index}, which was never stored`, at);
    return this.memo.get(index)!;
  }

  private push(value: PickleValue): void {
    this.stack.push(value);
  }

  private top(at: number): PickleValue {
    const value = this.stack.at(-1);
    if (this.stack.length === 0 || value === MARK) throw this.error('reads an empty stack', at);
    return value as PickleValue;
  }

  private pop(at: number): PickleValue {
    const value = this.top(at);
    this.stack.pop();
    return value;
  }

  private popMark(at: number): PickleValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw this.error('closes a MARK that was never opened', at);
    const items = this.stack.splice(mark);
    return items.slice(1) as PickleValue[];
  }

  private need(count: number): void {
    if (this.position + count > this.bytes.length) throw this.error('ends in the middle of an opcode (truncated)');
  }

  private take(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0 || this.position + length > this.bytes.length) {
      throw this.error(`declares ${length} bytes where ${this.bytes.length - this.position} remain (truncated)`);
    }
    const out = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return out;
  }

  private u8(): number {
    return this.take(1)[0];
  }

  private u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  private u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER + 1 : Number(value);
  }

  /** Little-endian two's complement of `length` bytes. */
  private long(length: number): number | bigint {
    const bytes = this.take(length);
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i]);
    if (length > 0 && bytes[length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    return narrow(value);
  }

  private lineBytes(): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) throw this.error('ends inside a text line (truncated)');
    const out = this.bytes.subarray(this.position, end);
    this.position = end + 1;
    return out;
  }

  private line(): string {
    return this.latin1.decode(this.lineBytes());
  }

  private textInteger(at: number): number | boolean | bigint {
    const text = this.line().replace(/L$/, '');
    // Protocol 0 writes True and False as INT 01 and 00.
    if (text === '01') return true;
    if (text === '00') return false;
    if (!/^[-+]?\d+$/.test(text)) throw this.error(`holds a malformed integer ${JSON.stringify(text)}`, at);
    return narrow(BigInt(text));
  }

  private memoIndex(text: string, at: number): number {
    if (!/^\d+$/.test(text)) throw this.error(`holds a malformed memo index ${JSON.stringify(text)}`, at);
    return Number(text);
  }

  private utf8(bytes: Uint8Array): string {
    try {
      return this.text.decode(bytes);
    } catch {
      throw this.error('holds a string that is not valid UTF-8');
    }
  }

  /** Protocol 0's raw-unicode-escape: \uXXXX and \UXXXXXXXX escapes in latin-1 text. */
  private rawUnicode(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short: string, long: string) =>
      String.fromCodePoint(parseInt(short ?? long, 16)),
    );
  }

  private quotedString(text: string, at: number): string {
    const quote = text[0];
    if ((quote !== "'" && quote !== '"') || text.at(-1) !== quote || text.length < 2) {
      throw this.error('holds a malformed STRING', at);
    }
    return text
      .slice(1, -1)
      .replace(/\\x([0-9a-fA-F]{2})|\\(['"\\])|\\n/g, (_escape: string, hex: string, char: string) =>
        hex ? String.fromCharCode(parseInt(hex, 16)) : (char ?? '\n'),
      );
  }

  private where(at = this.position): string {
    return `${this.options.where} (pickle byte ${at})`;
  }

  private error(message: string, at = this.position): PickleError {
    return new PickleError(`${this.where(at)} ${message}`);
  }
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
