/**
 * Loads the optional N-API addon (native/, built by `npm run build:native` or at install):
 * the tensor kernels, a huge-page allocator for large buffers and batched client socket I/O.
 * When it is missing or fails to load, every kernel runs on its TypeScript twin, which
 * computes the same bits, and large buffers are ordinary Buffers; the server says so once (a
 * process warning) and in INFO through `nativeStatus()`. MEMLAYER_NATIVE=0 disables the addon
 * (benchmarks and tests use it).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

type Typed = ArrayBufferView;

export interface NativeKernels {
  f16_to_f32(source: Uint16Array, target: Uint32Array): void;
  f32_to_f16(source: Uint32Array, target: Uint16Array): void;
  bf16_to_f32(source: Uint16Array, target: Uint32Array): void;
  f32_to_bf16(source: Uint32Array, target: Uint16Array): void;
  add_f32(a: Float32Array, b: Float32Array, out: Float32Array): void;
  sub_f32(a: Float32Array, b: Float32Array, out: Float32Array): void;
  mul_f32(a: Float32Array, b: Float32Array, out: Float32Array): void;
  scale_f32(a: Float32Array, alpha: number, out: Float32Array): void;
  axpy_f32(alpha: number, x: Float32Array, y: Float32Array, out: Float32Array): void;
  add_f64(a: Float64Array, b: Float64Array, out: Float64Array): void;
  sub_f64(a: Float64Array, b: Float64Array, out: Float64Array): void;
  mul_f64(a: Float64Array, b: Float64Array, out: Float64Array): void;
  scale_f64(a: Float64Array, alpha: number, out: Float64Array): void;
  axpy_f64(alpha: number, x: Float64Array, y: Float64Array, out: Float64Array): void;
  sum_f32(x: Float32Array): number;
  sum_f64(x: Float64Array): number;
  sumsq_f32(x: Float32Array): number;
  sumsq_f64(x: Float64Array): number;
  dot_f32(a: Float32Array, b: Float32Array): number;
  dot_f64(a: Float64Array, b: Float64Array): number;
  shuffle(source: Typed, elementBytes: number, target: Typed): void;
  unshuffle(source: Typed, elementBytes: number, target: Typed): void;
}

const KERNEL_NAMES: readonly (keyof NativeKernels)[] = [
  'f16_to_f32',
  'f32_to_f16',
  'bf16_to_f32',
  'f32_to_bf16',
  'add_f32',
  'sub_f32',
  'mul_f32',
  'scale_f32',
  'axpy_f32',
  'add_f64',
  'sub_f64',
  'mul_f64',
  'scale_f64',
  'axpy_f64',
  'sum_f32',
  'sum_f64',
  'sumsq_f32',
  'sumsq_f64',
  'dot_f32',
  'dot_f64',
  'shuffle',
  'unshuffle',
];

/** The addon's memory entry point (not a kernel: an addon built before it lacks it). */
interface NativeMemory {
  /** A Buffer on 2 MiB-aligned transparent huge pages, or null when they cannot be mapped. */
  alloc_huge(bytes: number): Buffer | null;
}

/** The addon's batched client socket I/O (native/src/io.c; native-transport.ts drives it). */
export interface NativeIo {
  /** Once per process: registers the batch handler; returns the shared read and event buffers. */
  io_init(onEvents: (count: number) => void): { read: Buffer; events: ArrayBuffer };
  /** Takes a duplicate of an accepted socket's descriptor; returns its id, or -errno. */
  io_adopt(fd: number): number;
  /** Writes `buffer[start, end)`; returns the bytes still queued, or -errno. */
  io_write(id: number, buffer: Buffer, start: number, end: number): number;
  io_read(id: number, on: number): void;
  io_end(id: number): void;
  io_close(id: number): void;
}

const IO_NAMES: readonly (keyof NativeIo)[] = [
  'io_init',
  'io_adopt',
  'io_write',
  'io_read',
  'io_end',
  'io_close',
];

export interface NativeStatus {
  loaded: boolean;
  reason?: string;
  path?: string;
}

/** dist/src/shared/native.js -> <repo>/native/build/Release/memlayer_native.node */
const ADDON_URL = new URL('../../../native/build/Release/memlayer_native.node', import.meta.url);

let kernels: NativeKernels | undefined;
let memory: NativeMemory | undefined;
let io: NativeIo | undefined;
let status: NativeStatus | undefined;
/** Tests and benchmarks turn the addon off to run the TypeScript path in the same process. */
let enabled = true;

function load(): void {
  const path = fileURLToPath(ADDON_URL);
  if (process.env['MEMLAYER_NATIVE'] === '0') {
    status = { loaded: false, reason: 'disabled by MEMLAYER_NATIVE=0' };
    return;
  }
  try {
    const module: unknown = createRequire(import.meta.url)(path);
    const missing = KERNEL_NAMES.filter(
      (name) => typeof (module as Record<string, unknown>)[name] !== 'function',
    );
    if (missing.length > 0) throw new Error(`addon lacks ${missing.join(', ')} (rebuild it)`);
    kernels = module as NativeKernels;
    if (typeof (module as Record<string, unknown>)['alloc_huge'] === 'function')
      memory = module as NativeMemory;
    if (IO_NAMES.every((name) => typeof (module as Record<string, unknown>)[name] === 'function'))
      io = module as NativeIo;
    status = { loaded: true, path };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    status = { loaded: false, reason, path };
    process.emitWarning(
      `native tensor kernels not loaded (${reason}); using the TypeScript kernels`,
      { code: 'MEMLAYER_NATIVE' },
    );
  }
}

/** The addon's kernels, or undefined when they are not available (TypeScript path). */
export function native(): NativeKernels | undefined {
  if (status === undefined) load();
  return enabled ? kernels : undefined;
}

/** The addon's huge-page allocator, or undefined when it is not available. */
export function nativeMemory(): NativeMemory | undefined {
  if (status === undefined) load();
  return enabled ? memory : undefined;
}

/** The addon's socket I/O, or undefined when it is not available (Node's sockets). */
export function nativeIo(): NativeIo | undefined {
  if (status === undefined) load();
  return enabled ? io : undefined;
}

/** Turns the addon off (false) or back on; returns the previous setting. For tests. */
export function useNative(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** For INFO and the startup log: whether the addon is in use, and why not. */
export function nativeStatus(): NativeStatus {
  if (status === undefined) load();
  return { ...(status ?? { loaded: false, reason: 'not loaded' }) };
}
