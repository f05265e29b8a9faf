/**
 * The analysis worker's API: plain async functions over src/core. The client derives its type
 * (`AnalysisApi = typeof api`); nothing here is written twice. Every function returns a Result,
 * never throws across the boundary, and reports progress through an optional callback.
 *
 * Two entry points, by where the decoding happens:
 * - `analyzeFile`: WAV. The core streaming decoder reads the File in chunks right here, at the
 *   file's native rate; the whole file is never held in memory.
 * - `analyzeCompressed`: other formats, decoded here: FLAC, MP3, Ogg Vorbis and Opus by the same
 *   WASM decoders as the CLI (src/core/format/compressed-stream.ts), the rest (WebM, MP4/M4A,
 *   ADTS) with WebCodecs through mediabunny, so the page's main thread never decodes. Returns
 *   `null` when this browser's WebCodecs cannot decode the codec; the client then falls back to:
 * - `analyzeDecoded`: decoded on the page's main thread (the only place `decodeAudioData`
 *   exists) at the declared rate, channels transferred in.
 * A long WAV is split across several of these workers instead (src/client/analysis-client.ts):
 * `probe` also cuts it (`probeAndPlan`), `analyzeSegment` runs one segment (workers/segments.ts:
 * its analysis and display partials and the digests of its content-hash pieces), then
 * `finishSplit` merges the analysis partials into the report while `finishSplitDisplay`, on
 * another worker, merges the display.
 */
import { createAnalyzer, finishAnalysis, type AnalyzeOptions, type Measurements } from '../src/core/analyze';
import { createMergeStore, type FrameStore } from '../src/core/frames/frame-analysis';
import { createDisplaySegment, finishDisplay, planDisplay, type Display, type DisplayPartial } from '../src/core/display/display';
import { DETECTORS } from '../src/core/findings/registry';
import { summarize } from '../src/core/summary/build';
import type { Summary } from '../src/core/summary/types';
import { validateSummary } from '../src/core/summary/validate';
import { transferablesOf } from '../src/core/transferables';
import { AudioPathError, expectedFrames, fail, ok, type ContainerProbe, type Result } from '../src/core/types';
import { transfer } from 'comlink';
import { blobSource, hashBlob, readWav, type ProbeWithWarnings } from './core-io';
import { contentHashOfPieces } from '../src/core/hash';
import { analyzeWavSegment, giveAwaySegment, probeAndPlan, type SegmentAnalysis, type SegmentJob, type SegmentResult, type SplitPlan } from './segments';
import { spectrogramJson } from './spectrogram-json';
import { receiveRelay, relaySender } from './relay';
import { warmUp } from './warm-up';
import { prefaultKernelMemory, useKernelModule } from '../src/core/kernels/runtime';
import { PROGRESS_INTERVAL_MS } from './progress';

export interface AnalyzeRequest {
  /** The file's name: written into `summaryWithName` only. */
  name: string;
  options: AnalyzeOptions;
}

export type Stage = 'probing' | 'decoding' | 'analysing' | 'hashing' | 'finishing';
export interface ProgressUpdate {
  stage: Stage;
  /** 0..1 through the whole job. */
  fraction: number;
  /** Audio analysed so far and in all, seconds (absent while probing, decoding in the page, hashing). */
  audioSecDone?: number;
  audioSecTotal?: number;
  /** Since the worker started on the file, ms: with `fraction`, the page derives rate and time left. */
  elapsedMs?: number;
}
export type ProgressCallback = (update: ProgressUpdate) => void;

export interface DisplayData {
  durationSec: number;
  sampleRateHz: number;
  /** Per channel, interleaved bucket [min, max] (wavesurfer.js `peaks`). */
  peaks: Float32Array[];
  spectrogram: {
    /**
     * wavesurfer.js spectrogram data: [channel][frame][bin] of 0..255, as JSON in a Blob (made
     * here; a Blob crosses to the page by reference, so the main thread never copies the text).
     */
    json: Blob;
    channels: number;
    frameCount: number;
    binCount: number;
  };
}

export interface FileReport {
  probe: ContainerProbe;
  /** The exported document, file name left out. */
  summary: Summary;
  /** The same document with `source.name` (exported only if the user asks). */
  summaryWithName: Summary;
  /** Problems `validateSummary` found (empty when the document matches the schema). */
  schemaErrors: string[];
  /** What each detector that fired looks for, in plain words (from the core registry), by finding id. */
  findingNotes: Record<string, string>;
  display: DisplayData;
  elapsedMs: number;
}

/** The frame columns' memory for this worker's next finishSplit (prepareMerge), if made. */
let mergeStore: FrameStore | null = null;

function toResult<T>(error: unknown): Result<T> {
  if (error instanceof AudioPathError) return fail(error.code, error.message);
  // A bug, not a property of the file: say so in one line (the page never shows stacks).
  const detail = error instanceof Error ? error.message : String(error);
  return fail('decode-failed', `The analysis stopped on an internal error (${detail.slice(0, 120)}).`);
}

const errorLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 160);

function throttle(onProgress: ProgressCallback | undefined, started: number): ProgressCallback {
  let last = 0;
  return (u) => {
    const now = performance.now();
    if (!onProgress || (now - last < PROGRESS_INTERVAL_MS && u.fraction < 1)) return;
    last = now;
    onProgress({ ...u, elapsedMs: now - started });
  };
}

/** The page's display data from the core's (peaks + spectrogram JSON for wavesurfer.js). */
function displayData(durationSec: number, sampleRateHz: number, display: Display): DisplayData {
  const { peaks, spectrogram: s } = display;
  return {
    durationSec,
    sampleRateHz,
    peaks: peaks.channels,
    spectrogram: { json: spectrogramJson(s, (bytes) => new Blob([bytes], { type: 'application/json' })), channels: s.channels.length, frameCount: s.frameCount, binCount: s.binCount },
  };
}

interface Finished {
  measurements: Measurements;
  display: DisplayData;
}

/** Fans every chunk out to the analyser and the display accumulators (one segment: the whole file). */
function createPipeline(sampleRateHz: number, channelCount: number, expectedFrameCount: number, options: AnalyzeOptions) {
  const analyzer = createAnalyzer(sampleRateHz, channelCount, { ...options, expectedFrames: expectedFrameCount });
  const display = createDisplaySegment(planDisplay(sampleRateHz, channelCount, expectedFrameCount), { start: 0, end: null, firstPushed: 0 });
  return {
    push(chunk: readonly Float32Array[]) {
      analyzer.push(chunk);
      display.push(chunk);
    },
    finish(): Finished {
      const measurements = analyzer.finish();
      return { measurements, display: displayData(measurements.durationSec, measurements.sampleRateHz, finishDisplay([display.partial()])) };
    },
  };
}

/**
 * mediabunny and the WASM decoders, imported when a compressed file needs them: this worker's
 * own script is compiled whole when it starts (vite.config.ts), and a WAV's analysis never calls
 * them. (The worker imports them once as it starts too, so they are fetched while the page is
 * online.)
 */
export const compressedReaders = () => Promise.all([import('mediabunny'), import('../src/core/format/compressed-stream')]);

/**
 * A compressed file's length from its container (mediabunny reads what it needs), for the display
 * plan; when even that fails, an upper bound from the size at 6 kbit/s, the lowest rate in use
 * (a coarser waveform, never one bucket per sample).
 */
async function computedDuration(file: Blob): Promise<number> {
  try {
    const [{ ALL_FORMATS, BlobSource, Input }] = await compressedReaders();
    const d = await new Input({ formats: ALL_FORMATS, source: new BlobSource(file) }).computeDuration();
    if (Number.isFinite(d) && d > 0) return d;
  } catch {
    // fall through to the bound
  }
  return (file.size * 8) / 6000;
}

/** A report but for its display: what a split file's merge makes while another worker finishes the display. */
export type ReportHead = Omit<FileReport, 'display'>;

function report(probe: ProbeWithWarnings, request: AnalyzeRequest, started: number, finished: Finished, contentHash: string): FileReport {
  return { ...reportHead(probe, request, started, finished.measurements, contentHash), display: finished.display };
}

function reportHead(probe: ProbeWithWarnings, request: AnalyzeRequest, started: number, measurements: Measurements, contentHash: string): ReportHead {
  // The same call, with the same inputs, as the CLI (src/cli/analyze-file.ts): one document.
  const input = {
    probe,
    measurements,
    contentHash,
    name: request.name,
    warnings: probe.warnings ?? [],
  };
  // Built and checked once, with the name; the summary without it is that one less its name (the
  // same keys in the same order as summarize({ keepName: false }) writes them).
  const summaryWithName = summarize({ ...input, keepName: true });
  const { name: _name, ...source } = summaryWithName.source;
  const summary: Summary = { ...summaryWithName, source };
  const findingNotes: Record<string, string> = {};
  for (const f of summary.findings) {
    const d = DETECTORS.find((x) => x.id === f.id);
    if (d) findingNotes[f.id] = d.description;
  }
  // A valid summary stays valid without its (optional) name.
  const checked = validateSummary(summaryWithName);
  return {
    probe,
    summary,
    summaryWithName,
    schemaErrors: checked.valid ? [] : checked.errors,
    findingNotes,
    elapsedMs: performance.now() - started,
  };
}

export const api = {
  /** In a short-lived worker: warm the kernels up, and return their module for the others (workers/warm-up.ts). */
  warmUp,

  /** Take the kernels' module warmed up in another worker (false if this one has run its own already). */
  useKernels(module: object): boolean {
    const taken = useKernelModule(module);
    // On the worker's timeline (the e2e test looks for it).
    if (taken) performance.mark('kernels: shared');
    return taken;
  },

  /**
   * Read the container's header (no decoding). With `splitInto` ≥ 2, a WAV long enough for two
   * segments is also cut into that many in the same call, from the layout the probe's header
   * read found (probeAndPlan, workers/segments.ts; its plan is null when it is not cut): one
   * round trip to the worker before the segments start instead of two, and one header read.
   */
  async probe(file: Blob, splitInto = 0): Promise<Result<{ probe: ContainerProbe; plan: SplitPlan | null }>> {
    try {
      return await probeAndPlan(file, splitInto);
    } catch (error) {
      return toResult(error);
    }
  },

  /** WAV: decode in chunks straight from the File, at the native rate, and analyse. */
  async analyzeFile(file: Blob, probe: ContainerProbe, request: AnalyzeRequest, onProgress?: ProgressCallback): Promise<Result<FileReport>> {
    const started = performance.now();
    const progress = throttle(onProgress, started);
    try {
      const opened = await readWav(file);
      if (!opened.ok) return opened;
      const pipeline = createPipeline(probe.decodedSampleRateHz, probe.channels, expectedFrames(probe), request.options);
      const rate = probe.decodedSampleRateHz;
      let frames = 0;
      for await (const { channels, bytesRead } of opened.value.chunks) {
        pipeline.push(channels);
        frames += channels[0]?.length ?? 0;
        progress({ stage: 'analysing', fraction: 0.97 * (bytesRead / Math.max(1, file.size)), audioSecDone: frames / rate, audioSecTotal: probe.durationSec ?? undefined });
      }
      progress({ stage: 'finishing', fraction: 0.98 });
      return ok(report(probe, request, started, pipeline.finish(), await opened.value.contentHash()));
    } catch (error) {
      return toResult(error);
    }
  },

  /**
   * Compressed formats, decoded in this worker with WebCodecs at the codec's native rate and
   * analysed as they decode. Encoder delay and padding are trimmed to [0, duration] by timestamp.
   * `null`: WebCodecs cannot decode this codec here (the client falls back to the page decoder).
   */
  async analyzeCompressed(file: Blob, probe: ContainerProbe, request: AnalyzeRequest, onProgress?: ProgressCallback): Promise<Result<FileReport | null>> {
    const started = performance.now();
    const progress = throttle(onProgress, started);
    try {
      const [{ ALL_FORMATS, AudioSampleSink, BlobSource, Input }, { openCompressedStream }] = await compressedReaders();
      // FLAC, MP3, Ogg Vorbis and Opus: the CLI's WASM decoders, here too (faster than the
      // browser's, and the same samples as the CLI).
      const wasm = await openCompressedStream(blobSource(file), { ...probe, warnings: [...(probe.warnings ?? [])] });
      if (wasm.ok) {
        const stream = wasm.value;
        const rate = probe.decodedSampleRateHz;
        // The display is planned from the length (Ogg headers do not say it: the container is read for it).
        const durationSec = probe.durationSec ?? (await computedDuration(file));
        const pipeline = createPipeline(rate, probe.channels, Math.round(durationSec * rate), request.options);
        let frames = 0;
        for await (const { channels, bytesRead } of stream.chunks()) {
          pipeline.push(channels);
          frames += channels[0]?.length ?? 0;
          progress({ stage: 'analysing', fraction: 0.97 * (bytesRead / Math.max(1, file.size)), audioSecDone: frames / rate, audioSecTotal: probe.durationSec ?? undefined });
        }
        progress({ stage: 'finishing', fraction: 0.98 });
        return ok(report(stream.probe, request, started, pipeline.finish(), stream.contentHash()));
      }
      if (wasm.error.code !== 'unsupported-codec') return wasm;
      if (typeof AudioDecoder === 'undefined') return ok(null);
      const input = new Input({ formats: ALL_FORMATS, source: new BlobSource(file) });
      const track = await input.getPrimaryAudioTrack();
      if (track === null || !(await track.canDecode())) return ok(null);
      const durationSec = await input.computeDuration();
      const rate = probe.decodedSampleRateHz;
      const expected = Math.round(durationSec * rate);
      const pipeline = createPipeline(rate, probe.channels, expected, request.options);
      let written = 0;
      const warnings = [...(probe.warnings ?? [])];
      try {
        for await (const sample of new AudioSampleSink(track).samples()) {
          try {
            if (sample.sampleRate !== rate) {
              throw new AudioPathError('decode-failed', `The decoder produced ${sample.sampleRate} Hz where the header says ${rate} Hz.`);
            }
            const frames = sample.numberOfFrames;
            const first = Math.round(sample.timestamp * rate);
            // Keep only [0, expected): drops priming before 0 and padding after the end.
            const from = Math.max(0, -first, written - first);
            const to = Math.min(frames, expected - first);
            if (to <= from) continue;
            const planes: Float32Array[] = [];
            for (let c = 0; c < probe.channels; c++) {
              const plane = new Float32Array(frames);
              if (c < sample.numberOfChannels) sample.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
              planes.push(plane.subarray(from, to));
            }
            pipeline.push(planes);
            written = first + to;
            progress({ stage: 'analysing', fraction: 0.9 * Math.min(1, written / Math.max(1, expected)), audioSecDone: written / rate, audioSecTotal: durationSec });
          } finally {
            sample.close();
          }
        }
      } catch (error) {
        // The browser's decoder gave up part-way (a corrupt frame, a truncated packet): analyse
        // what decoded and say where it stopped, as the CLI does; with nothing decoded, say why.
        if (error instanceof AudioPathError) throw error;
        if (written === 0) throw new AudioPathError('decode-failed', `The browser's ${probe.codec} decoder rejected this stream: ${errorLine(error)}`);
        warnings.push(`Decoding stopped at ${(written / rate).toFixed(3)} s of ${durationSec.toFixed(3)} s (${errorLine(error)}); the part before was analysed.`);
      }
      if (written === 0) return fail('decode-failed', `No audio could be decoded from this ${probe.codec} stream.`);
      const contentHash = await hashBlob(file, (f) => progress({ stage: 'hashing', fraction: 0.9 + 0.08 * f }));
      progress({ stage: 'finishing', fraction: 0.98 });
      return ok(report({ ...probe, warnings }, request, started, pipeline.finish(), contentHash));
    } catch (error) {
      return toResult(error);
    }
  },

  /**
   * A long compressed file's decoding half (workers/relay.ts): decoded and hashed here by the
   * WASM decoders, the chunks sent to `port`, where another worker's `analyzeRelayed` analyses
   * them. 'unsupported' when those decoders do not read the codec (the client then takes the
   * one-worker path); on any stop the other side is told, so it never waits.
   */
  async decodeTo(file: Blob, probe: ContainerProbe, port: MessagePort, onProgress?: ProgressCallback): Promise<Result<'sent' | 'unsupported'>> {
    const started = performance.now();
    const progress = throttle(onProgress, started);
    const relay = relaySender(port);
    try {
      const [, { openCompressedStream }] = await compressedReaders();
      const wasm = await openCompressedStream(blobSource(file), { ...probe, warnings: [...(probe.warnings ?? [])] });
      if (!wasm.ok) {
        relay.abort();
        return wasm.error.code === 'unsupported-codec' ? ok('unsupported') : wasm;
      }
      const stream = wasm.value;
      const rate = probe.decodedSampleRateHz;
      const durationSec = probe.durationSec ?? (await computedDuration(file));
      relay.start(rate, probe.channels, Math.round(durationSec * rate));
      let frames = 0;
      for await (const { channels, bytesRead } of stream.chunks()) {
        frames += channels[0]?.length ?? 0;
        await relay.send(channels);
        progress({ stage: 'analysing', fraction: 0.97 * (bytesRead / Math.max(1, file.size)), audioSecDone: frames / rate, audioSecTotal: probe.durationSec ?? undefined });
      }
      relay.end(stream.probe, stream.contentHash());
      performance.measure('relay: decoding', { start: started });
      return ok('sent');
    } catch (error) {
      relay.abort();
      return toResult(error);
    }
  },

  /** The analysing half of `decodeTo`: the report, or null when the decoding side stopped. */
  async analyzeRelayed(port: MessagePort, request: AnalyzeRequest): Promise<Result<FileReport | null>> {
    const started = performance.now();
    try {
      const state: { pipeline: ReturnType<typeof createPipeline> | null } = { pipeline: null };
      const end = await receiveRelay(port, {
        start(sampleRateHz, channelCount, expectedFrames) {
          state.pipeline = createPipeline(sampleRateHz, channelCount, expectedFrames, request.options);
        },
        chunk(channels) {
          if (!state.pipeline) throw new AudioPathError('decode-failed', 'Decoded audio arrived before the stream was described.');
          state.pipeline.push(channels);
        },
      });
      if (end === null || state.pipeline === null) return ok(null);
      const result = report(end.probe, request, started, state.pipeline.finish(), end.contentHash);
      performance.measure('relay: analysis', { start: started });
      return ok(result);
    } catch (error) {
      return toResult(error);
    }
  },

  /** Fallback for codecs WebCodecs lacks: PCM decoded by the page at the declared rate; analysed here. */
  async analyzeDecoded(
    file: Blob,
    probe: ContainerProbe,
    sampleRateHz: number,
    channels: Float32Array[],
    request: AnalyzeRequest,
    onProgress?: ProgressCallback,
  ): Promise<Result<FileReport>> {
    const started = performance.now();
    const progress = throttle(onProgress, started);
    try {
      const frames = channels[0]?.length ?? 0;
      const pipeline = createPipeline(sampleRateHz, channels.length, frames, request.options);
      const step = Math.max(1, sampleRateHz) * 4;
      for (let i = 0; i < frames; i += step) {
        const end = Math.min(frames, i + step);
        pipeline.push(channels.map((c) => c.subarray(i, end)));
        progress({ stage: 'analysing', fraction: 0.4 + 0.5 * (end / frames), audioSecDone: end / sampleRateHz, audioSecTotal: frames / sampleRateHz });
      }
      const contentHash = await hashBlob(file, (f) => progress({ stage: 'hashing', fraction: 0.9 + 0.08 * f }));
      progress({ stage: 'finishing', fraction: 0.98 });
      return ok(report(probe, request, started, pipeline.finish(), contentHash));
    } catch (error) {
      return toResult(error);
    }
  },

  /** One segment of a split WAV; the partials' buffers are transferred to the caller. */
  async analyzeSegment(file: Blob, job: SegmentJob, onProgress?: (framesDone: number) => void): Promise<Result<SegmentResult>> {
    try {
      const result = await analyzeWavSegment(file, job, onProgress);
      return transfer(ok(result), transferablesOf(result));
    } catch (error) {
      return toResult(error);
    }
  },

  /**
   * The rest of a segment this worker is running (by its job's id), cut off for another worker
   * that has none left and reads `thiefFramesPerMs`: its job, or null (the segment has ended,
   * or too little is left).
   */
  giveAwaySegment(id: number, display: SegmentJob['display'], thiefFramesPerMs: number): Result<SegmentJob | null> {
    try {
      return ok(giveAwaySegment(id, display, thiefFramesPerMs));
    } catch (error) {
      return toResult(error);
    }
  },

  /**
   * Called on the first worker of a split WAV's job to finish its segments, while the others
   * still read theirs: the memory the merge will copy the frame columns into, made and touched
   * now (createMergeStore), and the free kernel memory touched, so finishSplit here does not touch
   * them for the first time. Kept for the next finishSplit only.
   */
  prepareMerge(sampleRateHz: number, channelCount: number, totalFrames: number): void {
    const t0 = performance.now();
    mergeStore = createMergeStore(sampleRateHz, channelCount, totalFrames);
    // And the pages of free kernel memory the merge's kernels will take (prefaultKernelMemory).
    prefaultKernelMemory();
    performance.measure('prepare merge', { start: t0 });
  },

  /**
   * A split WAV's report but for its display: the segments' analysis partials (in file order)
   * merged and finished here, off the page's main thread, the content hash from the pieces they
   * digested (into the memory prepareMerge made, when it was called). Another worker finishes the
   * display meanwhile (finishSplitDisplay). `elapsedMs`: the job's time so far, for the report's timing.
   */
  async finishSplit(probe: ContainerProbe, request: AnalyzeRequest, segments: SegmentAnalysis[], elapsedMs: number): Promise<Result<ReportHead>> {
    const started = performance.now() - elapsedMs;
    const frameStore = mergeStore ?? undefined;
    mergeStore = null;
    try {
      const measurements = finishAnalysis(
        segments.map((s) => s.analysis),
        { ...request.options, frameStore },
      );
      const contentHash = contentHashOfPieces(segments.flatMap((s) => s.pieceDigests));
      const result = reportHead(probe, request, started, measurements, contentHash);
      performance.measure('merge', { start: started + elapsedMs });
      return ok(result);
    } catch (error) {
      return toResult(error);
    }
  },

  /** A split WAV's display (waveform peaks, spectrogram) from its segments' display partials, in file order. */
  async finishSplitDisplay(displays: DisplayPartial[], durationSec: number, sampleRateHz: number): Promise<Result<DisplayData>> {
    const started = performance.now();
    try {
      const result = displayData(durationSec, sampleRateHz, finishDisplay(displays));
      performance.measure('display merge', { start: started });
      return ok(result);
    } catch (error) {
      return toResult(error);
    }
  },
};

export type AnalysisApi = typeof api;
