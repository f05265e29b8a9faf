/**
 * The page's door to the VAD-engines worker: one worker, started on first use, wrapped with
 * comlink. Aborting a run terminates the worker (the next run starts a fresh one); an idle worker
 * is terminated after IDLE_MS, which also frees the Silero session's memory.
 */
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { EngineRun, VadEnginesApi, WorkerEngineId } from '../../workers/vad-engines.api';
import type { VadEngineSettings } from '../core/vad-engines/types';
import { fail, type Result } from '../core/types';

export type { EngineRun, WorkerEngineId } from '../../workers/vad-engines.api';

const IDLE_MS = 60_000;

interface Lease {
  worker: Worker;
  api: Remote<VadEnginesApi>;
  onCrash: ((message: string) => void) | null;
}

let lease: Lease | null = null;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let running = 0;

function acquire(): Lease {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = null;
  if (!lease) {
    const worker = new Worker(new URL('../../workers/vad-engines.worker.ts', import.meta.url), { type: 'module', name: 'vad-engines' });
    const l: Lease = { worker, api: wrap<VadEnginesApi>(worker), onCrash: null };
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      l.onCrash?.(event.message || 'the engines worker stopped');
    });
    lease = l;
  }
  return lease;
}

function stop(l: Lease): void {
  if (lease === l) lease = null;
  l.api[releaseProxy]();
  l.worker.terminate();
}

export function runEngine(
  file: Blob,
  engine: WorkerEngineId,
  signal: AbortSignal,
  settings?: VadEngineSettings,
  onProgress?: (fraction: number) => void,
): Promise<Result<EngineRun>> {
  if (signal.aborted) return Promise.resolve(fail('aborted', 'Cancelled.'));
  const l = acquire();
  running++;
  return new Promise<Result<EngineRun>>((resolve) => {
    let settled = false;
    const settle = (result: Result<EngineRun>, keep: boolean): void => {
      if (settled) return;
      settled = true;
      running--;
      signal.removeEventListener('abort', onAbort);
      if (!keep) stop(l);
      else if (running === 0) idleTimer = setTimeout(() => lease && stop(lease), IDLE_MS);
      resolve(result);
    };
    const onAbort = (): void => settle(fail('aborted', 'Cancelled.'), false);
    signal.addEventListener('abort', onAbort, { once: true });
    l.onCrash = (message) => settle(fail('decode-failed', `The ${engine} engine stopped: ${message}`), false);
    l.api.run(file, engine, settings, onProgress ? proxy(onProgress) : undefined).then(
      (result) => settle(result, true),
      (error: unknown) => settle(fail('decode-failed', error instanceof Error ? error.message : String(error)), false),
    );
  });
}
