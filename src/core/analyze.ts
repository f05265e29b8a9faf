/**
 * The one analysis entry point: the CLI, the workers and the tests all call this.
 *
 * Every measurement is a streaming accumulator, so one pass over the audio in chunks of any size
 * feeds them all; memory is bounded by the frame table (a few floats per 10 ms), not the file.
 * At the end the frame-level measurements (VAD → silence, SNR, bandwidth, layout) are derived.
 *
 * Segments, for analysing one file on several threads: `planSegments` cuts a file into stretches
 * on a grid every accumulator shares (whole hops, 1 ms and 100 ms sub-blocks, WADA groups),
 * `createSegmentAnalyzer` analyses one stretch — pushed from 2 s before its start (filters and
 * envelopes settle) and past its end while `needsMore()` (the last frames' windows, the hum and
 * echo blocks that start in it, a zero or clip run it owns) — into a plain-data `AnalysisPartial`, and
 * `mergeAnalysisPartials` + `finishAnalysis` give the whole file's measurements: the frame table
 * is concatenated and VAD and everything derived from it run once on it, so the result equals one
 * pass up to the rounding of a few sums. `createAnalyzer` is that with one segment.
 */
import type { Accumulator, PcmAudio } from './types';
import type {
  BandwidthSummary,
  ChannelSummary,
  ClippingSummary,
  LayoutSummary,
  LevelsSummary,
  SilenceSummary,
  SnrSummary,
  VadSettings,
  VadSummary,
} from './summary/types';
import type { Diagnostics } from './diagnostics';
import { createLevels, finishLevels, mergeLevels, type LevelsPartial } from './levels/levels';
import {
  createFrameAnalysis,
  finishFrameTable,
  hopSamplesFor,
  mergeFrameTables,
  type FrameStore,
  type FrameTablePartial,
} from './frames/frame-analysis';
import { DEFAULT_FRAME_SETTINGS } from './frames/types';
import { deriveFrameMeasurements } from './frames/derive';
import { WADA_GROUP, createWadaSnr, finishWada, mergeWada, type WadaPartial } from './snr/wada';
import { createHumAnalysis, finishHum, humBlockSamples, mergeHum, type HumPartial } from './hum/hum';
import { createEchoAnalysis, echoBlockSamples, finishEcho, mergeEcho, type EchoPartial } from './echo/cepstrum-echo';
import { createZeroRuns, finishZeroRuns, mergeZeroRuns, zeroRunsContextSamples, type ZeroRunsPartial } from './dropouts/zero-runs';
import { createStaging } from './kernels/runtime';
import { createClipRanges, finishClipRanges, mergeClipRanges, type ClipRangesPartial } from './levels/clip-ranges';

export interface AnalyzeOptions {
  vad?: Partial<VadSettings>;
  /** Samples per channel a header promises: sizes the frame table once (the results do not depend on it). */
  expectedFrames?: number;
  /**
   * The frame store the segments wrote their rows into (SegmentSpec.frameStore): its rows are
   * merged without a copy and finished in place, so a store serves one finishAnalysis.
   */
  frameStore?: FrameStore;
}

/** Everything measured on the audio itself (the summary adds source, findings, schema). */
export interface Measurements {
  sampleRateHz: number;
  channelCount: number;
  /** Frames (samples per channel) analysed. */
  frameCount: number;
  durationSec: number;
  levels: LevelsSummary;
  channels: ChannelSummary[];
  clipping: ClippingSummary;
  silence: SilenceSummary;
  vad: VadSummary;
  snr: SnrSummary;
  bandwidth: BandwidthSummary;
  layout: LayoutSummary;
  /** Per 10 ms frame, 1 = speech (after hangover and padding); for plots, not for the summary. */
  vadFrames: Uint8Array;
  vadFrameSec: number;
  /** Evidence for the failure-plane detectors. */
  diagnostics: Diagnostics;
  warnings: string[];
}

/**
 * A stretch of a file: samples [start, end) per channel (end null = to the end of the audio).
 * Every start and end but the file's own lie on the segment grid (`segmentGrid`).
 */
export interface SegmentSpec {
  start: number;
  end: number | null;
  /** The audio's length (samples per channel) when a header gives it: sizes buffers, nothing else. */
  expectedEnd?: number;
  /** The whole file's frame columns, shared by its segments (createFrameStore), when the caller has one. */
  frameStore?: FrameStore;
}

/** Everything one segment measured, as plain data (structured-clonable: typed arrays, numbers). */
export interface AnalysisPartial {
  sampleRateHz: number;
  channelCount: number;
  /** Samples per channel owned by the segment(s). */
  frameCount: number;
  /** True when the last segment (the one reaching the end of the audio) is included. */
  final: boolean;
  levels: LevelsPartial;
  frames: FrameTablePartial;
  wada: WadaPartial;
  hum: HumPartial;
  echo: EchoPartial;
  zeroRuns: ZeroRunsPartial;
  clipRanges: ClipRangesPartial;
}

export interface SegmentAnalyzer {
  /** The first sample to push (absolute): 2 s before the start, or 0. */
  readonly firstSample: number;
  /** Planar chunks in order from `firstSample`; after `end`, only while `needsMore()`. */
  push(channels: readonly Float32Array[]): void;
  /** True until every sample the segment needs has been pushed (false at the end of the audio too). */
  needsMore(): boolean;
  /**
   * End the segment at `end` instead, for another thread to take the rest from there (work
   * stealing): `end` lies on the segment grid, inside the segment and at or past every sample
   * pushed so far, so no accumulator has yet done anything its old end decided. False (nothing
   * changed) when it does not. The partial is then the one a segment planned to end there gives.
   */
  cut(end: number): boolean;
  partial(): AnalysisPartial;
}

/** Samples pushed before a segment's start: P.56's 30 ms smoothers and 0.2 s hangover, K-weighting. */
export const SEGMENT_WARMUP_SEC = 2;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/**
 * The segment grid, samples: every segment boundary is a multiple of it, so each accumulator
 * sees whole hops, 1 ms and 100 ms sub-blocks and WADA groups (0.1 s at 16 and 48 kHz, 8.8 s at
 * 44.1 kHz). Hum and echo blocks are longer (1–4 s): a segment owns the blocks that start in it.
 * Null when the grid is absurdly long (an odd rate): no split.
 */
export function segmentGrid(sampleRateHz: number): number | null {
  const parts = [
    hopSamplesFor(sampleRateHz, DEFAULT_FRAME_SETTINGS.hopSec),
    Math.max(1, Math.round(sampleRateHz / 1000)),
    Math.max(1, Math.round(sampleRateHz / 10)),
    WADA_GROUP,
  ];
  const grid = parts.reduce(lcm, 1);
  return grid <= 2 ** 32 ? grid : null;
}

/** Shortest segment worth a thread: each starts with 2 s of warm-up that is read twice. */
export const MIN_SEGMENT_SEC = 30;

/**
 * Segments per worker when the page splits a WAV (the CLI cuts one per thread). One: each
 * segment has a fixed cost (its accumulators, warm-up and the pieces it reads past its ends),
 * and on 2 cores 1 h of 48 kHz stereo took 5.2–5.3 s in 2 segments, 5.4–5.7 s in 4 and
 * 6.4–6.7 s in 8 (16 kHz mono: 2.6–3.2, 3.1–3.7, 3.6–3.8 s). The segments still come from one
 * queue, so a worker that joins late (another file held it) takes what is left.
 */
export const PAGE_SEGMENTS_PER_WORKER = 1;

/**
 * Cut `frameCount` samples into at most `count` segments on the grid, as equal as the grid
 * allows and none shorter than MIN_SEGMENT_SEC; fewer (down to one) when the file is short.
 */
export function planSegments(sampleRateHz: number, frameCount: number, count: number): SegmentSpec[] {
  const grid = segmentGrid(sampleRateHz);
  const cells = grid === null ? 0 : Math.floor(frameCount / grid);
  const minCells = grid === null ? 1 : Math.max(1, Math.ceil((MIN_SEGMENT_SEC * sampleRateHz) / grid));
  const n = Math.max(1, Math.min(Math.floor(count), Math.floor(cells / minCells)));
  if (n === 1 || grid === null) return [{ start: 0, end: null, expectedEnd: frameCount }];
  const specs: SegmentSpec[] = [];
  for (let k = 0; k < n; k++) {
    const start = Math.round((k * cells) / n) * grid;
    const end = k === n - 1 ? null : Math.round(((k + 1) * cells) / n) * grid;
    specs.push(end === null ? { start, end, expectedEnd: frameCount } : { start, end });
  }
  return specs;
}

/** Views of `channels` (which start at absolute sample `at`) from absolute `from` on. */
const from = (channels: readonly Float32Array[], at: number, start: number): readonly Float32Array[] =>
  start <= at ? channels : channels.map((c) => c.subarray(Math.min(c.length, start - at)));
/** Views up to absolute `end`. */
const upTo = (channels: readonly Float32Array[], at: number, end: number): readonly Float32Array[] =>
  end >= at + (channels[0]?.length ?? 0) ? channels : channels.map((c) => c.subarray(0, Math.max(0, end - at)));

export function createSegmentAnalyzer(sampleRateHz: number, channelCount: number, spec: SegmentSpec): SegmentAnalyzer {
  const { start } = spec;
  let end = spec.end ?? Infinity;
  let final = spec.end === null;
  const firstSample = Math.max(0, start - Math.round(SEGMENT_WARMUP_SEC * sampleRateHz));
  const levels = createLevels(sampleRateHz, channelCount, start - firstSample, firstSample);
  const frames = createFrameAnalysis(sampleRateHz, channelCount, {}, {
    start,
    end: spec.end,
    firstPushed: firstSample,
    expectedEnd: spec.expectedEnd,
    store: spec.frameStore,
  });
  const wada = createWadaSnr(channelCount);
  const hum = createHumAnalysis(sampleRateHz, channelCount);
  const echo = createEchoAnalysis(sampleRateHz, channelCount);
  // Hum and echo blocks (1–4 s) are owned by the segment they start in: each is fed from its
  // first block boundary at or after the start to the first at or after the end.
  const humBlock = humBlockSamples(sampleRateHz);
  const echoBlock = echoBlockSamples(sampleRateHz);
  const blockAt = (at: number, block: number): number => Math.ceil(at / block) * block;
  const humFrom = blockAt(start, humBlock);
  const echoFrom = blockAt(start, echoBlock);
  let humTo = blockAt(end, humBlock);
  let echoTo = blockAt(end, echoBlock);
  const zeroFrom = Math.max(0, start - zeroRunsContextSamples(sampleRateHz));
  const zeroRuns = createZeroRuns(sampleRateHz, channelCount, { start, end });
  const clipRanges = createClipRanges(sampleRateHz, channelCount, { start, end: spec.end, firstPushed: firstSample });
  let position = firstSample;
  let done: AnalysisPartial | null = null;
  // Each chunk is copied into kernel memory once, here, and every accumulator reads it there.
  const staging = createStaging(channelCount);
  function pushStaged(channels: readonly Float32Array[]): void {
    const n = channels[0].length;
    const at = position;
    position += n;
    if (at < end) {
      const own = upTo(channels, at, end);
      levels.push(own);
      if (position > start) wada.push(from(own, at, start));
    }
    const range = (lo: number, hi: number): readonly Float32Array[] | null =>
      position > lo && at < hi ? from(upTo(channels, at, hi), at, lo) : null;
    const forHum = range(humFrom, humTo);
    if (forHum) hum.push(forHum);
    const forEcho = range(echoFrom, echoTo);
    if (forEcho) echo.push(forEcho);
    if (frames.needsMore()) frames.push(channels);
    if (position > zeroFrom && (at < end || !zeroRuns.settled())) zeroRuns.push(from(channels, at, zeroFrom));
    if (clipRanges.needsMore()) clipRanges.push(channels);
  }
  return {
    firstSample,
    push(channels) {
      if (channels.length !== channelCount) {
        throw new RangeError(`expected ${channelCount} channels, got ${channels.length}`);
      }
      const n = channels[0]?.length ?? 0;
      if (n === 0) return;
      for (const c of channels) if (c.length !== n) throw new RangeError('channels of one chunk differ in length');
      for (let from = 0; from < n; from += staging.maxFrames) {
        pushStaged(staging.views(channels, from, Math.min(staging.maxFrames, n - from)));
      }
    },
    needsMore() {
      return position < Math.max(end, humTo, echoTo) || frames.needsMore() || !zeroRuns.settled() || clipRanges.needsMore();
    },
    cut(at) {
      const grid = segmentGrid(sampleRateHz);
      if (done || grid === null || at % grid !== 0 || at <= start || at >= end || at < position) return false;
      end = at;
      final = false;
      humTo = blockAt(at, humBlock);
      echoTo = blockAt(at, echoBlock);
      frames.cut(at);
      zeroRuns.cut(at);
      clipRanges.cut(at);
      return true;
    },
    partial() {
      if (done) return done;
      // Asked while it still needs samples: the audio ended (always so for the final segment).
      const atEnd = this.needsMore();
      done = {
        sampleRateHz,
        channelCount,
        frameCount: Math.max(0, Math.min(position, end) - start),
        final,
        levels: levels.partial(),
        frames: frames.partial(),
        wada: wada.partial(),
        // A block range cut short by the end of the audio ends with the file's last, partial block.
        hum: hum.partial(position < humTo),
        echo: echo.partial(position < echoTo),
        zeroRuns: zeroRuns.partial(atEnd),
        clipRanges: clipRanges.partial(),
      };
      // The partial is plain data: the accumulators' kernel memory is free for what comes next
      // (the merge's derived measurements) now rather than when they are collected.
      for (const a of [levels, wada, hum, echo, zeroRuns, clipRanges, staging]) a.release();
      return done;
    },
  };
}

/** The partials of adjacent segments, in order, as one (the frame tables concatenated once, the block sums added in order). */
export function mergeAnalysisPartials(partials: readonly AnalysisPartial[], frameStore?: FrameStore): AnalysisPartial {
  if (partials.length === 0) throw new RangeError('no segments');
  if (partials.slice(0, -1).some((p) => p.final)) throw new RangeError('nothing follows the final segment');
  const pair = (a: AnalysisPartial, b: AnalysisPartial): AnalysisPartial => ({
    ...a,
    frameCount: a.frameCount + b.frameCount,
    final: b.final,
    levels: mergeLevels(a.levels, b.levels),
    wada: mergeWada(a.wada, b.wada),
    zeroRuns: mergeZeroRuns(a.zeroRuns, b.zeroRuns),
    clipRanges: mergeClipRanges(a.sampleRateHz, a.clipRanges, b.clipRanges),
  });
  return {
    ...partials.slice(1).reduce(pair, partials[0]),
    frames: mergeFrameTables(partials.map((p) => p.frames), frameStore),
    hum: mergeHum(partials.map((p) => p.hum)),
    echo: mergeEcho(partials.map((p) => p.echo)),
  };
}

/** The measurements of a whole file from the merged partials of its segments, in order. */
export function finishAnalysis(partials: readonly AnalysisPartial[], options: AnalyzeOptions = {}): Measurements {
  const p = mergeAnalysisPartials(partials, options.frameStore);
  const { sampleRateHz, channelCount, frameCount } = p;
  const l = finishLevels(p.levels);
  const table = finishFrameTable(p.frames);
  const w = finishWada(p.wada);
  const zeroSamples = l.channels.reduce((a, c) => a + c.digitalSilenceRatio, 0) / Math.max(1, channelCount);
  const f = deriveFrameMeasurements(table, options.vad ?? {}, {}, { digitalSilenceRatio: zeroSamples, wadaDb: w.snrDb });
  const warnings: string[] = [];
  if (l.levels.nonFiniteSamples > 0) {
    warnings.push(`${l.levels.nonFiniteSamples} samples were NaN or infinite; they were counted as 0 in every measurement.`);
  }
  const durationSec = frameCount / sampleRateHz;
  const frameSec = table.hopSec;
  const raw = f.rawDecisions;
  const firstRaw = raw.indexOf(1);
  const lastRaw = raw.lastIndexOf(1);
  return {
    sampleRateHz,
    channelCount,
    frameCount,
    durationSec,
    levels: l.levels,
    channels: l.channels,
    clipping: l.clipping,
    silence: f.silence,
    vad: f.vad,
    snr: f.snr,
    bandwidth: f.bandwidth,
    layout: f.layout,
    vadFrames: f.frameDecisions,
    vadFrameSec: frameSec,
    diagnostics: {
      hum: finishHum(sampleRateHz, p.hum),
      echo: finishEcho(sampleRateHz, p.echo),
      zeroRuns: finishZeroRuns(sampleRateHz, p.zeroRuns),
      firstRawSpeechSec: firstRaw < 0 ? null : firstRaw * frameSec,
      lastRawSpeechEndSec: lastRaw < 0 ? null : Math.min(durationSec, (lastRaw + 1) * frameSec),
      edgeBelowSpeechDb: f.edgeBelowSpeechDb,
      clippedRanges: finishClipRanges(sampleRateHz, p.clipRanges),
    },
    warnings,
  };
}

/** The whole file in one pass: one segment from 0 to the end. */
export function createAnalyzer(
  sampleRateHz: number,
  channelCount: number,
  options: AnalyzeOptions = {},
): Accumulator<Measurements> {
  const segment = createSegmentAnalyzer(sampleRateHz, channelCount, { start: 0, end: null, expectedEnd: options.expectedFrames });
  return {
    push(channels) {
      segment.push(channels);
    },
    finish() {
      return finishAnalysis([segment.partial()], options);
    },
  };
}

export function analyzePcm(audio: PcmAudio, options: AnalyzeOptions = {}): Measurements {
  const analyzer = createAnalyzer(audio.sampleRateHz, audio.channels.length, { ...options, expectedFrames: audio.channels[0]?.length });
  analyzer.push(audio.channels);
  return analyzer.finish();
}
