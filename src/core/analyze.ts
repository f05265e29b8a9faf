/**
 * The one analysis entry point: the CLI, the workers and the tests all call this.
 *
 * Every measurement is a streaming accumulator, so one pass over the audio in chunks of any size
 * feeds them all; memory is bounded by the frame table (a few floats per 10 ms), not the file.
 * At the end the frame-level measurements (VAD → silence, SNR, bandwidth, layout) are derived.
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
import { createLevels } from './levels/levels';
import { createFrameAnalysis } from './frames/frame-analysis';
import { deriveFrameMeasurements } from './frames/derive';
import { createWadaSnr } from './snr/wada';
import { createHumAnalysis } from './hum/hum';
import { createEchoAnalysis } from './echo/cepstrum-echo';
import { createZeroRuns } from './dropouts/zero-runs';
import { createClipRanges } from './levels/clip-ranges';

export interface AnalyzeOptions {
  vad?: Partial<VadSettings>;
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

export function createAnalyzer(
  sampleRateHz: number,
  channelCount: number,
  options: AnalyzeOptions = {},
): Accumulator<Measurements> {
  const levels = createLevels(sampleRateHz, channelCount);
  const frames = createFrameAnalysis(sampleRateHz, channelCount);
  const wada = createWadaSnr(channelCount);
  const hum = createHumAnalysis(sampleRateHz, channelCount);
  const echo = createEchoAnalysis(sampleRateHz, channelCount);
  const zeroRuns = createZeroRuns(sampleRateHz, channelCount);
  const clipRanges = createClipRanges(sampleRateHz, channelCount);
  const parts: Array<Accumulator<unknown>> = [levels, frames, wada, hum, echo, zeroRuns, clipRanges];
  let frameCount = 0;
  return {
    push(channels) {
      if (channels.length !== channelCount) {
        throw new RangeError(`expected ${channelCount} channels, got ${channels.length}`);
      }
      const n = channels[0]?.length ?? 0;
      if (n === 0) return;
      for (const c of channels) if (c.length !== n) throw new RangeError('channels of one chunk differ in length');
      frameCount += n;
      for (const part of parts) part.push(channels);
    },
    finish() {
      const l = levels.finish();
      const table = frames.finish();
      const w = wada.finish();
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
          hum: hum.finish(),
          echo: echo.finish(),
          zeroRuns: zeroRuns.finish(),
          firstRawSpeechSec: firstRaw < 0 ? null : firstRaw * frameSec,
          lastRawSpeechEndSec: lastRaw < 0 ? null : Math.min(durationSec, (lastRaw + 1) * frameSec),
          edgeBelowSpeechDb: f.edgeBelowSpeechDb,
          clippedRanges: clipRanges.finish(),
        },
        warnings,
      };
    },
  };
}

export function analyzePcm(audio: PcmAudio, options: AnalyzeOptions = {}): Measurements {
  const analyzer = createAnalyzer(audio.sampleRateHz, audio.channels.length, options);
  analyzer.push(audio.channels);
  return analyzer.finish();
}
