/**
 * The one place that creates analysis workers and wraps them with comlink.
 *
 * Each call leases a worker (reusing an idle one, else starting one), and takes an AbortSignal:
 * aborting terminates that worker at once, whatever it is doing, and the call resolves with an
 * `aborted` error. Up to PARALLEL_JOBS workers start with the page and stay warm, so it keeps
 * working offline once loaded (their script is already fetched); any extra idle worker is
 * terminated after IDLE_MS. A worker that crashes (e.g. runs out of memory) resolves its
 * call with an error instead of leaving it hanging.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { AnalysisApi, AnalyzeRequest, FileReport, ProgressCallback } from '../../workers/analysis.api';
import { fail, ok, type ContainerProbe, type Result } from '../core/types';
import { decodeInPage } from './decode-in-page';

export type { AnalyzeRequest, FileReport, ProgressUpdate, Stage } from '../../workers/analysis.api';

const IDLE_MS = 10_000;

/** Analyses to run at once: leave a core for the page itself on small machines. */
export const PARALLEL_JOBS = Math.max(1, Math.min(3, (navigator.hardwareConcurrency || 2) - 1));

let alive = 0;

interface Lease {
  worker: Worker;
  api: Remote<AnalysisApi>;
  idleTimer: ReturnType<typeof setTimeout> | null;
  /** Set while a call runs: resolves that call when the worker dies. */
  onCrash: ((message: string) => void) | null;
}

const idle: Lease[] = [];

function startWorker(): Lease {
  const worker = new Worker(new URL('../../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
  const lease: Lease = { worker, api: wrap<AnalysisApi>(worker), idleTimer: null, onCrash: null };
  alive++;
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    lease.onCrash?.(event.message || 'the analysis worker stopped');
  });
  return lease;
}

function terminate(lease: Lease): void {
  if (lease.idleTimer !== null) clearTimeout(lease.idleTimer);
  const i = idle.indexOf(lease);
  if (i >= 0) idle.splice(i, 1);
  lease.api[releaseProxy]();
  lease.worker.terminate();
  alive--;
}

function acquire(): Lease {
  const lease = idle.pop() ?? startWorker();
  if (lease.idleTimer !== null) clearTimeout(lease.idleTimer);
  lease.idleTimer = null;
  return lease;
}

function release(lease: Lease): void {
  lease.onCrash = null;
  idle.push(lease);
  if (alive > PARALLEL_JOBS) lease.idleTimer = setTimeout(() => terminate(lease), IDLE_MS);
}

/** Start the workers ahead of the first file, so their script is loaded while the page is. */
export function prewarm(): void {
  while (alive < PARALLEL_JOBS) release(startWorker());
}

const abortedResult = <T>(): Result<T> => fail('aborted', 'Cancelled.');

/** Run one call on a leased worker, honouring `signal`. */
function withWorker<T>(signal: AbortSignal, run: (api: Remote<AnalysisApi>) => Promise<Result<T>>): Promise<Result<T>> {
  if (signal.aborted) return Promise.resolve(abortedResult<T>());
  const lease = acquire();
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
    lease.onCrash = (message) => settle(fail('decode-failed', `The analysis stopped: ${message}`), false);
    run(lease.api).then(
      (result) => settle(result, true),
      (error: unknown) => settle(fail('decode-failed', error instanceof Error ? error.message : String(error)), false),
    );
  });
}

export function probeFile(file: Blob, signal: AbortSignal): Promise<Result<ContainerProbe>> {
  return withWorker(signal, (api) => api.probe(file));
}

/** Containers the core streaming decoder reads in the worker; everything else is decoded by the page. */
export const decodesInWorker = (probe: ContainerProbe): boolean => probe.container === 'wav';

/**
 * Probe, decode at the native rate and analyse one file. WAV is decoded in the worker straight
 * from the File; other formats by WebCodecs in the worker, or, where WebCodecs lacks the codec,
 * by the page's `decodeAudioData` at the declared rate.
 */
export async function analyzeFile(
  file: Blob,
  request: AnalyzeRequest,
  signal: AbortSignal,
  onProgress: ProgressCallback,
): Promise<Result<FileReport>> {
  onProgress({ stage: 'probing', fraction: 0 });
  const probed = await probeFile(file, signal);
  if (!probed.ok) return probed;
  const probe = probed.value;
  // Progress callbacks cross the boundary as a comlink proxy; it is released with the worker's port.
  const progress = proxy(onProgress);
  if (decodesInWorker(probe)) {
    return withWorker(signal, (api) => api.analyzeFile(file, probe, request, progress));
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

