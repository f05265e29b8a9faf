/**
 * The one place that creates analysis workers and wraps them with comlink.
 *
 * The workers form one pool of POOL_SIZE (one per core, at least PARALLEL_JOBS, at most
 * MAX_POOL). Each call leases a worker (an idle one, else a new one while the pool is not full,
 * else it waits its turn: leases are granted first come, first served), and takes an
 * AbortSignal: aborting terminates the job's workers at once, whatever they are doing, and the
 * call resolves with an `aborted` error. All POOL_SIZE workers start with the page and stay warm:
 * a long WAV's segments start together (a cold worker's start, ~0.3 s here, would delay its
 * half of the file), and the page keeps working offline once loaded (the script is fetched). A
 * worker that has run calls and then sits idle for IDLE_MS is replaced by a fresh one: a heap
 * and kernel memory grown on a long file do not shrink, and this gives them back. A worker that
 * crashes (e.g. runs out of memory) resolves its call with an error instead of leaving it hanging.
 *
 * A long WAV is split: its segments go to as many workers as the pool gives it, one segment per
 * lease (so files opened at the same time get workers between two segments, and nobody starves);
 * a worker that finds none left takes the rest of the running segment with the most audio left
 * (its worker cuts it where both will end together: work stealing), so the job's workers end
 * about together however the machine shares its cores between them; each segment also digests
 * the content-hash pieces it owns, and at the end the job's first worker with nothing left to
 * take merges the analysis partials while another merges the display partials. Short WAV files
 * and compressed formats take one worker.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { AnalysisApi, AnalyzeRequest, FileReport, ProgressCallback } from '../../workers/analysis.api';
import type { SegmentResult, SplitPlan } from '../../workers/segments';
import { MIN_SEGMENT_SEC, PAGE_SEGMENTS_PER_WORKER } from '../core/analyze';
import { HEADER_DEADLINE_MS } from '../core/format/source';
import { transferablesOf } from '../core/transferables';
import { createSegmentTable, takeRest } from '../core/wav-segment';
import { fail, ok, type ContainerProbe, type Result } from '../core/types';
import { decodeInPage } from './decode-in-page';
import { PROGRESS_INTERVAL_MS } from '../../workers/progress';
import { WARM_MARK } from '../../workers/marks';

export type { AnalyzeRequest, FileReport, ProgressUpdate, Stage } from '../../workers/analysis.api';

/** A worker that has run calls and is idle this long is replaced by a fresh one (its memory goes back). */
const IDLE_MS = 1_000;

/** Analyses to run at once: leave a core for the page itself on small machines. */
export const PARALLEL_JOBS = Math.max(1, Math.min(3, (navigator.hardwareConcurrency || 2) - 1));

/** Beyond 8 workers a split file gains little (the hash is sequential) and each holds a heap. */
const MAX_POOL = 8;
/** Workers in all, shared by every job. */
export const POOL_SIZE = Math.max(PARALLEL_JOBS, Math.min(MAX_POOL, navigator.hardwareConcurrency || 2));
/** A compressed file of unknown length this big is decoded and analysed on two workers. */
const RELAY_MIN_BYTES = 512 * 1024;

let alive = 0;
/** Names of running segments (giveAwaySegment), unique in the page. */
let segmentIds = 0;

interface Lease {
  worker: Worker;
  api: Remote<AnalysisApi>;
  idleTimer: ReturnType<typeof setTimeout> | null;
  /** It has been leased since it started (its memory may have grown). */
  used: boolean;
  /** Set while a call runs: resolves that call when the worker dies. */
  onCrash: ((message: string) => void) | null;
}

const idle: Lease[] = [];
/** Calls waiting for a worker, first come first served. */
const waiting: Array<(lease: Lease) => void> = [];

/** The kernels' compiled module, warmed up (see prewarm): every worker started takes it. */
let sharedKernels: object | null = null;

function startWorker(): Lease {
  const worker = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
  const lease: Lease = { worker, api: wrap<AnalysisApi>(worker), idleTimer: null, used: false, onCrash: null };
  if (sharedKernels) void lease.api.useKernels(sharedKernels);
  alive++;
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    if (lease.onCrash) lease.onCrash(event.message || 'the analysis worker stopped');
    // An idle worker that failed (its script did not load, or it died between calls) is not
    // handed out again: the next call would wait on it forever (it starts a fresh one instead).
    else if (idle.includes(lease)) terminate(lease);
  });
  return lease;
}

function terminate(lease: Lease): void {
  if (lease.idleTimer !== null) clearTimeout(lease.idleTimer);
  lease.onCrash = null;
  const i = idle.indexOf(lease);
  if (i >= 0) idle.splice(i, 1);
  lease.api[releaseProxy]();
  lease.worker.terminate();
  alive--;
  // Its place in the pool goes to the next call waiting, with a fresh worker.
  const next = waiting.shift();
  if (next) next(startWorker());
}

/** `lease`, taken for a call: no longer on an idle timer. */
function taken(lease: Lease): Lease {
  if (lease.idleTimer !== null) clearTimeout(lease.idleTimer);
  lease.idleTimer = null;
  lease.used = true;
  return lease;
}

/** A worker now (an idle one, or a new one while the pool is not full), or null: never waits. */
function tryAcquire(): Lease | null {
  const ready = idle.pop() ?? (alive < POOL_SIZE ? startWorker() : null);
  return ready && taken(ready);
}

/** A worker for one call, or null when `signal` aborts first. */
function acquire(signal: AbortSignal): Promise<Lease | null> {
  if (signal.aborted) return Promise.resolve(null);
  const ready = tryAcquire();
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const grant = (lease: Lease): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(taken(lease));
    };
    const onAbort = (): void => {
      const i = waiting.indexOf(grant);
      if (i >= 0) waiting.splice(i, 1);
      resolve(null);
    };
    waiting.push(grant);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function release(lease: Lease): void {
  lease.onCrash = null;
  const next = waiting.shift();
  if (next) {
    next(lease);
    return;
  }
  idle.push(lease);
  if (lease.used) lease.idleTimer = setTimeout(() => renew(lease), IDLE_MS);
}

/** An idle worker replaced by a fresh one (not after a crash: a script that fails to load would loop). */
function renew(lease: Lease): void {
  terminate(lease);
  if (alive < POOL_SIZE) release(startWorker());
}

/** The warm-up worker is given up after this long (it takes ~0.5 s here). */
const WARM_UP_DEADLINE_MS = 20_000;

/**
 * Start the workers ahead of the first file, so their script is loaded while the page is; and
 * one more, short-lived, that warms the kernels up and hands over its compiled module, whose
 * optimised code every analysis worker then shares (workers/warm-up.ts).
 */
export function prewarm(): void {
  while (alive < POOL_SIZE) release(startWorker());
  const warmer = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'warm-up' });
  const api = wrap<AnalysisApi>(warmer);
  let ended = false;
  const done = (): void => {
    if (ended) return; // the deadline or an error may come before the answer
    ended = true;
    clearTimeout(deadline);
    api[releaseProxy]();
    warmer.terminate();
  };
  const deadline = setTimeout(done, WARM_UP_DEADLINE_MS);
  warmer.addEventListener('error', done);
  api.warmUp().then((module) => {
    sharedKernels = module;
    // On the page's timeline: npm run bench opens its file after this (scripts/page-measure.ts).
    performance.mark(WARM_MARK);
    // The idle workers take it (those that have run kernels already keep theirs); a busy one
    // keeps its own until it is renewed; workers started from now on take it at once.
    for (const lease of idle) void lease.api.useKernels(module);
  }, () => undefined).finally(done);
}

const abortedResult = <T>(): Result<T> => fail('aborted', 'Cancelled.');
const crashed = <T>(message: string): Result<T> => fail('decode-failed', `The analysis stopped: ${message}`);
const rejected = <T>(error: unknown): Result<T> => fail('decode-failed', error instanceof Error ? error.message : String(error));

/** Run one call on a leased worker, honouring `signal`. */
async function withWorker<T>(signal: AbortSignal, run: (api: Remote<AnalysisApi>) => Promise<Result<T>>): Promise<Result<T>> {
  const lease = await acquire(signal);
  if (!lease) return abortedResult<T>();
  return runOn(lease, signal, run);
}

/**
 * A header call (probe, split plan) with a deadline, HEADER_DEADLINE_MS from the lease (not from
 * the wait for one): past it, the worker is terminated and the call made once more on a fresh
 * one (not another idle one, which may be stuck too), so one stuck worker cannot hold the queue
 * of files forever. A second miss is the file's error.
 */
async function headerCall<T>(signal: AbortSignal, run: (api: Remote<AnalysisApi>) => Promise<Result<T>>): Promise<Result<T>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    // The second attempt on a fresh worker when the pool has room (it has: the first was terminated).
    const lease = attempt > 0 && alive < POOL_SIZE ? taken(startWorker()) : await acquire(signal);
    if (!lease) return abortedResult<T>();
    const result = await runOn(lease, AbortSignal.any([signal, AbortSignal.timeout(HEADER_DEADLINE_MS)]), run);
    if (result.ok || result.error.code !== 'aborted' || signal.aborted) return result;
  }
  return fail('io-error', `The file's header was not read: the analysis worker did not answer within ${HEADER_DEADLINE_MS / 1000} s, twice.`);
}

/** Run one call on `lease` (released after, or terminated on abort, crash or a thrown error). */
function runOn<T>(lease: Lease, signal: AbortSignal, run: (api: Remote<AnalysisApi>) => Promise<Result<T>>): Promise<Result<T>> {
  return new Promise<Result<T>>((resolve) => {
    let settled = false;
    const settle = (result: Result<T>, keepWorker: boolean): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (keepWorker) release(lease);
      else terminate(lease);
      resolve(result);
    };
    const onAbort = (): void => settle(abortedResult<T>(), false);
    signal.addEventListener('abort', onAbort, { once: true });
    lease.onCrash = (message) => settle(crashed<T>(message), false);
    run(lease.api).then(
      (result) => settle(result, true),
      (error: unknown) => settle(rejected<T>(error), false),
    );
  });
}

/**
 * A split WAV: segments spread over the pool, the job's first worker merges. Progress: audio
 * analysed across all segments.
 */
function analyzeSplit(
  file: Blob,
  probe: ContainerProbe,
  plan: SplitPlan,
  request: AnalyzeRequest,
  signal: AbortSignal,
  onProgress: ProgressCallback,
  started: number,
): Promise<Result<FileReport>> {
  return new Promise((resolve) => {
    const held = new Set<Lease>();
    // Stops this job's own waits for workers when it ends early.
    const stop = new AbortController();
    let settled = false;
    const settle = (result: Result<FileReport>, keepWorkers: boolean): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      stop.abort();
      for (const lease of held) {
        if (keepWorkers) release(lease);
        else terminate(lease);
      }
      held.clear();
      resolve(result);
    };
    // Cancel, a failed segment or a crash: the job's other workers are busy on it, so they go too.
    const onAbort = (): void => settle(abortedResult(), false);
    const failWith = (result: Result<never>): void => settle(result, false);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();

    const hold = (lease: Lease): void => {
      held.add(lease);
      lease.onCrash = (message) => failWith(crashed(message));
    };
    const letGo = (lease: Lease): void => {
      held.delete(lease);
      release(lease);
    };

    const { layout, totalFrames } = plan;
    const table = createSegmentTable(layout, plan.specs, plan.pieces, () => segmentIds++);
    const planned = table.planned;
    const rate = layout.sampleRateHz;
    const framesDone = plan.specs.map(() => 0);
    let lastReport = 0;
    const report = (): void => {
      const now = performance.now();
      if (settled || now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      const done = framesDone.reduce((a, b) => a + b, 0);
      onProgress({
        stage: 'analysing',
        fraction: 0.97 * (done / Math.max(1, totalFrames)),
        audioSecDone: done / rate,
        audioSecTotal: totalFrames / rate,
        elapsedMs: now - started,
      });
    };

    const results: SegmentResult[] = [];
    /** The next planned segment no worker has taken. */
    let next = 0;
    const runningOn = new Map<number, Lease>();
    /** Frames per ms of each lease's last segment, start to answer (what it would read of a rest). */
    const speed = new Map<Lease, number>();
    const runSegment = async (lease: Lease, k: number): Promise<void> => {
      const job = { ...table.job(k), display: plan.display };
      runningOn.set(k, lease);
      const t0 = performance.now();
      const r = await lease.api.analyzeSegment(
        file,
        job,
        proxy((frames: number) => {
          framesDone[k] = frames;
          report();
        }),
      );
      runningOn.delete(k);
      if (settled) return;
      if (!r.ok) return failWith(r);
      results[k] = r.value;
      speed.set(lease, r.value.analysis.frameCount / Math.max(1, performance.now() - t0));
    };
    /**
     * For a worker with no planned segment left: the rest of a running segment, asked of the one
     * with the most audio left first (by its last progress), as a new segment; null when none
     * has enough left to share (WavSegmentRun.giveAway decides).
     */
    const steal = async (thief: Lease): Promise<number | null> => {
      const thiefFramesPerMs = speed.get(thief) ?? 0;
      const left = (k: number): number => (table.job(k).spec.end ?? totalFrames) - table.job(k).spec.start - framesDone[k];
      const k = await takeRest(table, runningOn.keys(), left, async (k) => {
        const victim = runningOn.get(k);
        if (!victim) return null;
        const given = await victim.api.giveAwaySegment(table.job(k).id, plan.display, thiefFramesPerMs);
        if (settled) return undefined;
        if (!given.ok) {
          failWith(given);
          return undefined;
        }
        return given.value;
      });
      if (k !== null) framesDone[k] = 0;
      return k;
    };
    /**
     * Segments for one lease while the queue is empty: stolen ones, until there is nothing to
     * take, or another call waits for a worker (a worker that would only balance this job goes
     * to another file instead).
     */
    const runStolen = async (lease: Lease): Promise<void> => {
      while (!settled && next >= planned && waiting.length === 0) {
        const k = await steal(lease);
        if (k === null || settled) return;
        await runSegment(lease, k);
      }
    };
    // Every worker of the job takes one segment per lease until none are left, then rests of
    // running ones while any is long enough to share. Each segment also digests its pieces of
    // the content hash. The first worker to find nothing left to take while others still run
    // theirs merges: it is kept, and makes the merge's memory while it waits (prepareMerge:
    // ~0.05 s of the merge on 1 h of 16 kHz mono, ~0.1 s on 48 kHz stereo).
    let merger: Lease | null = null;
    const done = (lease: Lease): boolean => {
      if (merger || settled || results.filter(Boolean).length === table.count()) return false;
      merger = lease;
      void lease.api.prepareMerge(rate, layout.channels, totalFrames).catch(() => undefined);
      return true;
    };
    const onLead = async (lead: Lease): Promise<void> => {
      while (!settled && next < planned) await runSegment(lead, next++);
      await runStolen(lead);
      if (!settled) done(lead);
    };
    const onOthers = async (): Promise<void> => {
      while (!settled && next < planned) {
        const lease = await acquire(stop.signal);
        if (!lease) return;
        if (settled || next >= planned) return release(lease);
        hold(lease);
        await runSegment(lease, next++);
        await runStolen(lease);
        if (settled) return;
        if (next >= planned && done(lease)) return;
        letGo(lease);
      }
    };

    void (async () => {
      const lead = await acquire(stop.signal);
      if (!lead) return;
      if (settled) return release(lead);
      hold(lead);
      const others = Array.from({ length: Math.min(POOL_SIZE, planned) - 1 }, onOthers);
      await Promise.all([onLead(lead), ...others]);
      if (settled) return;
      onProgress({ stage: 'finishing', fraction: 0.98, audioSecDone: totalFrames / rate, audioSecTotal: totalFrames / rate, elapsedMs: performance.now() - started });
      // The merger (else the lead) merges the analysis while another worker merges the display
      // (~0.1 s of the merge's ~0.35 s for an hour): the lead when it is not the merger, else one
      // free right now (never waited for); else the merger does both, in turn. The partials'
      // buffers move; nothing stays on the main thread.
      const merging: Lease = merger ?? lead;
      const helper = merging !== lead ? lead : tryAcquire();
      if (helper) hold(helper);
      const inOrder = table.inFileOrder().map((k) => results[k]);
      const analyses = inOrder.map(({ analysis, pieceDigests }) => ({ analysis, pieceDigests }));
      const displays = inOrder.map((r) => r.display);
      const [head, display] = await Promise.all([
        merging.api.finishSplit(probe, request, transfer(analyses, transferablesOf(analyses)), performance.now() - started),
        (helper ?? merging).api.finishSplitDisplay(transfer(displays, transferablesOf(displays)), totalFrames / rate, rate),
      ]);
      if (settled) return;
      // The helper's memory, grown by its segment, goes back now rather than a second later:
      // kept through the lead's merge, it raised the peak of a 3 h file by 40–90 MB.
      if (helper) {
        held.delete(helper);
        renew(helper);
      }
      if (!head.ok) return failWith(head);
      if (!display.ok) return failWith(display);
      settle(ok({ ...head.value, display: display.value, elapsedMs: performance.now() - started }), true);
    })().catch((error: unknown) => failWith(rejected(error)));
  });
}

/**
 * A compressed file on two workers (workers/relay.ts): the first decodes with the WASM decoders
 * and sends the chunks through a MessagePort to the second, which analyses them. Null when the
 * pool has no second worker free right now (never waits for one: two files doing this at once
 * could each hold one worker and wait for the other's) or the WASM decoders do not read the
 * codec: the caller then takes the one-worker path. A failure on either side stops the other.
 */
async function analyzeRelayed(
  file: Blob,
  probe: ContainerProbe,
  request: AnalyzeRequest,
  signal: AbortSignal,
  progress: ProgressCallback,
): Promise<Result<FileReport> | null> {
  const decoder = await acquire(signal);
  if (!decoder) return abortedResult();
  const analyser = tryAcquire();
  if (!analyser) {
    release(decoder);
    return null;
  }
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const { port1, port2 } = new MessageChannel();
  const analysing = runOn(analyser, both, (api) => api.analyzeRelayed(transfer(port2, [port2]), request));
  const decoding = runOn(decoder, both, (api) => api.decodeTo(file, probe, transfer(port1, [port1]), progress));
  const first = await Promise.race([decoding.then(() => 'decoding' as const), analysing.then(() => 'analysing' as const)]);
  const early = first === 'analysing' ? await analysing : null;
  if (early && !early.ok) {
    // The analysing side failed on its own (or was cancelled): the decoder, waiting on it, stops too.
    stop.abort();
    return early;
  }
  const decoded = await decoding;
  if (!decoded.ok) {
    stop.abort();
    return decoded;
  }
  if (decoded.value === 'unsupported') {
    await analysing;
    return null;
  }
  progress({ stage: 'finishing', fraction: 0.98 });
  const analysed = await analysing;
  if (!analysed.ok) return analysed;
  return analysed.value ? ok(analysed.value) : fail('decode-failed', 'The analysis stopped before the end of the stream.');
}

/** The file's container probe, and with `splitInto` ≥ 2 the split plan of a WAV long enough to cut (see AnalysisApi.probe). */
export function probeFile(file: Blob, signal: AbortSignal, splitInto = 0): Promise<Result<{ probe: ContainerProbe; plan: SplitPlan | null }>> {
  return headerCall(signal, (api) => api.probe(file, splitInto));
}

/** Containers the core streaming decoder reads in the worker; everything else is decoded by the page. */
export const decodesInWorker = (probe: ContainerProbe): boolean => probe.container === 'wav';

/**
 * Probe, decode at the native rate and analyse one file. WAV is decoded in the worker straight
 * from the File (a long one split across several workers); other formats by WebCodecs in the
 * worker, or, where WebCodecs lacks the codec, by the page's `decodeAudioData` at the declared rate.
 */
export async function analyzeFile(
  file: Blob,
  request: AnalyzeRequest,
  signal: AbortSignal,
  onProgress: ProgressCallback,
): Promise<Result<FileReport>> {
  const started = performance.now();
  onProgress({ stage: 'probing', fraction: 0 });
  // A WAV long enough for two segments is cut across the pool in the same call (its plan).
  const probed = await probeFile(file, signal, POOL_SIZE > 1 ? PAGE_SEGMENTS_PER_WORKER * POOL_SIZE : 0);
  performance.measure('probe', { start: started });
  if (!probed.ok) return probed;
  const { probe, plan } = probed.value;
  // Progress callbacks cross the boundary as a comlink proxy; it is released with the worker's port.
  const progress = proxy(onProgress);
  if (decodesInWorker(probe)) {
    if (plan !== null) return analyzeSplit(file, probe, plan, request, signal, onProgress, started);
    return withWorker(signal, (api) => api.analyzeFile(file, probe, request, progress));
  }
  // Long enough for a relay. (Ogg headers do not give the length: then its size stands in,
  // 512 KiB being 65 s at 64 kbit/s.)
  const longEnough = probe.durationSec !== null ? probe.durationSec >= 2 * MIN_SEGMENT_SEC : file.size >= RELAY_MIN_BYTES;
  // A long compressed file: decoded in one worker and analysed in another, when the pool has one free now.
  if (POOL_SIZE > 1 && longEnough) {
    const relayed = await analyzeRelayed(file, probe, request, signal, progress);
    if (relayed !== null) return relayed;
  }
  // Compressed formats: WebCodecs in the worker, so the page never blocks on decoding.
  const inWorker = await withWorker(signal, (api) => api.analyzeCompressed(file, probe, request, progress));
  if (!inWorker.ok) return inWorker;
  if (inWorker.value !== null) return ok(inWorker.value);
  onProgress({ stage: 'decoding', fraction: 0.05 });
  const decoded = await decodeInPage(file, probe, signal);
  if (!decoded.ok) return decoded;
  const { sampleRateHz, channels } = decoded.value;
  return withWorker(signal, (api) =>
    api.analyzeDecoded(
      file,
      probe,
      sampleRateHz,
      transfer(
        channels,
        channels.map((c) => c.buffer),
      ),
      request,
      progress,
    ),
  );
}

