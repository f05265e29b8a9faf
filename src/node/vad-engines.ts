/// <reference path="../../types/fvad-wasm.d.ts" />
/**
 * The VAD engines in Node (CLI, sweep, tests): the WASM binaries and the Silero model are read
 * from node_modules, the engines themselves are the core's (src/core/vad-engines).
 *
 *   const [builtin, webrtc, silero] = await loadNodeEngines();
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createEngines } from '../core/vad-engines';
import type { VadEngine } from '../core/vad-engines/types';
import type { FvadModule, WebrtcOptions } from '../core/vad-engines/webrtc';
import type { SileroModel } from '../core/vad-engines/silero';
import { sileroModelFromOrt } from '../core/vad-engines/silero-ort';

const require = createRequire(import.meta.url);

/** Files the engines need, resolved in the installed packages. */
export function nodeEngineAssetPaths(): { fvadWasm: string; ortWasm: string; sileroModel: string } {
  const fvadDir = dirname(require.resolve('@echogarden/fvad-wasm/package.json'));
  const vadWebDir = dirname(require.resolve('@ricky0123/vad-web/package.json'));
  return {
    fvadWasm: join(fvadDir, 'fvad.wasm'),
    ortWasm: require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
    sileroModel: join(vadWebDir, 'dist', 'silero_vad_v5.onnx'),
  };
}

let fvadModule: Promise<FvadModule> | null = null;
let sileroModel: Promise<SileroModel> | null = null;

/** One fvad instance per process (engines create their own VAD handles in it). */
export function loadFvadNode(): Promise<FvadModule> {
  fvadModule ??= (async () => {
    const { default: createFvad } = await import('@echogarden/fvad-wasm');
    return createFvad({ wasmBinary: await readFile(nodeEngineAssetPaths().fvadWasm) });
  })();
  return fvadModule;
}

/** One Silero session per process, on onnxruntime-web's single-threaded wasm backend. */
export function loadSileroNode(): Promise<SileroModel> {
  sileroModel ??= (async () => {
    const paths = nodeEngineAssetPaths();
    const ort = await import('onnxruntime-web/wasm');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmBinary = await readFile(paths.ortWasm);
    return sileroModelFromOrt(ort, new Uint8Array(await readFile(paths.sileroModel)));
  })();
  return sileroModel;
}

/** builtin, webrtc, silero — in that order. The WASM loads on each engine's first run. */
export async function loadNodeEngines(options: { webrtc?: WebrtcOptions } = {}): Promise<VadEngine[]> {
  return createEngines({ fvad: loadFvadNode, silero: loadSileroNode, webrtc: options.webrtc });
}
