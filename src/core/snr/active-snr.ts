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
import { kernels, withColumns } from '../kernels/runtime';

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
  const C = table.channelCount;
  // The hop sums in the kernels (src/core/kernels/c/frame-sums.c): the channels' mean power per
  // hop, weighted by its samples, into speech, noise (not digital silence) and digital silence.
  const columns = [...table.channelPower.slice(0, C), decisions, table.digitalSilence];
  const [speechEnergy, speechSamples, noiseEnergy, noiseSamples, silentSamples] = withColumns(columns, n, 8 * 5, (ptrs, out, power) => {
    const k = kernels();
    k.exports.snr_sums(power, C, n, table.hopSamples, table.lastFrameSamples, ptrs[C], ptrs[C + 1], out);
    return Array.from(k.f64(out, 5));
  });
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
