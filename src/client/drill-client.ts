/**
 * The page's door to the drill worker: one worker, started on first use, wrapped with comlink.
 * The impaired WAV comes back as a File, analysed like any opened file.
 */
import { wrap, type Remote } from 'comlink';
import type { DrillApi } from '../../workers/drill.api';
import type { Recipe } from '../core/impair/types';
import { fail, ok, type Result } from '../core/types';

let remote: Remote<DrillApi> | null = null;

function api(): Remote<DrillApi> {
  if (!remote) {
    const worker = new Worker(new URL('../../workers/drill.worker.ts', import.meta.url), { type: 'module', name: 'drill' });
    worker.addEventListener('error', (event) => event.preventDefault());
    remote = wrap<DrillApi>(worker);
  }
  return remote;
}

export async function impairFile(source: File, recipe: Recipe, name: string): Promise<Result<File>> {
  try {
    const result = await api().impair(source, recipe);
    if (!result.ok) return result;
    return ok(new File([result.value.wav as Uint8Array<ArrayBuffer>], name, { type: 'audio/wav' }));
  } catch (error) {
    return fail('decode-failed', `The drill stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
}
