/**
 * Pickles as DATA, never code: a restricted unpickler that rebuilds exactly one kind of object, a numpy ndarray,
 * from the opcodes numpy's own pickling uses (protocols 2–5), and refuses everything else — any other GLOBAL
 * (os.system, builtins.eval, torch._utils._rebuild_tensor_v2 …), a call of anything but the three numpy
 * constructors and `_codecs.encode`, persistent ids, object-building opcodes — with an error naming what the file
 * asked for. Nothing named by a file is ever looked up or called: GLOBALs become inert names, and the few
 * permitted calls are interpreted here.
 *
 * `pickleNdarray` writes the protocol-2 pickle numpy 1.x writes for a C-order little-endian float32 array, byte for
 * byte (what torch.save puts in data.pkl).
 */
import { RulesFileError } from './errors';

/** A numpy array as a file holds it: raw bytes in `descr`'s layout (numpy's dtype string, e.g. '<f4'). */
export interface NdArray {
  readonly shape: readonly number[];
  readonly descr: string;
  readonly fortran: boolean;
  readonly data: Uint8Array;
}

/** The globals a numpy array's pickle names; anything else is refused at the GLOBAL opcode. */
const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const ALLOWED = new Set([...RECONSTRUCT, 'numpy.ndarray', 'numpy.dtype', '_codecs.encode']);

interface Global { readonly kind: 'global'; readonly name: string }
interface Tuple { readonly kind: 'tuple'; readonly items: readonly Value[] }
interface List { readonly kind: 'list'; readonly items: Value[] }
interface Dict { readonly kind: 'dict'; readonly entries: [Value, Value][] }
interface Dtype { readonly kind: 'dtype'; readonly type: string; order: string }
interface Shell { readonly kind: 'ndarray'; array?: NdArray }
type Value = null | boolean | number | bigint | string | Uint8Array | Global | Tuple | List | Dict | Dtype | Shell;
const MARK = Symbol('mark');
type Slot = Value | typeof MARK;

const isObject = <K extends string>(v: Value | undefined, kind: K): v is Extract<Value, { kind: K }> =>
  typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === kind;

/** Python's name for what a value is, for errors. */
function describe(v: Value | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Uint8Array) return 'bytes';
  return v.kind === 'global' ? v.name : v.kind === 'ndarray' ? 'a numpy array' : v.kind === 'dtype' ? 'a numpy dtype' : `a ${v.kind}`;
}

/** Opcodes that build objects or fetch external ones: named in the refusal. */
const REFUSED: Readonly<Record<number, string>> = {
  0x50: 'PERSID (a persistent object: torch.save uses it for tensor storages)',
  0x51: 'BINPERSID (a persistent object: torch.save uses it for tensor storages)',
  0x69: 'INST (builds an object of a class)',
  0x6f: 'OBJ (builds an object of a class)',
  0x81: 'NEWOBJ (builds an object of a class)',
  0x92: 'NEWOBJ_EX (builds an object of a class)',
  0x82: 'EXT1 (an object from the extension registry)',
  0x83: 'EXT2 (an object from the extension registry)',
  0x84: 'EXT4 (an object from the extension registry)',
};

/**
 * Runs the pickle at `bytes[start…]` and returns the value it builds and where it stopped. Only the values of a
 * numpy array's pickle (and plain data: numbers, strings, tuples, lists, dicts) can be built.
 */
function unpickleValue(bytes: Uint8Array, start: number, what: string): { value: Value; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, Value>();
  let at = start;
  const fail = (message: string): never => {
    throw new RulesFileError(`${what}: ${message}`);
  };
  const need = (n: number): number => {
    if (at + n > bytes.length) fail('the pickle is truncated');
    const here = at;
    at += n;
    return here;
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail('the pickle is malformed (its stack ran out)');
    return v;
  };
  const top = (): Value => {
    const v = stack.at(-1);
    if (v === undefined || v === MARK) return fail('the pickle is malformed (its stack ran out)');
    return v;
  };
  const popMark = (): Value[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('the pickle is malformed (no MARK)');
    const items = stack.splice(i) as Value[];
    items.shift();
    return items;
  };
  const text = (at: number, n: number): string => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, at + n));
    } catch {
      return fail('the pickle holds a string that is not valid UTF-8');
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('the pickle is truncated');
    const s = new TextDecoder('latin1').decode(bytes.subarray(at, end));
    at = end + 1;
    return s;
  };
  const global = (module: string, name: string): Global => {
    const full = `${module}.${name}`;
    if (full === 'torch._utils._rebuild_tensor_v2' || full.startsWith('torch.')) {
      fail(`the file holds a torch tensor (it asks for ${full}); only numpy arrays are read — save coeffs.numpy() instead, as the reference's torch.save(self.get_coeffs(), …) does`);
    }
    if (!ALLOWED.has(full)) fail(`the pickle asks for ${full}, which a numpy array never needs; refused (a pickle can run code: only numpy arrays are rebuilt, nothing is ever called)`);
    return { kind: 'global', name: full };
  };
  const length64 = (): number => {
    const n = view.getBigUint64(need(8), true);
    return n > BigInt(bytes.length) ? fail('the pickle is truncated') : Number(n);
  };
  for (;;) {
    const op = bytes[need(1)]!;
    switch (op) {
      case 0x80: // PROTO
        if (bytes[need(1)]! > 5) fail(`pickle protocol ${bytes[at - 1]} is newer than any Python writes (at most 5)`);
        break;
      case 0x95: // FRAME: a hint only
        need(8);
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail('the pickle is malformed (its stack does not end with one value)');
        return { value: pop(), end: at };
      case 0x63: // GLOBAL
        stack.push(global(line(), line()));
        break;
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('the pickle is malformed (STACK_GLOBAL without names)');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(bytes[need(1)]!); break; // BININT1
      case 0x4d: stack.push(view.getUint16(need(2), true)); break; // BININT2
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT
      case 0x8a: { // LONG1
        const n = bytes[need(1)]!;
        const from = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[from + i]!);
        if (n > 0 && bytes[from + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x58: { const n = view.getUint32(need(4), true); stack.push(text(need(n), n)); break; } // BINUNICODE
      case 0x8c: { const n = bytes[need(1)]!; stack.push(text(need(n), n)); break; } // SHORT_BINUNICODE
      case 0x8d: { const n = length64(); stack.push(text(need(n), n)); break; } // BINUNICODE8
      case 0x43: { const n = bytes[need(1)]!; stack.push(bytes.slice(need(n), at)); break; } // SHORT_BINBYTES
      case 0x42: { const n = view.getUint32(need(4), true); stack.push(bytes.slice(need(n), at)); break; } // BINBYTES
      case 0x8e: { const n = length64(); stack.push(bytes.slice(need(n), at)); break; } // BINBYTES8
      case 0x29: stack.push({ kind: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x85: stack.push({ kind: 'tuple', items: [pop()] }); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push({ kind: 'tuple', items: [pop(), b] }); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push({ kind: 'tuple', items: [pop(), b, c] }); break; } // TUPLE3
      case 0x74: stack.push({ kind: 'tuple', items: popMark() }); break; // TUPLE
      case 0x5d: stack.push({ kind: 'list', items: [] }); break; // EMPTY_LIST
      case 0x61: { const v = pop(); const l = top(); if (!isObject(l, 'list')) fail('the pickle appends to something that is not a list'); (l as List).items.push(v); break; } // APPEND
      case 0x65: { const vs = popMark(); const l = top(); if (!isObject(l, 'list')) fail('the pickle appends to something that is not a list'); (l as List).items.push(...vs); break; } // APPENDS
      case 0x7d: stack.push({ kind: 'dict', entries: [] }); break; // EMPTY_DICT
      case 0x73: { const v = pop(); const k = pop(); const d = top(); if (!isObject(d, 'dict')) fail('the pickle sets an item of something that is not a dict'); (d as Dict).entries.push([k, v]); break; } // SETITEM
      case 0x75: { // SETITEMS
        const vs = popMark();
        const d = top();
        if (!isObject(d, 'dict') || vs.length % 2 !== 0) fail('the pickle sets items of something that is not a dict');
        for (let i = 0; i < vs.length; i += 2) (d as Dict).entries.push([vs[i]!, vs[i + 1]!]);
        break;
      }
      case 0x71: memo.set(bytes[need(1)]!, top()); break; // BINPUT
      case 0x72: memo.set(view.getUint32(need(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? bytes[need(1)]! : view.getUint32(need(4), true);
        if (!memo.has(key)) fail(`the pickle is malformed (memo ${key} was never stored)`);
        stack.push(memo.get(key)!);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(reduce(callable, args, fail));
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        build(top(), state, fail);
        break;
      }
      default:
        fail(REFUSED[op] !== undefined
          ? `the pickle uses opcode ${REFUSED[op]}, which a numpy array never needs; refused`
          : `the pickle uses opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at - 1 - start}, which this reader does not accept (only numpy arrays are rebuilt)`);
    }
  }
}

/** The few calls a numpy array's pickle makes, interpreted here; any other is refused naming the callable. */
function reduce(callable: Value, args: Value, fail: (m: string) => never): Value {
  if (!isObject(callable, 'global')) return fail(`the pickle calls ${describe(callable)}, which is not callable; refused`);
  const a = isObject(args, 'tuple') ? args.items : fail(`the pickle calls ${callable.name} without an argument tuple`);
  if (callable.name === '_codecs.encode') {
    const [s, codec] = a;
    if (typeof s !== 'string' || (codec !== 'latin1' && codec !== 'latin-1') || a.length !== 2) return fail('the pickle calls _codecs.encode other than for bytes (text, "latin1")');
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return fail('the pickle\'s bytes are not latin-1 text');
      out[i] = c;
    }
    return out;
  }
  if (RECONSTRUCT.has(callable.name)) {
    if (!isObject(a[0], 'global') || a[0].name !== 'numpy.ndarray') return fail(`the pickle asks ${callable.name} for ${describe(a[0])}, not a numpy.ndarray`);
    return { kind: 'ndarray' };
  }
  if (callable.name === 'numpy.dtype') {
    if (typeof a[0] !== 'string') return fail('the pickle asks for a numpy.dtype that is not named by a string (a structured dtype)');
    return { kind: 'dtype', type: a[0], order: '|' };
  }
  return fail(`the pickle calls ${callable.name}, which rebuilding a numpy array never needs; refused`);
}

/** numpy's __setstate__ for a dtype (its byte order) and an ndarray (shape, dtype, order, raw bytes). */
function build(target: Value, state: Value, fail: (m: string) => never): void {
  const s = isObject(state, 'tuple') ? state.items : [];
  if (isObject(target, 'dtype')) {
    if (typeof s[1] !== 'string' || s.length < 8 || s[2] !== null || s[3] !== null) fail('the pickle\'s numpy.dtype is not a plain number type (a structured or object dtype)');
    target.order = s[1] as string;
    return;
  }
  if (!isObject(target, 'ndarray') || target.array) return fail(`the pickle sets the state of ${describe(target)}; refused`);
  const [shape, dtype, fortran, data] = s.length === 5 ? s.slice(1) : s;
  if (!isObject(shape, 'tuple') || !shape.items.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return fail('the pickle\'s array has no valid shape');
  if (!isObject(dtype, 'dtype')) return fail('the pickle\'s array has no numpy.dtype');
  if (typeof fortran !== 'boolean') return fail('the pickle\'s array does not say its memory order');
  if (!(data instanceof Uint8Array)) return fail(`the pickle's array holds ${describe(data)}, not raw numbers (an object array?)`);
  const descr = (dtype.order === '=' ? '<' : dtype.order) + dtype.type;
  target.array = { shape: (shape.items as number[]).slice(), descr, fortran, data };
}

/** The numpy array `bytes[start…]` pickles (one pickle), and the offset after it. */
export function unpickleNdarray(bytes: Uint8Array, start: number, what: string): { array: NdArray; end: number } {
  const { value, end } = unpickleValue(bytes, start, what);
  if (!isObject(value, 'ndarray') || !value.array) throw new RulesFileError(`${what}: the file holds ${describe(value)}, not a numpy array`);
  return { array: value.array, end };
}

/** Any plain pickle (numbers, strings, tuples, lists, dicts): the legacy torch format's header records. */
export function unpicklePlain(bytes: Uint8Array, start: number, what: string): { value: unknown; end: number } {
  const { value, end } = unpickleValue(bytes, start, what);
  const plain = (v: Value): unknown => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    if (v.kind === 'tuple' || v.kind === 'list') return v.items.map(plain);
    if (v.kind === 'dict') return new Map(v.entries.map(([k, x]) => [plain(k), plain(x)]));
    throw new RulesFileError(`${what}: the file holds ${describe(v)} where plain data belongs`);
  };
  return { value: plain(value), end };
}

/** Writes the protocol-2 pickle numpy 1.x writes for a little-endian C-order float32 array of `shape`. */
export function pickleNdarray(values: Float32Array, shape: readonly number[]): Uint8Array {
  const out: number[] = [];
  const ascii = (s: string): void => {
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  };
  const u32 = (n: number): void => {
    out.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  };
  let memo = 0;
  const put = (): void => {
    out.push(0x71, memo++);
  };
  const str = (s: string): void => {
    out.push(0x58);
    u32(s.length);
    ascii(s);
    put();
  };
  const int = (n: number): void => {
    if (n <= 0xff) out.push(0x4b, n);
    else if (n <= 0xffff) out.push(0x4d, n & 0xff, n >> 8);
    else {
      out.push(0x4a);
      u32(n);
    }
  };
  out.push(0x80, 2);
  ascii('cnumpy.core.multiarray\n_reconstruct\n'); put(); // 0
  ascii('cnumpy\nndarray\n'); put(); // 1
  out.push(0x4b, 0, 0x85); put(); // 2: (0,)
  ascii('c_codecs\nencode\n'); put(); // 3
  str('b'); // 4
  str('latin1'); // 5
  out.push(0x86); put(); // 6: ('b', 'latin1')
  out.push(0x52); put(); // 7: b'b'
  out.push(0x87); put(); // 8
  out.push(0x52); put(); // 9: the array shell
  out.push(0x28);
  int(1);
  shape.forEach(int);
  if (shape.length <= 3) out.push([0x29, 0x85, 0x86, 0x87][shape.length]!);
  else throw new RangeError('pickleNdarray writes arrays of up to 3 dimensions');
  put(); // 10: shape
  ascii('cnumpy\ndtype\n'); put(); // 11
  str('f4'); // 12
  out.push(0x89, 0x88, 0x87); put(); // 13: ('f4', False, True)
  out.push(0x52); put(); // 14: the dtype
  out.push(0x28);
  int(3);
  str('<'); // 15
  out.push(0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0, 0x74); put(); // 16
  out.push(0x62, 0x89, 0x68, 3); // BUILD; False (C order); _codecs.encode
  // The raw bytes as latin-1 text, in UTF-8.
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  let utf8 = 0;
  for (const b of raw) utf8 += b < 0x80 ? 1 : 2;
  out.push(0x58);
  u32(utf8);
  const head = Uint8Array.from(out);
  const tail = [0x71, memo++, 0x68, 5, 0x86, 0x71, memo++, 0x52, 0x71, memo++, 0x74, 0x71, memo++, 0x62, 0x2e];
  const bytes = new Uint8Array(head.length + utf8 + tail.length);
  bytes.set(head, 0);
  let at = head.length;
  for (const b of raw) {
    if (b < 0x80) bytes[at++] = b;
    else {
      bytes[at++] = 0xc0 | (b >> 6);
      bytes[at++] = 0x80 | (b & 0x3f);
    }
  }
  bytes.set(tail, at);
  return bytes;
}
