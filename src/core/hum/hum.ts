/**
 * Mains hum: narrow spectral lines at 50 or 60 Hz and their harmonics.
 *
 * The mono downmix is decimated to ~1 kHz by a boxcar average (its nulls fall on multiples of the
 * new rate, so speech energy near 1 kHz barely folds onto 50–250 Hz), then 4 s Hann-windowed
 * blocks (0.25 Hz bins) are averaged into one long-term power spectrum below 300 Hz. At the end,
 * each candidate line kf (k = 1..4) — the strongest bin within ±0.3·k Hz, for mains drift — is
 * compared with the median of a ring 1–2.5 Hz either side of its peak: a hum line is a few bins
 * wide and stands 10–40 dB above the ring, while a speech harmonic near kf (it wanders with the
 * pitch) or an echo's comb tooth is broader and fills the ring as well.
 */
import type { Accumulator } from '../types';
import type { KernelHeld } from '../kernels/runtime';
import { kernels, owned } from '../kernels/runtime';
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
const RING_INNER_HZ = 1;
const RING_OUTER_HZ = 2.5;

/** Summed block spectra so far, as plain data: segments of a file merge by adding them. */
export interface HumPartial {
  sum: Float64Array;
  blocks: number;
}

/** The partials of adjacent segments, in order, as one: the block spectra added in that order. */
export function mergeHum(parts: readonly HumPartial[]): HumPartial {
  if (parts.length === 0) throw new RangeError('no segments');
  const sum = new Float64Array(parts[0].sum);
  for (let k = 1; k < parts.length; k++) {
    const s = parts[k].sum;
    for (let i = 0; i < sum.length; i++) sum[i] += s[i];
  }
  return { sum, blocks: parts.reduce((n, p) => n + p.blocks, 0) };
}

function humBlockGeometry(sampleRateHz: number): { decimation: number; rateHz: number; blockLength: number } {
  const decimation = Math.max(1, Math.floor(sampleRateHz / TARGET_RATE_HZ));
  const rateHz = sampleRateHz / decimation;
  return { decimation, rateHz, blockLength: 2 ** Math.round(Math.log2(rateHz * BLOCK_SEC)) };
}

/** Input samples per analysis block: a segment owns the blocks that start inside it. */
export function humBlockSamples(sampleRateHz: number): number {
  const g = humBlockGeometry(sampleRateHz);
  return g.decimation * g.blockLength;
}

export interface HumAnalysis extends Accumulator<HumResult>, KernelHeld {
  /** The state so far; `final` also takes in the partial last block, as finish() does. */
  partial(final: boolean): HumPartial;
  /** The result from a (merged) state. */
  finishFrom(p: HumPartial): HumResult;
}

export function createHumAnalysis(sampleRateHz: number, channelCount: number): HumAnalysis {
  const { decimation, rateHz, blockLength } = humBlockGeometry(sampleRateHz);
  const binHz = rateHz / blockLength;
  const maxBin = Math.min(blockLength / 2, Math.ceil(MAX_ANALYSIS_HZ / binHz));
  // Each block's Hann-windowed power spectrum is added to the sum below maxBin in the kernels
  // (addWindowedPower), where the decimator leaves the block: no loops over the block here.
  const k = kernels();
  const spectrum = createPowerSpectrum(blockLength);
  const windowPtr = k.allocUnzeroed(8 * blockLength);
  k.f64(windowPtr, blockLength).set(hannWindow(blockLength));
  const sumPtr = k.alloc(8 * (maxBin + 1));
  let blocks = 0;

  const decimator = createBlockDecimator(channelCount, decimation, blockLength, (_block, _filled, blockPtr) => {
    spectrum.addWindowedPower(blockPtr, windowPtr, sumPtr, maxBin);
    blocks++;
  });
  const hum: HumAnalysis = {
    push(channels) {
      decimator.push(channels);
    },
    partial(final) {
      // A partial last block longer than half a block still counts (zero-padded).
      if (final) decimator.flushPartial(blockLength / 2);
      return { sum: k.f64(sumPtr, maxBin + 1).slice(), blocks };
    },
    finish() {
      return this.finishFrom(this.partial(true));
    },
    finishFrom: (p) => finishHum(sampleRateHz, p),
    release: () => undefined,
  };
  hum.release = owned(hum, () => {
    decimator.release();
    spectrum.release();
    k.exports.free(windowPtr);
    k.exports.free(sumPtr);
  });
  return hum;
}

/** The result from a (merged) state: what finish() gives, without an analysis to hold (pure). */
export function finishHum(sampleRateHz: number, p: HumPartial): HumResult {
  const { rateHz, blockLength } = humBlockGeometry(sampleRateHz);
  const binHz = rateHz / blockLength;
  const maxBin = Math.min(blockLength / 2, Math.ceil(MAX_ANALYSIS_HZ / binHz));
  // Parseval: a sine of amplitude A puts (N/2)·(A²/2)·Σw² into its positive-frequency lobe, so
  // lobe · 2/(N·Σw²) is its power A²/2 and levels read in dBFS on the RMS scale.
  const windowSumSq = hannWindow(blockLength).reduce((a, w) => a + w * w, 0);
  const { sum, blocks } = p;
  if (blocks === 0) return { mainsHz: null, prominenceDb: null, lines: [], blocks };
  const scale = 2 / (blocks * windowSumSq * blockLength);
  const lineAt = (frequencyHz: number, harmonic: number): HumLine | null => {
    // Mains frequency drifts by up to ±0.2 Hz, the k-th harmonic by k times that: the line is
    // the strongest bin within ±0.3·k Hz (at least the Hann main lobe, ±2 bins).
    const searchHz = Math.max(0.3 * harmonic, 2 * binHz);
    let peakBin = Math.round(frequencyHz / binHz);
    for (let k = Math.round((frequencyHz - searchHz) / binHz); k <= Math.round((frequencyHz + searchHz) / binHz); k++) {
      if (sum[k] > sum[peakBin]) peakBin = k;
    }
    if (peakBin + Math.round(RING_OUTER_HZ / binHz) > maxBin) return null;
    // Line power: the main lobe of a Hann window spans ±2 bins.
    let line = 0;
    for (let k = peakBin - 2; k <= peakBin + 2; k++) line += sum[k];
    // Neighbourhood: a ring 1–2.5 Hz either side of the peak. A mains line has fallen by
    // 30 dB there (Hann side lobes); a speech harmonic, or an echo's comb tooth (150 ms: teeth
    // 6.7 Hz apart, each ~3 Hz wide), is still almost as strong.
    const inner = Math.round(RING_INNER_HZ / binHz);
    const outer = Math.round(RING_OUTER_HZ / binHz);
    const neighbours: number[] = [];
    for (let d = inner; d <= outer; d++) neighbours.push(sum[peakBin - d], sum[peakBin + d]);
    neighbours.sort((a, b) => a - b);
    const median = neighbours[Math.floor(neighbours.length / 2)];
    const peak = sum[peakBin];
    return {
      frequencyHz,
      prominenceDb: median > 0 ? powerToDb(peak / median) : peak > 0 ? 120 : 0,
      levelDbfs: powerToDb(line * scale),
    };
  };
  const family = (mainsHz: 50 | 60): HumLine[] =>
    [1, 2, 3, 4].map((k) => lineAt(k * mainsHz, k)).filter((l): l is HumLine => l !== null);
  const best = (lines: HumLine[]): number => Math.max(-Infinity, ...lines.map((l) => l.prominenceDb));
  const f50 = family(50);
  const f60 = family(60);
  const mainsHz = best(f50) >= best(f60) ? 50 : 60;
  const lines = mainsHz === 50 ? f50 : f60;
  const prominence = best(lines);
  return { mainsHz, prominenceDb: Number.isFinite(prominence) ? prominence : null, lines, blocks };
}
