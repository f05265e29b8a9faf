/**
 * Active-speech SNR from a VAD split: speech-frame power Ps over non-speech-frame power Pn, with
 * the noise removed from the speech frames: SNR = 10·log10((Ps − Pn) / Pn), clamped to
 * [−20, 60] dB. Powers are full band, time domain, averaged over channels.
 * - Non-speech frames that are all exact digital zeros: no noise to measure; reported as the
 *   60 dB cap with `noiseIsDigitalSilence: true`.
 * - Fewer than `minNoiseSec` of non-speech (or no speech): db = null, nothing to compare.
 */
import type { FrameTable } from '../frames/types';
import type { SnrSummary } from '../summary/types';
import { dbOrNull, powerToDb } from '../dsp/db';

export const SNR_CAP_DB = 60;
export const SNR_FLOOR_DB = -20;

export interface ActiveSnrOptions {
  minNoiseSec: number;
  minSpeechSec: number;
}

const DEFAULTS: ActiveSnrOptions = { minNoiseSec: 0.2, minSpeechSec: 0.1 };

export function activeSpeechSnr(
  table: FrameTable,
  decisions: Uint8Array,
  options: Partial<ActiveSnrOptions> = {},
): SnrSummary {
  const cfg = { ...DEFAULTS, ...options };
  const n = table.frameCount;
  let speechEnergy = 0;
  let speechSamples = 0;
  let noiseEnergy = 0;
  let noiseSamples = 0;
  let allNoiseSilent = true;
  const C = Math.max(1, table.channelCount);
  for (let i = 0; i < n; i++) {
    const len = i === n - 1 ? table.lastFrameSamples : table.hopSamples;
    let p = 0;
    for (let c = 0; c < table.channelCount; c++) p += table.channelPower[c][i];
    p /= C;
    if (decisions[i]) {
      speechEnergy += p * len;
      speechSamples += len;
    } else {
      noiseEnergy += p * len;
      noiseSamples += len;
      if (!table.digitalSilence[i]) allNoiseSilent = false;
    }
  }
  const sr = table.sampleRateHz;
  const Ps = speechSamples > 0 ? speechEnergy / speechSamples : 0;
  const Pn = noiseSamples > 0 ? noiseEnergy / noiseSamples : 0;
  const speechDbfs = speechSamples > 0 ? dbOrNull(powerToDb(Ps)) : null;
  const noiseDbfs = noiseSamples > 0 ? dbOrNull(powerToDb(Pn)) : null;
  const base = { wadaDb: null, speechDbfs, noiseDbfs };
  if (speechSamples / sr < cfg.minSpeechSec || noiseSamples / sr < cfg.minNoiseSec || Ps === 0) {
    return { ...base, db: null, noiseIsDigitalSilence: false };
  }
  if (allNoiseSilent || Pn === 0) return { ...base, db: SNR_CAP_DB, noiseIsDigitalSilence: true };
  const ratio = (Ps - Pn) / Pn;
  const db = ratio > 0 ? 10 * Math.log10(ratio) : -Infinity;
  return { ...base, db: Math.min(SNR_CAP_DB, Math.max(SNR_FLOOR_DB, db)), noiseIsDigitalSilence: false };
}
