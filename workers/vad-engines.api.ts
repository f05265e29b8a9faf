/**
 * The VAD-engines worker's API: decode the analysed file to mono at its native rate and run one
 * engine of src/core/vad-engines on it. The WASM binaries and the Silero model load from the app's
 * own origin (vad-engines.loaders.ts), once, on the first run of their engine.
 */
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input } from 'mediabunny';
import { createWebrtcEngine } from '../src/core/vad-engines/webrtc';
import { createSileroEngine } from '../src/core/vad-engines/silero';
import type { VadEngine, VadEngineResult, VadEngineSettings } from '../src/core/vad-engines/types';
import { AudioPathError, fail, ok, type PcmAudio, type Result } from '../src/core/types';
import { probeBlob, readWav } from './core-io';
import { loadFvadInWorker, loadSileroInWorker } from './vad-engines.loaders';

/** Engines run on at most this much audio (mono float at the native rate is held in memory). */
export const MAX_ENGINE_SEC = 600;

export type WorkerEngineId = 'webrtc' | 'silero';

export interface EngineRun {
  result: VadEngineResult;
  /** Audio the engine saw, seconds (less than the file when it is longer than MAX_ENGINE_SEC). */
  analysedSec: number;
  durationSec: number;
  elapsedMs: number;
}

const engines: Record<WorkerEngineId, VadEngine> = {
  webrtc: createWebrtcEngine(loadFvadInWorker),
  silero: createSileroEngine(loadSileroInWorker),
};

/** Mean of the channels, appended chunk by chunk, up to `limit` frames. */
function createMonoSink(limit: number) {
  let buf = new Float32Array(0);
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(planes: readonly Float32Array[]): void {
      const n = Math.min(planes[0]?.length ?? 0, limit - length);
      if (n <= 0) return;
      if (length + n > buf.length) {
        const grown = new Float32Array(Math.min(limit, Math.max(length + n, 2 * buf.length)));
        grown.set(buf.subarray(0, length));
        buf = grown;
      }
      const k = 1 / Math.max(1, planes.length);
      for (const p of planes) for (let i = 0; i < n; i++) buf[length + i] += p[i] * k;
      length += n;
    },
    finish(): Float32Array {
      return buf.slice(0, length);
    },
  };
}

/** The file as mono PCM at its native rate (WAV by the core decoder, others by WebCodecs). */
async function decodeMono(file: Blob): Promise<{ audio: PcmAudio; durationSec: number }> {
  const probed = await probeBlob(file);
  if (!probed.ok) throw new AudioPathError(probed.error.code, probed.error.message);
  const probe = probed.value;
  const rate = probe.decodedSampleRateHz;
  const limit = Math.round(MAX_ENGINE_SEC * rate);
  const sink = createMonoSink(limit);
  let frames = 0;
  if (probe.container === 'wav') {
    const read = await readWav(file);
    if (!read.ok) throw new AudioPathError(read.error.code, read.error.message);
    for await (const chunk of read.value.chunks) {
      frames += chunk.channels[0]?.length ?? 0;
      sink.push(chunk.channels);
    }
  } else {
    if (typeof AudioDecoder === 'undefined') throw new AudioPathError('unsupported-codec', 'This browser cannot decode this format in a worker.');
    const input = new Input({ formats: ALL_FORMATS, source: new BlobSource(file) });
    const track = await input.getPrimaryAudioTrack();
    if (track === null || !(await track.canDecode())) throw new AudioPathError('unsupported-codec', `This browser cannot decode ${probe.codec} in a worker.`);
    const expected = Math.round((await input.computeDuration()) * rate);
    for await (const sample of new AudioSampleSink(track).samples()) {
      try {
        const first = Math.round(sample.timestamp * rate);
        // Keep [0, expected) on the file's time axis, as the analysis does (priming and padding off).
        const from = Math.max(0, -first, frames - first);
        const to = Math.min(sample.numberOfFrames, expected - first);
        if (to <= from) continue;
        const planes: Float32Array[] = [];
        for (let c = 0; c < sample.numberOfChannels; c++) {
          const plane = new Float32Array(sample.numberOfFrames);
          sample.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
          planes.push(plane.subarray(from, to));
        }
        sink.push(planes);
        frames = first + to;
      } finally {
        sample.close();
      }
    }
  }
  return { audio: { sampleRateHz: rate, channels: [sink.finish()] }, durationSec: frames / rate };
}

export const vadEnginesApi = {
  /** `onProgress` (a comlink proxy) gets 0..1: decoding is the first 10 %. */
  async run(file: Blob, engine: WorkerEngineId, settings?: VadEngineSettings, onProgress?: (fraction: number) => void): Promise<Result<EngineRun>> {
    const started = performance.now();
    try {
      const { audio, durationSec } = await decodeMono(file);
      void onProgress?.(0.1);
      const result = await engines[engine].run(audio, settings, { onProgress: (f) => void onProgress?.(0.1 + 0.9 * f) });
      return ok({ result, analysedSec: (audio.channels[0]?.length ?? 0) / audio.sampleRateHz, durationSec, elapsedMs: performance.now() - started });
    } catch (error) {
      if (error instanceof AudioPathError) return fail(error.code, error.message);
      const message = error instanceof Error ? error.message : String(error);
      return fail('decode-failed', `The ${engine} engine stopped: ${message.slice(0, 200)}`);
    }
  },
};

export type VadEnginesApi = typeof vadEnginesApi;
