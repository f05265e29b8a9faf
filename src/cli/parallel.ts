/**
 * Node-only: one WAV file analysed on several threads. The core cuts the file into segments on
 * its grid (planSegments), a few per thread, which the threads take from one queue; each reads
 * and decodes its own byte range (segment-worker.ts, the core's segment reader) and produces the
 * segment's plain-data partial and its share of the content hash — the main thread takes
 * segments too; a thread with none left takes the rest of a running one (work stealing: the
 * core's giveAway cuts it where both end together) — then the partials are merged in file
 * order and everything frame-level is derived once (finishAnalysis), the hash from the shares
 * (contentHashOfPieces). The result equals one pass (tests/unit/analyze/segments.test.ts,
 * tests/unit/cli/parallel.test.ts).
 *
 * Only WAV is split: its samples sit at known byte offsets. Compressed files, files shorter than
 * two grid cells (2 × 102.4 s at 16/48 kHz) and a single thread take the one-pass path.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { contentHashOfPieces } from '../core/hash';
import { createSegmentTable, hashPiecesOf, takeRest, type WavSegmentJob } from '../core/wav-segment';
import { fileURLToPath } from 'node:url';
import { finishAnalysis, planSegments, type AnalysisPartial, type AnalyzeOptions, type Measurements } from '../core/analyze';
import { readWavHeader } from '../core/format/wav';
import { createFrameStore } from '../core/frames/frame-analysis';
import { prefaultKernelMemory } from '../core/kernels/runtime';
import { sniffContainer } from '../core/format/sniff';
import { AudioPathError, fail, ok, type ContainerProbe, type Result } from '../core/types';
import { analyzeSegmentOfWav, giveAwayHere, segmentFailure, type GiveAwayMessage, type GivenMessage, type SegmentJob, type SegmentOutcome, type StreamMessage } from './segment-worker';

export const defaultThreads = (): number => availableParallelism();

/**
 * Segments per thread. More would balance the threads better, but each segment has a fixed cost
 * (its warm-up read twice, its accumulators' memory): on 2 CPUs, 1 h of 16 kHz mono took at best
 * 1.58 s in one segment per thread, 1.71 s in two and 2.19 s in three (48 kHz stereo: 2.74, 3.56,
 * 3.96 s), interleaved runs on a busy machine.
 */
const SEGMENTS_PER_THREAD = 1;

/** A fixed set of worker threads taking segment jobs in turn; idle workers do not hold the process open. */
class SegmentPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ job: SegmentJob; done: (r: Result<SegmentOutcome>) => void }> = [];
  /** The worker running each job that has an id, and the answers awaited from workers, by job id. */
  private readonly runningOn = new Map<number, Worker>();
  private readonly asked = new Map<number, (rest: WavSegmentJob | null) => void>();

  constructor(
    readonly size: number,
    private readonly entry: URL | string,
  ) {}

  run(job: SegmentJob): Promise<Result<SegmentOutcome>> {
    return new Promise((done) => {
      this.queue.push({ job, done });
      this.pump();
    });
  }

  /** The rest of job `id` if a worker runs it (giveAway in that thread), else null. */
  giveAway(id: number, thiefFramesPerMs: number): Promise<WavSegmentJob | null> {
    const worker = this.runningOn.get(id);
    if (!worker || this.asked.has(id)) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.asked.set(id, resolve);
      const ask: GiveAwayMessage = { kind: 'give-away', id, thiefFramesPerMs };
      worker.postMessage(ask);
    });
  }

  private spawn(): Worker {
    const worker = typeof this.entry === 'string' ? new Worker(this.entry, { eval: true }) : new Worker(this.entry);
    this.workers.push(worker);
    worker.on('message', (m: GivenMessage | { kind?: undefined }) => {
      if (m.kind !== 'given') return;
      this.asked.get(m.id)?.(m.rest);
      this.asked.delete(m.id);
    });
    return worker;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.length < this.size ? this.spawn() : null);
      if (!worker) return;
      const { job, done } = this.queue.shift() as { job: SegmentJob; done: (r: Result<SegmentOutcome>) => void };
      worker.ref();
      if (job.id !== undefined) this.runningOn.set(job.id, worker);
      const ended = (): void => {
        if (job.id === undefined) return;
        this.runningOn.delete(job.id);
        // A request it had not answered gets nothing.
        this.asked.get(job.id)?.(null);
        this.asked.delete(job.id);
      };
      const finish = (r: Result<SegmentOutcome>): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.unref();
        ended();
        this.idle.push(worker);
        done(r);
        this.pump();
      };
      const onMessage = (r: Result<SegmentOutcome> | GivenMessage): void => {
        if (!('kind' in r)) finish(r);
      };
      const onError = (e: Error): void => {
        // A worker that died is not reused.
        this.workers.splice(this.workers.indexOf(worker), 1);
        worker.off('message', onMessage);
        ended();
        done(fail('decode-failed', `Analysis thread failed: ${e.message}`));
        this.pump();
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(job);
    }
  }

  /** Boot every thread now (idle ones do not hold the process open). */
  prestart(): void {
    while (this.workers.length < this.size) {
      const worker = this.spawn();
      worker.unref();
      this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}

/**
 * What a worker thread runs. Launched by bin/apl.mjs, the CLI is a bundle with the threads'
 * module bundled beside it (segment-worker.cjs). Run from the TypeScript sources under tsx
 * (tests, scripts), whose loader does not reach worker threads on Node 20, the worker module is
 * bundled once per process with esbuild — tsx's own dependency — into one ES module (a data:
 * URL); without esbuild it loads the sources through tsx's API instead (~0.4 s per worker).
 */
let entry: Promise<URL | string> | null = null;
function workerEntry(): Promise<URL | string> {
  if (import.meta.url.endsWith('.cjs')) return (entry ??= Promise.resolve(new URL('./segment-worker.cjs', import.meta.url)));
  const source = new URL('./segment-worker.ts', import.meta.url);
  entry ??= import('esbuild')
    .then(async (esbuild) => {
      const built = await esbuild.build({ entryPoints: [fileURLToPath(source)], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent' });
      await esbuild.stop();
      return new URL(`data:text/javascript,${encodeURIComponent(built.outputFiles[0].text)}`);
    })
    .catch(() => `import { tsImport } from 'tsx/esm/api'; await tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(import.meta.url)});`);
  return entry;
}

let pool: SegmentPool | null = null;
/** Names of segment jobs (their workers' registries'), unique in the process. */
let segmentIds = 0;
function getPool(size: number, code: URL | string): SegmentPool {
  if (!pool || pool.size !== size) {
    void pool?.close();
    pool = new SegmentPool(size, code);
  }
  return pool;
}

/**
 * Boot the analysis threads before the file is opened: a thread takes ~0.1 s to start (an
 * isolate, the bundle, the kernels), which otherwise delays its segment, and the merge waits for
 * the last one. The threads then sit idle if the file turns out not to be split.
 */
export async function prestartAnalysisThreads(threads: number): Promise<void> {
  if (threads >= 2) getPool(threads - 1, await workerEntry()).prestart();
}

/** Stop the worker threads (they are idle between files and do not keep the process alive anyway). */
export async function closeAnalysisThreads(): Promise<void> {
  await pool?.close();
  pool = null;
}

export interface ParallelAnalysis {
  probe: ContainerProbe;
  measurements: Measurements;
  contentHash: string;
  /** Segments analysed: those planned, and the rests of running ones that threads took. */
  segmentCount: number;
}

/**
 * Analyse a WAV file on `threads` threads. Null when the file is not one this path takes (not
 * WAV, unreadable header, too short to split): the caller then runs the one-pass path, which
 * also produces the exact error for a bad file.
 */
export async function analyzeWavInParallel(path: string, threads: number, options: AnalyzeOptions = {}): Promise<Result<ParallelAnalysis> | null> {
  if (threads < 2) return null;
  let size: number;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size === 0) return null;
    size = st.size;
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const source = {
      size,
      async read(offset: number, length: number) {
        const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        return buf.subarray(0, bytesRead);
      },
    };
    const head = await source.read(0, Math.min(size, 1 << 16));
    if (sniffContainer(head) !== 'wav') return null;
    const parsed = await readWavHeader(source);
    if (!parsed.ok) return null;
    const { layout, probe } = parsed.value;
    const totalFrames = Math.floor(layout.dataBytes / layout.blockAlign);
    // Segments are taken from one queue by whichever thread is free (see SEGMENTS_PER_THREAD).
    const planned = planSegments(layout.sampleRateHz, totalFrames, SEGMENTS_PER_THREAD * threads);
    if (planned.length < 2) return null;
    // The segments write their frame rows into one shared table (no merge copy; see FrameStore).
    const frameStore = createFrameStore(layout.sampleRateHz, layout.channels, totalFrames) ?? undefined;
    const specs = planned.map((spec) => ({ ...spec, frameStore }));
    const workers = getPool(Math.min(threads - 1, specs.length - 1), await workerEntry());
    const table = createSegmentTable(layout, specs, hashPiecesOf(layout, specs, size), () => segmentIds++);
    const results: Array<Result<SegmentOutcome>> = [];
    let next = 0;
    /** Running segments: on this thread or on a worker. */
    const running = new Map<number, 'here' | 'worker'>();
    /**
     * The rest of a running segment for a thread reading `thiefFramesPerMs`, as a new segment,
     * asked of the longest first; null when none has enough left to share.
     */
    const steal = (thiefFramesPerMs: number): Promise<number | null> =>
      takeRest(
        table,
        running.keys(),
        (k) => (table.job(k).spec.end ?? totalFrames) - table.job(k).spec.start,
        async (k) => {
          const { id } = table.job(k);
          const rest = running.get(k) === 'here' ? giveAwayHere(id, thiefFramesPerMs) : await workers.giveAway(id, thiefFramesPerMs);
          return rest && { ...rest, spec: { ...rest.spec, frameStore } };
        },
      );
    const drain = async (where: 'here' | 'worker', analyse: (job: SegmentJob) => Promise<Result<SegmentOutcome>>): Promise<void> => {
      let framesPerMs = 0;
      const runOne = async (k: number): Promise<void> => {
        running.set(k, where);
        const t0 = performance.now();
        results[k] = await analyse({ ...table.job(k), path, fileBytes: size });
        running.delete(k);
        const r = results[k];
        if (r.ok) framesPerMs = r.value.analysis.frameCount / Math.max(1, performance.now() - t0);
      };
      for (let k = next++; k < table.planned; k = next++) await runOne(k);
      for (let k = await steal(framesPerMs); k !== null; k = await steal(framesPerMs)) await runOne(k);
    };
    // The main thread takes segments too; each segment hashes the content-hash pieces it owns.
    await Promise.all([
      drain('here', (job) => analyzeSegmentOfWav(job).then(ok, (error: unknown) => segmentFailure(error))).then(() => {
        // Done before the threads: the pages of free kernel memory that the merge's allocations
        // will take are touched while they finish (the merge's page faults: ~2 500 → ~1 000-1 350 on
        // 1 h of 16 kHz mono).
        if (results.filter(Boolean).length < table.count()) prefaultKernelMemory();
      }),
      ...Array.from({ length: workers.size }, () => drain('worker', (job) => workers.run(job))),
    ]);
    const values: SegmentOutcome[] = [];
    for (const r of table.inFileOrder().map((k) => results[k])) {
      if (!r.ok) return r;
      values.push(r.value);
    }
    let measurements: Measurements;
    try {
      measurements = finishAnalysis(
        values.map((v) => v.analysis),
        { ...options, frameStore },
      );
    } catch (error) {
      // (a recording too long for the analysis's working memory; anything else is a bug)
      if (error instanceof AudioPathError) return fail(error.code, error.message);
      throw error;
    }
    return ok({ probe, measurements, contentHash: contentHashOfPieces(values.flatMap((v) => v.pieceDigests)), segmentCount: table.count() });
  } finally {
    await handle.close();
  }
}

/** Chunks posted to the analysis thread and not yet taken in: the decoder waits beyond this. */
const MAX_IN_FLIGHT = 4;

export interface ThreadedStream {
  /** Resolves when the chunk may be reused… it is transferred: do not touch it after. */
  push(channels: Float32Array[]): Promise<void>;
  finish(): Promise<Result<AnalysisPartial>>;
  /** Stop the thread (after finish, or on an error). */
  close(): Promise<void>;
}

/**
 * One pass over a stream decoded on this thread (compressed formats, which cannot be cut at a
 * byte offset), analysed on a worker thread: decoding and hashing here, analysis there, so both
 * CPUs work. At most MAX_IN_FLIGHT chunks wait, so memory stays bounded however fast the decoder.
 */
export async function createThreadedStream(sampleRateHz: number, channelCount: number): Promise<ThreadedStream> {
  const code = await workerEntry();
  const worker = typeof code === 'string' ? new Worker(code, { eval: true }) : new Worker(code);
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let result: ((r: Result<AnalysisPartial>) => void) | null = null;
  let failed: Result<AnalysisPartial> | null = null;
  worker.on('message', (m: { kind: 'ack' } | Result<AnalysisPartial>) => {
    if ('kind' in m) {
      inFlight--;
      wake?.();
      wake = null;
      return;
    }
    if (!m.ok) failed = m;
    result?.(m);
  });
  worker.on('error', (e: Error) => {
    failed = fail('decode-failed', `Analysis thread failed: ${e.message}`);
    wake?.();
    result?.(failed);
  });
  const send = (m: StreamMessage, transfer: ArrayBuffer[] = []): void => worker.postMessage(m, transfer);
  send({ kind: 'stream-start', sampleRateHz, channelCount });
  return {
    async push(channels) {
      if (failed) return;
      inFlight++;
      send({ kind: 'stream-chunk', channels }, [...new Set(channels.map((c) => c.buffer as ArrayBuffer))]);
      while (inFlight > MAX_IN_FLIGHT && !failed) await new Promise<void>((r) => (wake = r));
    },
    finish() {
      if (failed) return Promise.resolve(failed);
      return new Promise((r) => {
        result = r;
        send({ kind: 'stream-end' });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
