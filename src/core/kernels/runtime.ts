/**
 * The analysis kernels: one WebAssembly module built from src/core/kernels/c (see
 * scripts/build-kernels.ts), instantiated once per JavaScript realm (the CLI's threads, each
 * worker) on first use, synchronously — it is a few KB, and Node and workers allow that. A
 * realm may be handed the module compiled in another instead (useKernelModule: the page's
 * warm-up, workers/warm-up.ts), whose optimised code its instances then share.
 *
 * Memory rules, because growing a WebAssembly memory detaches every view of it:
 *   - kernels allocate (malloc) only when an accumulator or plan is created, never while audio is
 *     pushed; views (`f32`, `f64` …) are made right before use and never kept across a call that
 *     may allocate;
 *   - whatever a TypeScript object allocates it frees when it is done (`release`), and a
 *     FinalizationRegistry frees what an abandoned one still holds (a cancelled analysis).
 * The module imports JavaScript's Math.cos/sin and computes its logarithms as V8's fdlibm does
 * (log.c), so kernels that repeat a TypeScript computation operation for operation give the same
 * bits.
 */
import { KERNELS_WASM_BASE64 } from './kernels.wasm';
import { AudioPathError } from '../types';

/** The module's exports, by the C names (src/core/kernels/c). Pointers are byte offsets. */
export interface KernelExports {
  memory: { readonly buffer: ArrayBuffer };
  malloc(bytes: number): number;
  calloc(bytes: number): number;
  free(ptr: number): void;
  heap_prefault(budgetBytes: number): number;
  f32_top(x: number, n: number, top: number): number;
  spectro_levels(d: number, n: number, topDb: number, rangeDb: number, q: number): void;
  u8_rows_json(q: number, channels: number, frames: number, bins: number, out: number): number;
  fft_plan_new(size: number): number;
  fft_plan_free(plan: number): void;
  fft_plan_input(plan: number): number;
  fft_plan_output(plan: number): number;
  fft_power(plan: number, x: number, out: number): void;
  fft_power_add(plan: number, x: number, window: number, sum: number, maxBin: number): void;
  fft_complex(plan: number, x: number, re: number, im: number): void;
  fft32_plan_new(points: number): number;
  fft32_plan_free(plan: number): void;
  fft32_re(plan: number): number;
  fft32_im(plan: number): number;
  fft32_pos(plan: number): number;
  fft32_run(plan: number): void;
  fft4_plan_new(size: number): number;
  fft4_plan_free(plan: number): void;
  fft4_plan_input(plan: number): number;
  fft4_plan_output(plan: number): number;
  fft4_power(plan: number): void;
  frames_new(
    channels: number,
    hop: number,
    fftSize: number,
    offset: number,
    frame0: number,
    segStart: number,
    segEnd: number,
    firstPushed: number,
    bandCount: number,
    maxPiece: number,
    slotCount: number,
  ): number;
  frames_free(state: number): void;
  frames_bands(state: number): number;
  frames_push(state: number, channels: number, frames: number): void;
  frames_finish(state: number): void;
  frames_cut(state: number, end: number): void;
  frames_info(state: number, out: number): void;
  p56_state_doubles(): number;
  p56_push(state: number, x: number, frames: number): void;
  p56_push2(state: number, state2: number, x: number, y: number, frames: number): void;
  stats_layout(out: number): void;
  stats_init(state: number, subLen: number, clipBits: number): void;
  stats_push(state: number, x: number, frames: number, clean: number): void;
  kweight_lanes(coefficients: number, x: number, warm: number, subLen: number, subs: number, out: number): void;
  f32_copy_finite(src: number, dst: number, n: number): void;
  b3_piece_cv(piece: number, index: number, cv: number): void;
  b3_last_piece(piece: number, bytes: number, index: number, out: number): void;
  b3_finish(cvs: number, count: number, last: number, hash: number): void;
  log_many(x: number, out: number, n: number): void;
  log10_many(x: number, out: number, n: number): void;
  levels_add_band(p: number, band: number, n: number, first: number): void;
  frames_without_dc(power: number, mean: number, n: number, hop: number, lastHop: number, radius: number, prefix: number): void;
  levels_db(p: number, level: number, n: number): void;
  sliding_min_f64(v: number, n: number, radius: number, out: number, tmp: number): void;
  nth_smallest_f64(a: number, m: number, k: number): number;
  quantile_f64(a: number, n: number, q: number): number;
  levels_candidates(level: number, floor: number, n: number, margin: number, out: number): number;
  levels_clamp_floor(floor: number, n: number, lowest: number, speechLevelDb: number): void;
  f64_add(acc: number, x: number, n: number): void;
  runs_of(flags: number, n: number, out: number): number;
  snr_sums(power: number, channelCount: number, n: number, hop: number, lastHop: number, speech: number, silent: number, out: number): void;
  silence_levels(power: number, channelCount: number, n: number, hop: number, lastHop: number, perFrame: number, threshold: number, levels: number): number;
  layout_sums(
    power: number,
    channelCount: number,
    n: number,
    hop: number,
    lastHop: number,
    downmix: number,
    pair: number,
    active: number,
    silent: number,
    out: number,
  ): void;
  levels_hysteresis(
    level: number,
    floor: number,
    n: number,
    speechLevelDb: number,
    threshold: number,
    offsetRatio: number,
    gate: number,
    gatePower: number,
    raw: number,
    onsets: number,
  ): number;
  spectro_frame(plan: number, x: number, window: number, rawBins: number, pool: number, refPower: number, out: number, bins: number): void;
  peaks_push(x: number, frames: number, samplesPerBucket: number, filled: number, state: number, out: number): number;
  clip_runs(x: number, frames: number, run: number, clipBits: number, position: number, out: number): number;
  pcm16_deinterleave(src: number, frames: number, channels: number, out: number, stride: number): void;
  decim_new(channels: number, factor: number, blockLength: number): number;
  decim_free(decimator: number): void;
  decim_block(decimator: number): number;
  decim_fill(decimator: number): number;
  decim_reset(decimator: number): void;
  decim_push(decimator: number, channels: number, from: number, frames: number): number;
  echo_new(block: number, buckets: number, bucketDb: number): number;
  echo_free(echo: number): void;
  echo_sums(echo: number): number;
  echo_counts(echo: number): number;
  echo_blocks(echo: number): number;
  echo_block(echo: number, block: number): void;
  echo_even_power(echo: number, x: number, out: number): void;
  wada_push(state: number, x: number, y: number, w: number, w1: number, frames: number, products: number): void;
  wada_push_n(state: number, channels: number, channelCount: number, frames: number, products: number): void;
  zero_mix2(x0: number, x1: number, out: number, frames: number): void;
  zero_mixn(channels: number, channelCount: number, out: number, frames: number): void;
  zero_run_end(x0: number, x1: number, from: number, frames: number): number;
  zero_skip_short(x0: number, x1: number, from: number, frames: number, minRun: number, last: number): number;
}

export interface Kernels {
  readonly exports: KernelExports;
  /**
   * Zeroed memory, like calloc (a reused block holds whatever was freed there: the display's
   * spectrogram once read such bytes as the zeros before a file's start), or a throw instead of 0.
   */
  alloc(bytes: number): number;
  /**
   * Memory as it is, like malloc: for buffers every byte of which is written before it is read
   * (clearing a large reused block costs its time; clearing fresh memory touches pages early).
   */
  allocUnzeroed(bytes: number): number;
  f32(ptr: number, length: number): Float32Array;
  f64(ptr: number, length: number): Float64Array;
  i32(ptr: number, length: number): Int32Array;
  u8(ptr: number, length: number): Uint8Array;
  /** True when `a` is a view of the kernels' memory (its byteOffset is then a pointer). */
  holds(a: ArrayBufferView): boolean;
}

let instance: Kernels | null = null;

/** The part of the WebAssembly JS API used here (typed locally: src/core compiles without DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * The module's bytes. The platform's own decoder where there is one (Uint8Array.fromBase64 in
 * current browsers, Buffer in Node): the loop below, run once and so never optimised, took
 * 3–4 ms of each thread's start in Node here, where Buffer takes 0.1–0.3 ms.
 */
function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (base64: string) => Uint8Array }).fromBase64;
  if (native) return native(text);
  const nodeBuffer = (globalThis as unknown as { Buffer?: { from(text: string, encoding: 'base64'): Uint8Array } }).Buffer;
  if (nodeBuffer) return nodeBuffer.from(text, 'base64');
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The compiled module: this realm's own, or one compiled in another realm and handed over. */
let compiled: object | null = null;

/**
 * Use `module`, compiled in another realm (posted from another worker), for this realm's
 * kernels: its instances share that realm's compiled code, the optimised tier included. False
 * (and nothing changes) when this realm's kernels are instantiated already, or it is no module.
 */
export function useKernelModule(module: object): boolean {
  if (instance || !(module instanceof (wasmApi().Module as unknown as new () => object))) return false;
  compiled = module;
  return true;
}

/** This realm's compiled module (to post to another realm), compiled now if need be. */
export function kernelModule(): object {
  kernels();
  return compiled as object;
}

/**
 * What the analysis holds in kernel memory grows only with the recording's length (its derived
 * measurements need ~25 bytes per 10 ms frame of the whole file at the end, so ~200 h fits), so
 * running out of it is the recording's length: a `too-long` failure, not an internal error.
 */
export function kernelMemoryFull(bytes?: number): AudioPathError {
  const asked = bytes === undefined ? '' : ` (it asked for ${Math.ceil(bytes / 2 ** 20)} MB more)`;
  return new AudioPathError('too-long', `This recording is too long to analyse here: the analysis ran out of its 2 GiB of working memory${asked}.`);
}

function allocate(bytes: number, using: (bytes: number) => number): number {
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`the analysis kernels were asked for ${bytes} bytes`);
  const ptr = bytes < 2 ** 31 ? using(bytes) : 0;
  if (ptr === 0) throw kernelMemoryFull(bytes);
  return ptr;
}

export function kernels(): Kernels {
  if (instance) return instance;
  const api = wasmApi();
  const module = (compiled ??= new api.Module(decodeBase64(KERNELS_WASM_BASE64)));
  const env = { cos: Math.cos, sin: Math.sin };
  const exports = new api.Instance(module, { env }).exports as KernelExports;
  const memory = exports.memory;
  instance = {
    exports,
    alloc: (bytes) => allocate(bytes, exports.calloc),
    allocUnzeroed: (bytes) => allocate(bytes, exports.malloc),
    f32: (ptr, length) => new Float32Array(memory.buffer, ptr, length),
    f64: (ptr, length) => new Float64Array(memory.buffer, ptr, length),
    i32: (ptr, length) => new Int32Array(memory.buffer, ptr, length),
    u8: (ptr, length) => new Uint8Array(memory.buffer, ptr, length),
    holds: (a) => a.buffer === memory.buffer,
  };
  return instance;
}

const registry = new FinalizationRegistry<() => void>((release) => release());

/**
 * For a thread with nothing to do until another finishes (the first segment done, a merge to
 * come): touch the pages of this realm's free kernel memory, up to `budgetBytes` of it, so that
 * the merge's allocations land on pages touched already (the first touch of a page costs ~10 µs
 * on this VM; a page touched before costs nanoseconds). Changes no value. Returns the bytes of
 * free memory visited.
 */
export function prefaultKernelMemory(budgetBytes = 64 << 20): number {
  return kernels().exports.heap_prefault(budgetBytes);
}

/**
 * An object that holds kernel memory: `release()` frees it now (idempotent; use the object no
 * more), for the next allocation to reuse — memory touched already, where fresh memory is slow to
 * touch on a VM. What is not released is freed once the object is garbage-collected (`owned`).
 */
export interface KernelHeld {
  release(): void;
}

/**
 * Ties kernel memory to a TypeScript object: `release` frees it now (idempotent); if the object
 * is garbage-collected first, it is freed then.
 */
export function owned(target: object, free: () => void): () => void {
  let done = false;
  const token = {};
  const release = (): void => {
    if (done) return;
    done = true;
    registry.unregister(token);
    free();
  };
  registry.register(target, release, token);
  return release;
}

/** Planar chunks handed to a kernel: pointers to each channel's samples in kernel memory. */
export interface Staging {
  /** Most frames one `stage` call takes. */
  readonly maxFrames: number;
  /**
   * A pointer to `channelCount` pointers to frames [from, from + n) of `channels` (n ≤ maxFrames):
   * the arrays themselves when they live in kernel memory, else a copy.
   */
  stage(channels: readonly Float32Array[], from: number, n: number): number;
  /** The same as views of kernel memory, for handing one staged chunk to several accumulators. */
  views(channels: readonly Float32Array[], from: number, n: number): Float32Array[];
  release(): void;
}

/**
 * Whole columns (float or byte arrays of at least `n` values) as pointers into kernel memory for
 * `use`: the arrays themselves when they live there, else copies in one block (freed after), with
 * the pointers also in kernel memory, in order, at `table` (so `table + 4·j` is the pointer array
 * of columns j, j + 1, … a kernel takes), and `extraBytes` more at `extra` (8-byte aligned) for
 * the kernel's output. Kernel memory may grow here: views made before are cut off.
 */
export function withColumns<T>(
  columns: ReadonlyArray<Float32Array | Uint8Array>,
  n: number,
  extraBytes: number,
  use: (ptrs: number[], extra: number, table: number) => T,
): T {
  const k = kernels();
  const sizes = columns.map((c) => (k.holds(c) ? 0 : 8 * Math.ceil((c.BYTES_PER_ELEMENT * n) / 8)));
  const tableBytes = 8 * Math.ceil((4 * columns.length) / 8);
  const block = k.alloc(tableBytes + sizes.reduce((a, b) => a + b, 0) + 8 * Math.ceil(extraBytes / 8) + 8);
  try {
    let at = block + tableBytes;
    const ptrs = columns.map((c, i) => {
      if (sizes[i] === 0) return c.byteOffset;
      const ptr = at;
      at += sizes[i];
      k.u8(ptr, c.BYTES_PER_ELEMENT * n).set(new Uint8Array(c.buffer, c.byteOffset, c.BYTES_PER_ELEMENT * n));
      return ptr;
    });
    k.i32(block, ptrs.length).set(ptrs);
    return use(ptrs, at, block);
  } finally {
    k.exports.free(block);
  }
}

/** About 1 MiB of float samples per staged piece, whatever the channel count. */
const STAGING_SAMPLES = 1 << 18;

/**
 * The copies for arrays that are not in kernel memory go to one scratch area per realm: a copy
 * lives only while its piece is pushed, and the analyzer copies each piece once, after which
 * every accumulator is handed views of kernel memory and copies nothing. Allocated on the first
 * copy, when only plain arrays are being pushed, so no view is cut off by the memory growing.
 */
let scratch = 0;

export function createStaging(channelCount: number): Staging {
  const k = kernels();
  const maxFrames = Math.max(1024, Math.floor(STAGING_SAMPLES / channelCount));
  const table = k.alloc(4 * channelCount);
  const staging: Staging = {
    maxFrames,
    stage(channels: readonly Float32Array[], from: number, n: number): number {
      if (n > maxFrames) throw new RangeError(`at most ${maxFrames} frames per stage`);
      for (let c = 0; c < channelCount; c++) {
        const x = channels[c];
        let ptr: number;
        if (k.holds(x)) ptr = x.byteOffset + 4 * from;
        else {
          if (scratch === 0) scratch = k.alloc(4 * STAGING_SAMPLES);
          ptr = scratch + 4 * c * maxFrames;
          k.f32(ptr, n).set(from === 0 && x.length === n ? x : x.subarray(from, from + n));
        }
        k.i32(table + 4 * c, 1)[0] = ptr;
      }
      return table;
    },
    views(channels: readonly Float32Array[], from: number, n: number): Float32Array[] {
      const ptrs = k.i32(staging.stage(channels, from, n), channelCount);
      return Array.from(ptrs, (ptr) => k.f32(ptr, n));
    },
    release: (): void => undefined,
  };
  staging.release = owned(staging, () => k.exports.free(table));
  return staging;
}
