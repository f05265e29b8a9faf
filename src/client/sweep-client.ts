/**
 * The page's door to the sweep worker: a fresh worker per run (a sweep is long and holds every
 * cell's audio), terminated when the run ends or is aborted. Progress comes back through a comlink
 * proxy; the zip comes back as bytes.
 */
import { proxy, releaseProxy, transfer, wrap } from 'comlink';
import type { SweepApi, SweepPack, SweepSourceFile } from '../../workers/sweep.api';
import type { SourceInfo } from '../core/fixture-pack/readme';
import type { SweepProgress } from '../core/sweep/sweep';
import { fail, type Result } from '../core/types';

export type { SweepPack } from '../../workers/sweep.api';

export function buildPackInWorker(
  recipe: unknown,
  sources: SweepSourceFile[],
  info: SourceInfo[],
  signal: AbortSignal,
  onProgress: (p: SweepProgress) => void,
): Promise<Result<SweepPack>> {
  if (signal.aborted) return Promise.resolve(fail('aborted', 'Cancelled.'));
  const worker = new Worker(new URL('../../workers/sweep.worker.ts', import.meta.url), { type: 'module', name: 'sweep' });
  const api = wrap<SweepApi>(worker);
  return new Promise<Result<SweepPack>>((resolve) => {
    let settled = false;
    const settle = (result: Result<SweepPack>): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      api[releaseProxy]();
      worker.terminate();
      resolve(result);
    };
    const onAbort = (): void => settle(fail('aborted', 'Cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      settle(fail('decode-failed', `The sweep stopped: ${event.message || 'the worker failed'}`));
    });
    // The source bytes were read for this run only: move them to the worker instead of copying.
    api.buildPack(recipe, transfer(sources, sources.map((s) => s.bytes.buffer as ArrayBuffer)), info, proxy(onProgress)).then(settle, (error: unknown) =>
      settle(fail('decode-failed', `The sweep stopped: ${error instanceof Error ? error.message : String(error)}`)),
    );
  });
}
