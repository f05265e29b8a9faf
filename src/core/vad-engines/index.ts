/**
 * The engine registry: one file per engine, named by its id. Loaders for the WASM engines come from
 * the host (src/node/vad-engines.ts for Node, workers/vad-engines.api.ts for the page).
 */
import { createBuiltinEngine } from './builtin';
import { createWebrtcEngine, type FvadLoader, type WebrtcOptions } from './webrtc';
import { createSileroEngine, type SileroLoader } from './silero';
import type { VadEngine, VadEngineId } from './types';

export type { VadEngine, VadEngineId, VadEngineResult, VadEngineSettings } from './types';

export const ENGINE_IDS: readonly VadEngineId[] = ['builtin', 'webrtc', 'silero'];

export interface EngineLoaders {
  fvad: FvadLoader;
  silero: SileroLoader;
  webrtc?: WebrtcOptions;
}

/** All three engines, in timeline order. */
export function createEngines(loaders: EngineLoaders): VadEngine[] {
  return [createBuiltinEngine(), createWebrtcEngine(loaders.fvad, loaders.webrtc), createSileroEngine(loaders.silero)];
}
