/**
 * WebRTC VAD (libfvad, via @echogarden/fvad-wasm) as an engine. The WASM module is handed in by
 * a loader, so this file runs unchanged in Node (module from node_modules) and in a worker (wasm
 * from the app's own origin). fvad takes 16-bit frames of 10, 20 or 30 ms at 8, 16, 32 or 48 kHz;
 * other rates are resampled to 16 kHz first. Decisions are 0/1; `threshold` is the
 * aggressiveness mode 0 (quality) … 3 (very aggressive).
 */
import type { PcmAudio } from '../types';
import { durationOf, monoAt, resolveEngineSettings, decideFrames, segmentsFromDecisions } from './postprocess';
import type { VadEngine, VadEngineResult, VadEngineRunOptions, VadEngineSettings } from './types';

/** The part of the Emscripten module (libfvad's C API) this engine calls. */
export interface FvadModule {
  _fvad_new(): number;
  _fvad_free(handle: number): void;
  _fvad_set_mode(handle: number, mode: number): number;
  _fvad_set_sample_rate(handle: number, rateHz: number): number;
  _fvad_process(handle: number, framePtr: number, length: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** Re-read after every allocation: memory growth replaces the view. */
  HEAP16: Int16Array;
}

export type FvadLoader = () => Promise<FvadModule>;

export const WEBRTC_RATES_HZ = [8000, 16000, 32000, 48000] as const;
export const WEBRTC_DEFAULT_MODE = 2;

export interface WebrtcOptions {
  /** Frame length, ms (10, 20 or 30). Default 10: the built-in VAD's hop, frame for frame. */
  frameMs?: 10 | 20 | 30;
}

/** The rate fvad runs at for an input rate: itself when fvad accepts it, else 16 kHz. */
export function webrtcRateFor(inputRateHz: number): number {
  return (WEBRTC_RATES_HZ as readonly number[]).includes(inputRateHz) ? inputRateHz : 16000;
}

export function createWebrtcEngine(load: FvadLoader, options: WebrtcOptions = {}): VadEngine {
  const frameMs = options.frameMs ?? 10;
  if (frameMs !== 10 && frameMs !== 20 && frameMs !== 30) throw new RangeError(`fvad frames are 10, 20 or 30 ms, not ${String(frameMs)}`);
  let module: Promise<FvadModule> | null = null;
  return {
    id: 'webrtc',
    label: 'WebRTC',
    async run(audio: PcmAudio, settings?: VadEngineSettings, options?: VadEngineRunOptions): Promise<VadEngineResult> {
      const s = resolveEngineSettings(settings, WEBRTC_DEFAULT_MODE);
      const mode = Math.min(3, Math.max(0, Math.round(s.threshold)));
      s.threshold = mode;
      if (!module) {
        module = load();
        // A failed load (offline, a missing file) is retried on the next run, not remembered.
        module.catch(() => (module = null));
      }
      const m = await module;
      const rateHz = webrtcRateFor(audio.sampleRateHz);
      const mono = monoAt(audio, rateHz);
      const frameLen = (rateHz * frameMs) / 1000;
      const frameSec = frameMs / 1000;
      const frames = Math.ceil(mono.length / frameLen);
      const probabilities = new Float32Array(frames);
      const handle = m._fvad_new();
      if (!handle) throw new Error('fvad_new failed (out of WASM memory)');
      const ptr = m._malloc(frameLen * 2);
      try {
        if (m._fvad_set_mode(handle, mode) !== 0) throw new RangeError(`fvad rejected mode ${mode}`);
        if (m._fvad_set_sample_rate(handle, rateHz) !== 0) throw new RangeError(`fvad rejected ${rateHz} Hz`);
        const base = ptr >> 1;
        for (let f = 0; f < frames; f++) {
          const heap = m.HEAP16;
          const from = f * frameLen;
          // The last, partial frame is zero-padded so the decisions cover the whole input.
          for (let j = 0; j < frameLen; j++) {
            const x = from + j < mono.length ? mono[from + j] : 0;
            const v = Math.round((x > 1 ? 1 : x < -1 ? -1 : x || 0) * 32767);
            heap[base + j] = v;
          }
          const r = m._fvad_process(handle, ptr, frameLen);
          if (r < 0) throw new Error('fvad_process failed');
          probabilities[f] = r;
        }
      } finally {
        m._free(ptr);
        m._fvad_free(handle);
      }
      options?.onProgress?.(1);
      const segments = segmentsFromDecisions(decideFrames(probabilities, 0.5), frameSec, durationOf(audio), s);
      return { engine: 'webrtc', settings: s, frameSec, probabilities, segments };
    },
  };
}
