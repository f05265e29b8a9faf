/**
 * Everything measured from the frame table, in one call for the composer:
 * VAD → (speech frames) → silence, active-speech SNR, bandwidth, layout.
 */
import type { Accumulator } from '../types';
import type { FrameAnalysisSettings, FrameTable } from './types';
import { createFrameAnalysis } from './frame-analysis';
import { createWadaSnr } from '../snr/wada';
import type { BandwidthSummary, LayoutSummary, SilenceSummary, SnrSummary, VadSettings, VadSummary } from '../summary/types';
import { runVad, type VadTuning } from '../vad/vad';
import { silenceRatio } from '../silence/silence';
import { activeSpeechSnr } from '../snr/active-snr';
import { effectiveBandwidth } from '../bandwidth/bandwidth';
import { channelLayout } from '../layout/layout';

export interface FrameMeasurements {
  vad: VadSummary;
  silence: SilenceSummary;
  /** wadaDb is filled only when `extras.wadaDb` is given (WADA runs on samples, not frames). */
  snr: SnrSummary;
  bandwidth: BandwidthSummary;
  layout: LayoutSummary;
  /** Per 10 ms frame (table.hopSec), 1 = speech after hangover and padding. */
  frameDecisions: Uint8Array;
  /** The same before hangover and padding: what the level test alone said. */
  rawDecisions: Uint8Array;
  /**
   * How far below the speech level S the first and last 30 ms are (speech-band dB, the VAD's
   * level model; null without a speech level or for digital silence): a file cut mid-word starts
   * or ends near S, a breath or a previous word's tail sits 20 dB or more below it.
   */
  edgeBelowSpeechDb: { start: number | null; end: number | null };
}

export interface DeriveExtras {
  /** Share of samples exactly 0, from the sample-level statistics. */
  digitalSilenceRatio?: number;
  /** From createWadaSnr(...).finish().snrDb. */
  wadaDb?: number | null;
}

export function deriveFrameMeasurements(
  table: FrameTable,
  vadSettings: Partial<VadSettings> = {},
  tuning: Partial<VadTuning> = {},
  extras: DeriveExtras = {},
): FrameMeasurements {
  const vad = runVad(table, vadSettings, tuning);
  const snr = activeSpeechSnr(table, vad.decisions);
  const silence = silenceRatio(table, snr.speechDbfs, extras.digitalSilenceRatio ?? 0);
  const bandwidth = effectiveBandwidth(table.spectrum, table.sampleRateHz, vad.onsetThresholdDb);
  const layout = channelLayout(table, vad.decisions);
  return {
    vad: vad.summary,
    silence,
    snr: { ...snr, wadaDb: extras.wadaDb ?? null },
    bandwidth,
    layout,
    frameDecisions: vad.decisions,
    rawDecisions: vad.rawDecisions,
    edgeBelowSpeechDb: vad.edgeBelowSpeechDb,
  };
}

export interface FrameMeasurementOptions {
  vad?: Partial<VadSettings>;
  frames?: Partial<FrameAnalysisSettings>;
}

/**
 * The frame pass and WADA-SNR as one streaming accumulator: push planar chunks, then `finish()`
 * returns every frame-level summary (with `snr.wadaDb` filled) and the table itself, for callers
 * that want more from it. `silence.digitalSilenceRatio` is 0 here: set it from the sample stats.
 */
export function createFrameMeasurements(
  sampleRateHz: number,
  channelCount: number,
  options: FrameMeasurementOptions = {},
): Accumulator<FrameMeasurements & { table: FrameTable }> {
  const frames = createFrameAnalysis(sampleRateHz, channelCount, options.frames);
  const wada = createWadaSnr(channelCount);
  return {
    push(channels) {
      frames.push(channels);
      wada.push(channels);
    },
    finish() {
      const table = frames.finish();
      const m = deriveFrameMeasurements(table, options.vad, {}, { wadaDb: wada.finish().snrDb });
      return { ...m, table };
    },
  };
}
