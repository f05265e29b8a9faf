/// <reference path="./vad-engines.assets.d.ts" />
/// <reference path="../types/fvad-wasm.d.ts" />
/**
 * The sweep worker's API: build a quiet-speaker fixture pack (which runs the sweep) from source
 * WAV bytes and a recipe. The same core call as `npm run cli -- fixtures` (src/core/fixture-pack),
 * so the zip is byte-identical to the CLI's. Engines are the core's; the WebRTC and Silero binaries
 * load from this app's own origin, as in the VAD-engines worker.
 */
import { transfer } from 'comlink';
import createFvad from '@echogarden/fvad-wasm';
import fvadWasmUrl from '@echogarden/fvad-wasm/fvad.wasm?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import sileroModelUrl from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import { buildFixturePack } from '../src/core/fixture-pack/pack';
import type { SourceInfo } from '../src/core/fixture-pack/readme';
import { normalizeSweepRecipe } from '../src/core/sweep/recipe';
import type { SweepProgress } from '../src/core/sweep/sweep';
import type { SweepResult } from '../src/core/sweep/types';
import { createEngines } from '../src/core/vad-engines';
import type { FvadModule } from '../src/core/vad-engines/webrtc';
import type { SileroModel } from '../src/core/vad-engines/silero';
import { sileroModelFromOrt } from '../src/core/vad-engines/silero-ort';
import { fail, ok, type Result } from '../src/core/types';

export interface SweepSourceFile {
  path: string;
  bytes: Uint8Array;
}

export interface SweepPack {
  /** The fixture pack (zip). */
  zip: Uint8Array;
  result: SweepResult;
}

let fvad: Promise<FvadModule> | null = null;
let silero: Promise<SileroModel> | null = null;

const engines = createEngines({
  fvad: () => (fvad ??= createFvad({ locateFile: () => new URL(fvadWasmUrl, self.location.href).href })),
  silero: () =>
    (silero ??= (async () => {
      const ort = await import('onnxruntime-web/wasm');
      ort.env.wasm.numThreads = 1; // as in Node (src/node/vad-engines.ts): the same numbers
      ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href };
      const response = await fetch(sileroModelUrl);
      if (!response.ok) throw new Error(`the Silero model did not load (HTTP ${response.status})`);
      return sileroModelFromOrt(ort, new Uint8Array(await response.arrayBuffer()));
    })()),
});

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
