/**
 * Echo: a delayed copy of the signal, y = x + α·x(t − d), multiplies the spectrum by
 * (1 + α·e^{−jωd}); in the real cepstrum that is a peak of height ≈ α at quefrency d. Speech's own
 * cepstrum has its pitch peaks below 20 ms, so a consistent peak at 20–450 ms, averaged over the
 * loud blocks of the file, is the echo.
 *
 * The mono downmix is boxcar-decimated to ~8 kHz and cut into 8192-sample Hann blocks (~1 s,
 * quefrencies up to ~0.5 s). |cepstrum| is averaged per 2-dB block-level bucket (bounded memory);
 * at the end only buckets within 20 dB of the speech level count, so pauses do not dilute it.
 */
import type { Accumulator } from '../types';
import { createPowerSpectrum } from '../dsp/fft';
import { hannWindow } from '../dsp/window';
import { powerToDb } from '../dsp/db';
import { createBlockDecimator } from '../dsp/block-decimator';

export interface EchoResult {
  /** Quefrency of the strongest peak in 20–450 ms, seconds; null when nothing was measured. */
  delaySec: number | null;
  /** (peak − median) / robust spread of the averaged |cepstrum| over 20–450 ms. */
  peakScore: number | null;
  /** Height of that peak above the median, in cepstral units: ≈ the echo gain α for steady input, lower for bursty speech (0.42 for α = 0.5 on real speech; ≤ 0.05 without echo). */
  peakHeight: number | null;
  blocks: number;
}

const TARGET_RATE_HZ = 8000;
const BLOCK = 8192;
const MIN_DELAY_SEC = 0.02;
const MAX_DELAY_SEC = 0.45;
const BUCKET_DB = 2;
const BUCKETS = 70; // −140..0 dBFS
const INCLUDE_BELOW_SPEECH_DB = 20;

/** |cepstrum| sums per level bucket and block counts, as plain data: segments merge by adding. */
export interface EchoPartial {
  sums: Float64Array;
  counts: Uint32Array;
  blocks: number;
}

export function mergeEcho(a: EchoPartial, b: EchoPartial): EchoPartial {
  const sums = new Float64Array(a.sums);
  for (let i = 0; i < sums.length; i++) sums[i] += b.sums[i];
  const counts = new Uint32Array(a.counts);
  for (let i = 0; i < counts.length; i++) counts[i] += b.counts[i];
  return { sums, counts, blocks: a.blocks + b.blocks };
}

const echoDecimation = (sampleRateHz: number): number => Math.max(1, Math.round(sampleRateHz / TARGET_RATE_HZ));

/** Input samples per cepstrum block: a segment owns the blocks that start inside it. */
export function echoBlockSamples(sampleRateHz: number): number {
  return echoDecimation(sampleRateHz) * BLOCK;
}

export interface EchoAnalysis extends Accumulator<EchoResult> {
  /** The state so far; `final` also takes in the partial last block, as finish() does. */
  partial(final: boolean): EchoPartial;
  /** The result from a (merged) state. */
  finishFrom(p: EchoPartial): EchoResult;
}

export function createEchoAnalysis(sampleRateHz: number, channelCount: number): EchoAnalysis {
  const decimation = echoDecimation(sampleRateHz);
  const rateHz = sampleRateHz / decimation;
  const spectrum = createPowerSpectrum(BLOCK);
  const window = hannWindow(BLOCK);
  const half = BLOCK / 2;
  const windowed = new Float64Array(BLOCK);
  const power = new Float64Array(half + 1);
  const logSym = new Float64Array(BLOCK);
  const cepPower = new Float64Array(half + 1);
  const sums = new Float64Array(BUCKETS * (half + 1));
  const counts = new Uint32Array(BUCKETS);
  let blocks = 0;

  const flush = (block: Float64Array): void => {
    let energy = 0;
    for (let i = 0; i < BLOCK; i++) {
      windowed[i] = block[i] * window[i];
      energy += block[i] * block[i];
    }
    const levelDb = powerToDb(energy / BLOCK);
    if (!Number.isFinite(levelDb)) return;
    spectrum.power(windowed, power);
    let max = 0;
    for (let k = 0; k <= half; k++) if (power[k] > max) max = power[k];
    const floor = max * 1e-8; // −80 dB below the block's peak bin
    // The real cepstrum of a real signal is the DFT of the (real, even) log spectrum. The adapter
    // returns |DFT|², so we get (N·c[n])² and take its root: the magnitude |c[n]|, which is all a
    // peak search needs.
    for (let k = 0; k <= half; k++) logSym[k] = Math.log(power[k] + floor);
    for (let k = 1; k < half; k++) logSym[BLOCK - k] = logSym[k];
    spectrum.power(logSym, cepPower);
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor((levelDb + BUCKETS * BUCKET_DB) / BUCKET_DB)));
    const base = bucket * (half + 1);
    for (let n = 0; n <= half; n++) sums[base + n] += Math.sqrt(cepPower[n]) / BLOCK;
    counts[bucket]++;
    blocks++;
  };

  const decimator = createBlockDecimator(channelCount, decimation, BLOCK, flush);
  return {
    push(channels) {
      decimator.push(channels);
    },
    partial(final) {
      if (final) decimator.flushPartial(BLOCK / 2);
      return { sums: sums.slice(), counts: counts.slice(), blocks };
    },
    finish() {
      return this.finishFrom(this.partial(true));
    },
    finishFrom(p) {
      const { sums, counts, blocks } = p;
      const none: EchoResult = { delaySec: null, peakScore: null, peakHeight: null, blocks };
      if (blocks === 0) return none;
      // Speech level: the bucket below which 90 % of the blocks' levels lie (from the top, 10 %).
      let seen = 0;
      let top = BUCKETS - 1;
      for (; top > 0; top--) {
        seen += counts[top];
        if (seen >= Math.max(1, 0.1 * blocks)) break;
      }
      const lowest = Math.max(0, top - Math.ceil(INCLUDE_BELOW_SPEECH_DB / BUCKET_DB));
      const avg = new Float64Array(half + 1);
      let used = 0;
      for (let b = lowest; b < BUCKETS; b++) {
        if (counts[b] === 0) continue;
        used += counts[b];
        const base = b * (half + 1);
        for (let n = 0; n <= half; n++) avg[n] += sums[base + n];
      }
      if (used === 0) return none;
      const from = Math.ceil(MIN_DELAY_SEC * rateHz);
      const to = Math.min(half, Math.floor(MAX_DELAY_SEC * rateHz));
      const values: number[] = [];
      let peak = -Infinity;
      let peakAt = from;
      for (let n = from; n <= to; n++) {
        const v = avg[n] / used;
        values.push(v);
        if (v > peak) {
          peak = v;
          peakAt = n;
        }
      }
      values.sort((a, b) => a - b);
      const median = values[Math.floor(values.length / 2)];
      const deviations = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
      const spread = 1.4826 * deviations[Math.floor(deviations.length / 2)];
      return {
        delaySec: peakAt / rateHz,
        peakScore: spread > 0 ? (peak - median) / spread : null,
        peakHeight: peak - median,
        blocks: used,
      };
    },
  };
}
