import { KERNELS_WASM_BASE64 } from './kernels-wasm';

/** The exports of kernels.wat (pointers are byte offsets into the arena's memory). */
interface KernelExports {
  matvec(w: number, pre: number, out: number, inPadded: number, nOut: number): void;
  hebbianForward(
    w: number, e: number, s: number, prevPre: number, prevPost: number,
    pre: number, out: number, inPadded: number, nOut: number,
  ): number;
  hebbianForwardUnscaled(
    w: number, e: number, prevPre: number, prevPost: number,
    pre: number, out: number, inPadded: number, nOut: number,
  ): void;
  /** hebbianForwardUnscaled with every updated weight clamped to [−1, 1]. */
  hebbianForwardClipped(
    w: number, e: number, prevPre: number, prevPost: number,
    pre: number, out: number, inPadded: number, nOut: number,
  ): void;
  /** The update of true weights s·w + b; writes Σw and Σw² (padding lanes included) as float64 at `stats`. */
  hebbianForwardAffine(
    w: number, e: number, s: number, b: number, prevPre: number, prevPost: number,
    pre: number, out: number, inPadded: number, nOut: number, stats: number,
  ): void;
  convPoolColumns(
    input: number, taps: number, nTaps: number, w: number, nOut: number,
    pooled: number, groups: number, inRowBytes: number,
    out: number, outChannelBytes: number, outRowBytes: number,
  ): void;
  convPoolChannels(
    input: number, taps: number, nTaps: number, w: number, nOut: number,
    pooled: number, stepRowBytes: number, stepColBytes: number,
    out: number, outChannelBytes: number, outRowBytes: number,
  ): void;
  /** tanh in place (the rational approximation, within 4e-7); returns max |x| of the inputs (NaN if any is). */
  tanhInPlace(p: number, n: number): number;
}

/**
 * The slice of the WebAssembly JS API the kernels use, typed here because core is compiled against both the
 * Node and the DOM libraries and only the latter declares it in full.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/**
 * The kernels module, compiled once per thread (under 4 KiB, the size browsers still compile synchronously on the
 * main thread).
 */
function kernelModule(): object {
  if (!compiled) {
    const binary = atob(KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    compiled = new wasm.Module(bytes);
  }
  return compiled;
}

/** Rounds a layer width up to whole SIMD lanes. */
export function padTo4(n: number): number {
  return (n + 3) & ~3;
}

/** A float32 buffer inside an arena: `ptr` for the kernels, `view` for JavaScript. */
export interface F32Buffer {
  readonly ptr: number;
  readonly view: Float32Array;
}

/** An int32 buffer inside an arena (tables of byte offsets). */
export interface I32Buffer {
  readonly ptr: number;
  readonly view: Int32Array;
}

/**
 * A fixed-size WebAssembly memory with its own kernels instance and a bump allocator. One per network: sized
 * once, never grown, so the Float32Array views stay valid for the network's life.
 */
export class KernelArena {
  readonly kernels: KernelExports;
  private readonly memory: WasmMemory;
  private top = 0;

  constructor(floats: number) {
    const pages = Math.max(1, Math.ceil((floats * 4 + 64) / 65536));
    this.memory = new wasm.Memory({ initial: pages, maximum: pages });
    const instance = new wasm.Instance(kernelModule(), { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as KernelExports;
  }

  /** A zeroed, 16-byte-aligned buffer of n floats. */
  alloc(n: number): F32Buffer {
    const ptr = this.reserve(n);
    return { ptr, view: new Float32Array(this.memory.buffer, ptr, n) };
  }

  /** A zeroed, 16-byte-aligned buffer of n float64s (results a kernel writes for JavaScript). */
  allocF64(n: number): { readonly ptr: number; readonly view: Float64Array } {
    const ptr = this.reserve(2 * n);
    return { ptr, view: new Float64Array(this.memory.buffer, ptr, n) };
  }

  /** A zeroed, 16-byte-aligned buffer of n int32s. */
  allocI32(n: number): I32Buffer {
    const ptr = this.reserve(n);
    return { ptr, view: new Int32Array(this.memory.buffer, ptr, n) };
  }

  private reserve(n: number): number {
    const ptr = this.top;
    const bytes = ((n * 4 + 15) >> 4) << 4;
    if (ptr + bytes > this.memory.buffer.byteLength) throw new RangeError('kernel arena overflow');
    this.top = ptr + bytes;
    return ptr;
  }
}
