/**
 * ITU-R BS.1770-4 / EBU R128 gated integrated loudness.
 *
 * K-weighting: a high shelf (+4 dB above ~1.7 kHz, the head) then the RLB high-pass (~38 Hz),
 * with coefficients derived for the actual sample rate from the analog prototype parameters, as
 * libebur128, ffmpeg's ebur128 and pyloudnorm do; at 48 kHz they reproduce BS.1770-4 Tables 1–2
 * (including the high-pass numerator 1, −2, 1, which is not normalised). Filters run in float64
 * (direct form I), in the analysis kernels (src/core/kernels/c/loudness.c).
 * Blocks: 400 ms with 75 % overlap, i.e. built from 100 ms sub-blocks of round(f/10) samples
 * (libebur128's rounding); only complete blocks count. Block loudness
 * l = −0.691 + 10·log10(Σ_c G_c·z_c); absolute gate −70 LUFS, relative gate −10 LU below the
 * loudness of the blocks above the absolute gate (both gates keep l > Γ).
 * Channel weights G_c (BS.1770-4 Table 3 with the usual WAV channel orders): 1.0 for 1–3
 * channels; 4 channels (quad L R Ls Rs) 1, 1, 1.41, 1.41; 5 channels (L R C Ls Rs)
 * 1, 1, 1, 1.41, 1.41; 6 channels (5.1: L R C LFE Ls Rs) 1, 1, 1, 0, 1.41, 1.41 — the LFE is
 * excluded, as BS.1770 says; 7+ channels: as 5.1 for the first six, 1.0 for the rest. Override
 * with `options.channelWeights`. Mono is one channel of weight 1: a 0 dBFS 997 Hz sine reads
 * −3.01 LUFS (BS.1770-4 §2.7 calibration).
 * NaN/±Infinity samples are taken as 0.
 */
import type { Accumulator } from '../types';
import { createStaging, kernels, owned } from '../kernels/runtime';

const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const SHELF_F0 = 1681.974450955533;
const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_Q = 0.7071752369554196;
const SHELF_VB_EXP = 0.4996667741545416;
const HP_F0 = 38.13547087602444;
const HP_Q = 0.5003270373238773;

export interface LoudnessOptions {
  channelWeights?: number[];
}

export interface LoudnessResult {
  /** Gated integrated loudness, LUFS; null when no block passes the gates (or < 400 ms). */
  integratedLufs: number | null;
  /** Loudest 400 ms block (momentary loudness), LUFS; null when there is no block. */
  maxMomentaryLufs: number | null;
  /** The relative gate used, LUFS; null when no block passed the absolute gate. */
  relativeGateLufs: number | null;
  blockCount: number;
  /** Blocks that passed both gates. */
  gatedBlockCount: number;
  channelWeights: number[];
}

/** Biquad coefficients {b0, b1, b2, a1, a2} (a0 = 1) of the two K-weighting stages. */
export function kWeightingCoefficients(sampleRateHz: number): { shelf: number[]; highPass: number[] } {
  let K = Math.tan((Math.PI * SHELF_F0) / sampleRateHz);
  const vh = 10 ** (SHELF_GAIN_DB / 20);
  const vb = vh ** SHELF_VB_EXP;
  let a0 = 1 + K / SHELF_Q + K * K;
  const shelf = [
    (vh + (vb * K) / SHELF_Q + K * K) / a0,
    (2 * (K * K - vh)) / a0,
    (vh - (vb * K) / SHELF_Q + K * K) / a0,
    (2 * (K * K - 1)) / a0,
    (1 - K / SHELF_Q + K * K) / a0,
  ];
  K = Math.tan((Math.PI * HP_F0) / sampleRateHz);
  a0 = 1 + K / HP_Q + K * K;
  const highPass = [1, -2, 1, (2 * (K * K - 1)) / a0, (1 - K / HP_Q + K * K) / a0];
  return { shelf, highPass };
}

export function defaultChannelWeights(channelCount: number): number[] {
  const table: Record<number, number[]> = {
    4: [1, 1, 1.41, 1.41],
    5: [1, 1, 1, 1.41, 1.41],
  };
  if (table[channelCount]) return table[channelCount].slice();
  if (channelCount >= 6) return Array.from({ length: channelCount }, (_, i) => [1, 1, 1, 0, 1.41, 1.41][i] ?? 1);
  return Array.from({ length: channelCount }, () => 1);
}

/**
 * The weighted power of each complete 100 ms sub-block of a stretch, as plain data: stretches on
 * the sub-block grid merge by concatenation, and the 400 ms blocks are built from the whole list.
 */
export interface LoudnessPartial {
  /** Σ_c G_c·Σy² per sub-block. */
  subBlocks: Float64Array;
}

export function mergeLoudness(a: LoudnessPartial, b: LoudnessPartial): LoudnessPartial {
  const subBlocks = new Float64Array(a.subBlocks.length + b.subBlocks.length);
  subBlocks.set(a.subBlocks);
  subBlocks.set(b.subBlocks, a.subBlocks.length);
  return { subBlocks };
}

export interface LoudnessAccumulator extends Accumulator<LoudnessResult> {
  partial(): LoudnessPartial;
}

/**
 * `warmupSamples`: the first samples pushed only settle the K-weighting filters (a segment of a
 * file is pushed 2 s before its start; the filters forget their state to below double rounding
 * in well under that), sub-blocks start after them.
 */
export function createLoudness(
  sampleRateHz: number,
  channelCount: number,
  options: LoudnessOptions = {},
  warmupSamples = 0,
): LoudnessAccumulator {
  const weights = options.channelWeights?.slice() ?? defaultChannelWeights(channelCount);
  const { shelf, highPass } = kWeightingCoefficients(sampleRateHz);
  // The kernel writes the high-pass numerator's products as exact ±y terms.
  if (highPass[0] !== 1 || highPass[1] !== -2 || highPass[2] !== 1) throw new RangeError('the K-weighting high-pass numerator must be 1, −2, 1');
  // The filters run in the kernels (src/core/kernels/c/loudness.c): coefficients, then six
  // doubles of state per channel, then two for a pair's results, in kernel memory.
  const k = kernels();
  const block = k.alloc(8 * (10 + 6 * channelCount + 2));
  k.f64(block, 10).set([...shelf, ...highPass]);
  k.f64(block + 80, 6 * channelCount).fill(0);
  const state = (c: number): number => block + 80 + 48 * c;
  const pairOut = block + 80 + 48 * channelCount;
  const staging = createStaging(channelCount);
  const subLen = Math.max(1, Math.round(sampleRateHz / 10));
  let subFill = 0;
  let subAcc = 0;
  let warm = warmupSamples;
  let subs = new Float64Array(1024);
  let subCount = 0;

  const closeSub = (): void => {
    if (subCount === subs.length) {
      const grown = new Float64Array(subs.length * 2);
      grown.set(subs);
      subs = grown;
    }
    subs[subCount++] = subAcc;
    subAcc = 0;
    subFill = 0;
  };
  const partial = (): LoudnessPartial => ({ subBlocks: subs.slice(0, subCount) });

  /** Channels (pointers `ptrs`) of one staged piece of n samples. */
  const run = (ptrs: Int32Array, n: number): void => {
    let i = 0;
    if (warm > 0) {
      i = Math.min(n, warm);
      for (let c = 0; c < channelCount; c++) k.exports.kweight_sum(block, state(c), ptrs[c], 0, i);
      warm -= i;
    }
    while (i < n) {
      const end = Math.min(n, i + (subLen - subFill));
      if (channelCount === 2) {
        k.exports.kweight_sum_pair(block, state(0), state(1), ptrs[0], ptrs[1], i, end, pairOut);
        const pair = k.f64(pairOut, 2);
        subAcc += weights[0] * pair[0];
        subAcc += weights[1] * pair[1];
      } else {
        for (let c = 0; c < channelCount; c++) {
          const e = k.exports.kweight_sum(block, state(c), ptrs[c], i, end);
          subAcc += weights[c] * e;
        }
      }
      subFill += end - i;
      i = end;
      if (subFill === subLen) closeSub();
    }
  };

  const accumulator: LoudnessAccumulator = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let from = 0; from < n; from += staging.maxFrames) {
        const len = Math.min(staging.maxFrames, n - from);
        run(k.i32(staging.stage(channels, from, len), channelCount), len);
      }
    },
    partial,
    finish() {
      return finishLoudness(sampleRateHz, channelCount, partial(), options);
    },
  };
  owned(accumulator, () => {
    k.exports.free(block);
    staging.release();
  });
  return accumulator;
}

export function finishLoudness(sampleRateHz: number, channelCount: number, partial: LoudnessPartial, options: LoudnessOptions = {}): LoudnessResult {
  const weights = options.channelWeights?.slice() ?? defaultChannelWeights(channelCount);
  const subLen = Math.max(1, Math.round(sampleRateHz / 10));
  // 400 ms blocks with 75 % overlap: four consecutive sub-blocks, one block per sub-block from the fourth on.
  const subs = partial.subBlocks;
  const blockCount = Math.max(0, subs.length - 3);
  const blocks = new Float64Array(blockCount);
  for (let j = 0; j < blockCount; j++) blocks[j] = (subs[j] + subs[j + 1] + subs[j + 2] + subs[j + 3]) / (4 * subLen);
  const toLufs = (power: number): number => -0.691 + 10 * Math.log10(power);
  let maxPower = 0;
  let absSum = 0;
  let absN = 0;
  const absGatePower = 10 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10);
  for (let j = 0; j < blockCount; j++) {
    const z = blocks[j];
    if (z > maxPower) maxPower = z;
    if (z > absGatePower) {
      absSum += z;
      absN++;
    }
  }
  const base = {
    maxMomentaryLufs: blockCount > 0 && maxPower > 0 ? toLufs(maxPower) : null,
    blockCount,
    channelWeights: weights,
  };
  if (absN === 0) return { ...base, integratedLufs: null, relativeGateLufs: null, gatedBlockCount: 0 };
  const relGate = toLufs(absSum / absN) + RELATIVE_GATE_LU;
  const relGatePower = 10 ** ((relGate + 0.691) / 10);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < blockCount; j++) {
    const z = blocks[j];
    if (z > absGatePower && z > relGatePower) {
      sum += z;
      count++;
    }
  }
  return {
    ...base,
    integratedLufs: count > 0 ? toLufs(sum / count) : null,
    relativeGateLufs: relGate,
    gatedBlockCount: count,
  };
}
