/**
 * The built-in VAD: level-relative energy detection in the speech band with hysteresis,
 * hangover (minSilenceSec), a minimum burst length and padding. No fixed dBFS gate unless the
 * caller sets `absoluteFloorDbfs`. See docs/vad.md for the design and its measured accuracy.
 */
import type { FrameTable } from '../frames/types';
import type { VadSettings, VadSummary } from '../summary/types';
import { kernels } from '../kernels/runtime';
import { levelModelInKernels, type LevelModel, type LevelModelSettings } from './levels';
import { resolveVadSettings } from './defaults';
import { framesFromSegments, segmentsFromFrames } from './segments';

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
  /** Speech level S of the level model, dB; null when no frame rises clearly above the noise floor. */
  speechLevelDb: number | null;
  /** The level model frame by frame: only when asked for (`keepModel`), as it is two more arrays per frame. */
  model: LevelModel | null;
  /** Median onset threshold over the file (speech-band dB); null when no speech level. */
  onsetThresholdDb: number | null;
  /** How far below the speech level the loudest of the first and of the last EDGE_FRAMES levels are, dB (null: no speech level, or all −∞). */
  edgeBelowSpeechDb: { start: number | null; end: number | null };
}

/** The first/last 3 hops (30 ms) of the smoothed level. */
export const EDGE_FRAMES = 3;

/** Mean over channels of each frame's mean square (full band, time domain). */
export function meanChannelPower(table: FrameTable): Float64Array {
  const out = new Float64Array(table.frameCount);
  for (const col of table.channelPower) for (let i = 0; i < out.length; i++) out[i] += col[i];
  const k = 1 / Math.max(1, table.channelCount);
  for (let i = 0; i < out.length; i++) out[i] *= k;
  return out;
}

export function runVad(
  table: FrameTable,
  partialSettings: Partial<VadSettings> = {},
  tuning: Partial<VadTuning> = {},
  options: { keepModel?: boolean } = {},
): VadResult {
  const settings = resolveVadSettings(partialSettings);
  const offsetRatio = tuning.offsetRatio ?? 0.5;
  const n = table.frameCount;
  const durationSec = table.sampleCount / table.sampleRateHz;
  const gateDb = settings.absoluteFloorDbfs;
  const fullBand = gateDb !== null ? meanChannelPower(table) : null;
  // Beyond the model's own buffers: the raw decisions, and the full-band powers when gated.
  const rawBytes = 8 * Math.ceil(Math.max(1, n) / 8);
  const m = levelModelInKernels(table, tuning, rawBytes + (fullBand ? 8 * Math.max(1, n) : 0));
  let raw: Uint8Array;
  let onsetThresholdDb: number | null = null;
  let model: LevelModel | null = null;
  let edgeBelowSpeechDb: VadResult['edgeBelowSpeechDb'];
  try {
    const k = kernels();
    const S = m.speechLevelDb;
    if (S !== null) {
      const gate = fullBand ? m.extra + rawBytes : 0;
      if (fullBand) k.f64(gate, n).set(fullBand);
      // Every speech frame's onset threshold goes to the scratch, for their median.
      const gatePower = gateDb !== null ? 10 ** (gateDb / 10) : 0;
      const onsets = k.exports.levels_hysteresis(m.levelDb, m.noiseFloorDb, n, S, settings.threshold, offsetRatio, gate, gatePower, m.extra, m.scratch);
      // The median by selection (what sorting would put there; a sort of 360 000 frames took ~45 ms).
      if (onsets > 0) onsetThresholdDb = k.exports.nth_smallest_f64(m.scratch, onsets, Math.floor(onsets / 2));
    } else k.u8(m.extra, n).fill(0);
    raw = k.u8(m.extra, n).slice();
    const levelDb = k.f64(m.levelDb, n);
    edgeBelowSpeechDb = edgeLevels(levelDb, S, EDGE_FRAMES);
    if (options.keepModel) model = { levelDb: levelDb.slice(), noiseFloorDb: k.f64(m.noiseFloorDb, n).slice(), speechLevelDb: S };
  } finally {
    m.release();
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
  return { summary, decisions, rawDecisions: raw, speechLevelDb: m.speechLevelDb, model, onsetThresholdDb, edgeBelowSpeechDb };
}

function edgeLevels(levelDb: Float64Array, speechLevelDb: number | null, frames: number): VadResult['edgeBelowSpeechDb'] {
  const n = levelDb.length;
  if (speechLevelDb === null || n === 0) return { start: null, end: null };
  const below = (from: number, to: number): number | null => {
    let max = -Infinity;
    for (let i = Math.max(0, from); i < Math.min(n, to); i++) max = Math.max(max, levelDb[i]);
    return Number.isFinite(max) ? speechLevelDb - max : null;
  };
  return { start: below(0, frames), end: below(n - frames, n) };
}
