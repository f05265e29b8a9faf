/**
 * The sweep worker's API: build a quiet-speaker fixture pack (which runs the sweep) from source
 * WAV bytes and a recipe. The same core call as `npm run cli -- fixtures` (src/core/fixture-pack),
 * so the zip is byte-identical to the CLI's. Engines are the core's; the WebRTC and Silero binaries
 * load from this app's own origin through the shared worker loaders (workers/vad-engines.loaders.ts).
 */
import { transfer } from 'comlink';
import { buildFixturePack } from '../src/core/fixture-pack/pack';
import type { SourceInfo } from '../src/core/fixture-pack/readme';
import { normalizeSweepRecipe } from '../src/core/sweep/recipe';
import type { SweepProgress } from '../src/core/sweep/sweep';
import type { SweepResult } from '../src/core/sweep/types';
import { createEngines } from '../src/core/vad-engines';
import { fail, ok, type Result } from '../src/core/types';
import { workerEngineLoaders } from './vad-engines.loaders';

export interface SweepSourceFile {
  path: string;
  bytes: Uint8Array;
}

export interface SweepPack {
  /** The fixture pack (zip). */
  zip: Uint8Array;
  result: SweepResult;
}

const engines = createEngines(workerEngineLoaders);

export const sweepApi = {
  async buildPack(recipeInput: unknown, sources: SweepSourceFile[], info: SourceInfo[], onProgress?: (p: SweepProgress) => void): Promise<Result<SweepPack>> {
    try {
      const normalized = normalizeSweepRecipe(recipeInput);
      if (!normalized.ok) return fail('decode-failed', `The sweep settings are not valid: ${normalized.problems.join('; ')}.`);
      const files = new Map(sources.map((s) => [s.path, s.bytes]));
      let last = 0;
      const pack = await buildFixturePack(normalized.recipe, files, engines, info, (p) => {
        // At most ~10 messages a second across the worker boundary.
        const now = Date.now();
        if (onProgress && (now - last > 100 || p.done === p.total)) {
          last = now;
          void onProgress(p);
        }
      });
      // The zip is not needed here again: move it, do not copy it.
      return transfer(ok({ zip: pack.zip, result: pack.result }), [pack.zip.buffer as ArrayBuffer]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail('decode-failed', error instanceof RangeError ? `${message[0].toUpperCase()}${message.slice(1)}.` : `The sweep stopped: ${message.slice(0, 200)}`);
    }
  },
};

export type SweepApi = typeof sweepApi;
