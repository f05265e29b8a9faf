import type { VadSettings } from '../summary/types';

/**
 * Defaults of the built-in VAD (reasoning in docs/vad.md):
 * - threshold 0.35: onset where a frame's speech-band level is 35 % of the way (in dB) from the
 *   local noise floor to the recording's speech level; the offset threshold is half of that.
 * - minSpeechSec 0.1: shorter bursts are clicks or noise bumps, not syllables.
 * - minSilenceSec 0.3: pauses shorter than this are within-phrase (stop closures, word gaps).
 * - padSec 0.05: weak onsets / word-final decays below the threshold; the 32 ms analysis window
 *   and 30 ms level smoothing already reach ~30 ms past the frames that cross it.
 * - absoluteFloorDbfs null: no fixed gate (quiet speakers are speakers).
 */
export const DEFAULT_VAD_SETTINGS: VadSettings = {
  threshold: 0.35,
  minSpeechSec: 0.1,
  minSilenceSec: 0.3,
  padSec: 0.05,
  absoluteFloorDbfs: null,
};

export function resolveVadSettings(partial: Partial<VadSettings> = {}): VadSettings {
  const s = { ...DEFAULT_VAD_SETTINGS, ...partial };
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  return {
    threshold: clamp(Number.isFinite(s.threshold) ? s.threshold : DEFAULT_VAD_SETTINGS.threshold, 0, 1),
    minSpeechSec: Math.max(0, s.minSpeechSec),
    minSilenceSec: Math.max(0, s.minSilenceSec),
    padSec: Math.max(0, s.padSec),
    absoluteFloorDbfs: s.absoluteFloorDbfs ?? null,
  };
}
