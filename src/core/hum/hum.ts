/**
 * Mains hum: narrow spectral lines at 50 or 60 Hz and their harmonics.
 *
 * The mono downmix is decimated to ~1 kHz by a boxcar average (its nulls fall on multiples of the
 * new rate, so speech energy near 1 kHz barely folds onto 50–250 Hz), then 4 s Hann-windowed
 * blocks (0.25 Hz bins) are averaged into one long-term power spectrum below 300 Hz. At the end,
 * each candidate line kf (k = 1..4) is compared with the median of its neighbourhood
 * kf ± [3, 10] Hz: a hum line stands 10–30 dB above it, while speech harmonics wander with the
 * pitch and average out to a smooth spectrum.
 */
import type { Accumulator } from '../types';
import { createPowerSpectrum } from '../dsp/fft';
import { hannWindow } from '../dsp/window';
import { powerToDb } from '../dsp/db';
import { createBlockDecimator } from '../dsp/block-decimator';

export interface HumLine {
  frequencyHz: number;
  /** Line power over the median of its neighbourhood, dB. */
  prominenceDb: number;
  /** Level of the line alone, dBFS (RMS scale). */
  levelDbfs: number;
}

export interface HumResult {
  /** The mains family with the stronger lines, or null when the file is too short to tell. */
  mainsHz: 50 | 60 | null;
  /** Largest prominence over the family's first four harmonics, dB. */
  prominenceDb: number | null;
  lines: HumLine[];
  blocks: number;
}

const TARGET_RATE_HZ = 1000;
const BLOCK_SEC = 4;
const MAX_ANALYSIS_HZ = 300;

export function createHumAnalysis(sampleRateHz: number, channelCount: number): Accumulator<HumResult> {
  const decimation = Math.max(1, Math.floor(sampleRateHz / TARGET_RATE_HZ));
  const rateHz = sampleRateHz / decimation;
  const blockLength = 2 ** Math.round(Math.log2(rateHz * BLOCK_SEC));
  const spectrum = createPowerSpectrum(blockLength);
  const window = hannWindow(blockLength);
  const binHz = rateHz / blockLength;
  const maxBin = Math.min(blockLength / 2, Math.ceil(MAX_ANALYSIS_HZ / binHz));
  const sum = new Float64Array(maxBin + 1);
  const windowed = new Float64Array(blockLength);
  const power = new Float64Array(blockLength / 2 + 1);
  let blocks = 0;
  // Parseval: a sine of amplitude A puts (N/2)·(A²/2)·Σw² into its positive-frequency lobe, so
  // lobe · 2/(N·Σw²) is its power A²/2 and levels read in dBFS on the RMS scale.
  let windowSumSq = 0;
  for (let i = 0; i < blockLength; i++) windowSumSq += window[i] * window[i];

  const flushBlock = (block: Float64Array): void => {
    for (let i = 0; i < blockLength; i++) windowed[i] = block[i] * window[i];
    spectrum.power(windowed, power);
    for (let k = 0; k <= maxBin; k++) sum[k] += power[k];
    blocks++;
  };

  const decimator = createBlockDecimator(channelCount, decimation, blockLength, flushBlock);
  return {
    push(channels) {
      decimator.push(channels);
    },
    finish() {
      // A partial last block longer than half a block still counts (zero-padded).
      decimator.flushPartial(blockLength / 2);
      if (blocks === 0) return { mainsHz: null, prominenceDb: null, lines: [], blocks };
      const scale = 2 / (blocks * windowSumSq * blockLength);
      const lineAt = (frequencyHz: number): HumLine | null => {
        const centre = Math.round(frequencyHz / binHz);
        if (centre + Math.ceil(10 / binHz) > maxBin) return null;
        // Line power: the main lobe of a Hann window spans ±2 bins.
        let line = 0;
        let peak = 0;
        for (let k = centre - 2; k <= centre + 2; k++) {
          line += sum[k];
          peak = Math.max(peak, sum[k]);
        }
        const neighbours: number[] = [];
        for (let k = Math.round((frequencyHz - 10) / binHz); k <= Math.round((frequencyHz - 3) / binHz); k++) neighbours.push(sum[k]);
        for (let k = Math.round((frequencyHz + 3) / binHz); k <= Math.round((frequencyHz + 10) / binHz); k++) neighbours.push(sum[k]);
        neighbours.sort((a, b) => a - b);
        const median = neighbours[Math.floor(neighbours.length / 2)];
        return {
          frequencyHz,
          prominenceDb: median > 0 ? powerToDb(peak / median) : peak > 0 ? 120 : 0,
          levelDbfs: powerToDb(line * scale),
        };
      };
      const family = (mainsHz: 50 | 60): HumLine[] =>
        [1, 2, 3, 4].map((k) => lineAt(k * mainsHz)).filter((l): l is HumLine => l !== null);
      const best = (lines: HumLine[]): number => Math.max(-Infinity, ...lines.map((l) => l.prominenceDb));
      const f50 = family(50);
      const f60 = family(60);
      const mainsHz = best(f50) >= best(f60) ? 50 : 60;
      const lines = mainsHz === 50 ? f50 : f60;
      const prominence = best(lines);
      return { mainsHz, prominenceDb: Number.isFinite(prominence) ? prominence : null, lines, blocks };
    },
  };
}
