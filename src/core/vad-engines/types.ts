/**
 * VAD engines behind one interface, so the timeline, the quiet-speaker sweep, fixture packs and
 * `vad-check` compare them on equal terms. An engine takes decoded PCM (any rate, any channel
 * count: it mixes down and resamples itself when its model needs a fixed rate) and returns
 * per-frame speech probabilities plus segments on the file's own time axis.
 *
 * The engines that run WASM (WebRTC VAD via @echogarden/fvad-wasm, Silero VAD v5 via
 * onnxruntime-web) are created by a factory that receives how to load their binaries, so the
 * same engine code runs in Node (files from node_modules) and in a worker (URLs on the app's own
 * origin). The built-in engine is pure.
 */
import type { PcmAudio, TimeRange } from '../types';

export type VadEngineId = 'builtin' | 'webrtc' | 'silero';

export interface VadEngineSettings {
  /**
   * Engine-specific decision setting, in the engine's own terms:
   * builtin: threshold 0..1 (see src/core/vad/defaults.ts); webrtc: aggressiveness mode 0..3;
   * silero: speech probability threshold 0..1. Omitted: the engine's default.
   */
  threshold?: number;
  /** Post-processing shared by all engines (seconds); omitted: the engine's default. */
  minSpeechSec?: number;
  minSilenceSec?: number;
  padSec?: number;
}

export interface VadEngineResult {
  engine: VadEngineId;
  /** The settings actually used, defaults filled in. */
  settings: Required<VadEngineSettings>;
  /** Hop between decisions, seconds (builtin 0.01, webrtc 0.01/0.02/0.03, silero 0.032). */
  frameSec: number;
  /** Per-frame speech probability 0..1 (webrtc: 0 or 1). */
  probabilities: Float32Array;
  /** Speech segments after min-speech / min-silence / padding, on the input's time axis. */
  segments: TimeRange[];
}

export interface VadEngineRunOptions {
  /** Called now and then with the share of the audio done, 0..1 (long files on the page). */
  onProgress?: (fraction: number) => void;
}

export interface VadEngine {
  id: VadEngineId;
  /** Short name for the timeline row label and table headers. */
  label: string;
  run(audio: PcmAudio, settings?: VadEngineSettings, options?: VadEngineRunOptions): Promise<VadEngineResult>;
}
