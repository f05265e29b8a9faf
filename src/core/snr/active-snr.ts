/**
 * Active-speech SNR from a VAD split: speech-frame power Ps over non-speech-frame power Pn, with
 * the noise removed from the speech frames: SNR = 10·log10((Ps − Pn) / Pn), clamped to
 * [−20, 60] dB. Powers are full band, time domain, averaged over channels.
 * - Hops of exact digital silence are left out of Pn: zeros spliced in by editing or by a
 *   discontinuous transmission are not the recording's noise, and averaging them in would raise
 *   the SNR by however much silence was added. When less than `minNoiseSec` of non-speech is
 *   non-zero (and there is that much non-speech), the noise IS digital silence: reported as the
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
  let noiseSamples = 0; // non-speech, not digital silence
  let silentSamples = 0; // non-speech, digital silence
  const C = Math.max(1, table.channelCount);
  for (let i = 0; i < n; i++) {
    const len = i === n - 1 ? table.lastFrameSamples : table.hopSamples;
    let p = 0;
    for (let c = 0; c < table.channelCount; c++) p += table.channelPower[c][i];
    p /= C;
    if (decisions[i]) {
      speechEnergy += p * len;
      speechSamples += len;
    } else if (table.digitalSilence[i]) {
      silentSamples += len;
    } else {
      noiseEnergy += p * len;
      noiseSamples += len;
    }
  }
  const sr = table.sampleRateHz;
  const Ps = speechSamples > 0 ? speechEnergy / speechSamples : 0;
  const Pn = noiseSamples > 0 ? noiseEnergy / noiseSamples : 0;
  const speechDbfs = speechSamples > 0 ? dbOrNull(powerToDb(Ps)) : null;
  const noiseDbfs = noiseSamples > 0 ? dbOrNull(powerToDb(Pn)) : null;
  const base = { wadaDb: null, speechDbfs, noiseDbfs };
  const enoughNoise = noiseSamples / sr >= cfg.minNoiseSec;
  const enoughPause = (noiseSamples + silentSamples) / sr >= cfg.minNoiseSec;
  if (speechSamples / sr < cfg.minSpeechSec || !enoughPause || Ps === 0) {
    return { ...base, db: null, noiseIsDigitalSilence: false };
  }
  if (!enoughNoise || Pn === 0) return { ...base, noiseDbfs: null, db: SNR_CAP_DB, noiseIsDigitalSilence: true };
  const ratio = (Ps - Pn) / Pn;
  const db = ratio > 0 ? 10 * Math.log10(ratio) : -Infinity;
  return { ...base, db: Math.min(SNR_CAP_DB, Math.max(SNR_FLOOR_DB, db)), noiseIsDigitalSilence: false };
}
