/// <reference path="./vad-engines.assets.d.ts" />
/// <reference path="../types/fvad-wasm.d.ts" />
/**
 * How a worker loads the WASM engines: the binaries and the Silero model are Vite-emitted assets of
 * this app, fetched from its own origin (never a CDN) — fvad.wasm through the module's locateFile,
 * ort's wasm through `env.wasm.wasmPaths`, the model through fetch. Each loads once per worker, on
 * first use. The browser counterpart of src/node/vad-engines.ts; any worker that runs engines
 * (the engines lanes, the sweep) can take its loaders from here.
 */
import createFvad from '@echogarden/fvad-wasm';
import fvadWasmUrl from '@echogarden/fvad-wasm/fvad.wasm?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import sileroModelUrl from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import type { EngineLoaders } from '../src/core/vad-engines';
import type { FvadModule } from '../src/core/vad-engines/webrtc';
import type { SileroModel } from '../src/core/vad-engines/silero';
import { sileroModelFromOrt } from '../src/core/vad-engines/silero-ort';

let fvad: Promise<FvadModule> | null = null;
let silero: Promise<SileroModel> | null = null;

export function loadFvadInWorker(): Promise<FvadModule> {
  fvad ??= createFvad({ locateFile: () => new URL(fvadWasmUrl, self.location.href).href });
  // A failed load (e.g. offline) is retried on the next run, not remembered.
  fvad.catch(() => (fvad = null));
  return fvad;
}

export function loadSileroInWorker(): Promise<SileroModel> {
  silero ??= (async () => {
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = 1; // as in Node: no COOP/COEP needed, and one thread was faster for this model
    ort.env.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href };
    const response = await fetch(sileroModelUrl);
    if (!response.ok) throw new Error(`the Silero model did not load (HTTP ${response.status})`);
    return sileroModelFromOrt(ort, new Uint8Array(await response.arrayBuffer()));
  })();
  silero.catch(() => (silero = null));
  return silero;
}

export const workerEngineLoaders: EngineLoaders = { fvad: loadFvadInWorker, silero: loadSileroInWorker };
