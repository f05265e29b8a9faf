/**
 * The built-in VAD: level-relative energy detection in the speech band with hysteresis,
 * hangover (minSilenceSec), a minimum burst length and padding. No fixed dBFS gate unless the
 * caller sets `absoluteFloorDbfs`. See docs/vad.md for the design and its measured accuracy.
 */
import type { FrameTable } from '../frames/types';
import type { VadSettings, VadSummary } from '../summary/types';
import { buildLevelModel, type LevelModel, type LevelModelSettings } from './levels';
import { resolveVadSettings } from './defaults';
import { framesFromSegments, segmentsFromFrames } from './segments';
import { nthSmallestInPlace } from '../dsp/stats';

export interface VadTuning extends LevelModelSettings {
  /** Offset threshold as a fraction of the onset threshold's height above the floor. */
  offsetRatio: number;
}

export interface VadResult {
  summary: VadSummary;
  /** Per-frame decision after hangover and padding (1 = speech). */
  decisions: Uint8Array;
  /** Per-frame threshold decision with hysteresis only: before bridging, dropping and padding. */
  rawDecisions: Uint8Array;
  model: LevelModel;
  /** Median onset threshold over the file (speech-band dB); null when no speech level. */
  onsetThresholdDb: number | null;
}

/** Mean over channels of each frame's mean square (full band, time domain). */
export function meanChannelPower(table: FrameTable): Float64Array {
  const out = new Float64Array(table.frameCount);
  for (const col of table.channelPower) for (let i = 0; i < out.length; i++) out[i] += col[i];
  const k = 1 / Math.max(1, table.channelCount);
  for (let i = 0; i < out.length; i++) out[i] *= k;
  return out;
}

/** `scratch`: ≥ frameCount values the VAD may overwrite (see buildLevelModel). */
export function runVad(
  table: FrameTable,
  partialSettings: Partial<VadSettings> = {},
  tuning: Partial<VadTuning> = {},
  scratch: Float64Array = new Float64Array(table.frameCount),
): VadResult {
  const settings = resolveVadSettings(partialSettings);
  const offsetRatio = tuning.offsetRatio ?? 0.5;
  const model = buildLevelModel(table, tuning, scratch);
  const n = table.frameCount;
  const durationSec = table.sampleCount / table.sampleRateHz;
  const raw = new Uint8Array(n);
  let onsetThresholdDb: number | null = null;

  if (model.speechLevelDb !== null) {
    const S = model.speechLevelDb;
    const t = settings.threshold;
    const gateDb = settings.absoluteFloorDbfs;
    const fullBand = gateDb !== null ? meanChannelPower(table) : null;
    const gatePower = gateDb !== null ? 10 ** (gateDb / 10) : 0;
    // The onset threshold of every speech frame, for their median (the model is done with the scratch).
    const onsets = scratch.length >= n ? scratch : new Float64Array(n);
    let onsetCount = 0;
    const { noiseFloorDb, levelDb } = model;
    let speaking = false;
    for (let i = 0; i < n; i++) {
      const N = noiseFloorDb[i];
      const L = levelDb[i];
      const on = N + t * (S - N);
      const off = N + offsetRatio * t * (S - N);
      const gated = fullBand !== null && !(fullBand[i] >= gatePower);
      if (gated || !Number.isFinite(L)) speaking = false;
      else if (speaking) speaking = L >= off;
      else speaking = L >= on;
      raw[i] = speaking ? 1 : 0;
      if (speaking) onsets[onsetCount++] = on;
    }
    if (onsetCount > 0) {
      // The median by selection (what sorting would put there; a sort of 360 000 frames took ~45 ms).
      onsetThresholdDb = nthSmallestInPlace(onsets, onsetCount, Math.floor(onsetCount / 2));
    }
  }

  const segments = segmentsFromFrames(raw, table.hopSec, durationSec, settings);
  const decisions = framesFromSegments(segments, table.hopSec, n);
  let speechSec = 0;
  for (const s of segments) speechSec += s.endSec - s.startSec;
  const first = segments.length > 0 ? segments[0].startSec : null;
  const last = segments.length > 0 ? segments[segments.length - 1].endSec : null;
  const summary: VadSummary = {
    engine: 'builtin',
    settings,
    frameSec: table.hopSec,
    segments,
    speechRatio: durationSec > 0 ? speechSec / durationSec : 0,
    firstSpeechSec: first,
    lastSpeechEndSec: last,
    leadingSilenceSec: first,
    trailingSilenceSec: last !== null ? Math.max(0, durationSec - last) : null,
  };
  return { summary, decisions, rawDecisions: raw, model, onsetThresholdDb };
}
