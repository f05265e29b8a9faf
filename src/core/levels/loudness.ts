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
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

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

export interface LoudnessAccumulator extends Accumulator<LoudnessResult>, KernelHeld {
  partial(): LoudnessPartial;
}

/**
 * The K-weighting filters run as independent stretches on four lanes at once (the recursion's
 * latency, not its arithmetic, bounds one run, so four cost about what one does): the audio is
 * cut into stretches of LANE_STRETCH_SUBS sub-blocks (a quarter of that from three channels on)
 * counted from the first sub-block, and each stretch is filtered from zero state starting
 * LANE_WARMUP_SEC before it (the first from the first sample pushed, or LANE_WARMUP_SEC into a
 * segment's warm-up). The filters forget their state as e^(−2π·38 Hz·t) (the RLB high-pass's
 * poles): after 0.25 s by e^−60, far below double rounding, so each stretch's sums are the
 * one-pass filter's up to rounding. The cut depends only on the position in the stream, never on
 * how it was chunked: the same samples always give the same bits.
 */
const LANE_STRETCH_SUBS = 40;
const LANE_WARMUP_SEC = 0.25;
const LANES = 4;

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
  const C = channelCount;
  const subLen = Math.max(1, Math.round(sampleRateHz / 10));
  // Shorter stretches for many channels, which fill the four lanes anyway: less to hold (at most
  // ~4 Mi samples of stretches; 256 channels at 768 kHz get 0.1 s stretches and warm-ups, e^−24).
  const stretchSubs = C <= 2 ? LANE_STRETCH_SUBS : Math.max(1, Math.min(LANE_STRETCH_SUBS / 4, Math.floor(2 ** 22 / (C * subLen))));
  const stretch = stretchSubs * subLen;
  const warmup = Math.min(stretch, Math.max(1, Math.round(LANE_WARMUP_SEC * sampleRateHz)));
  // Stretches gathered per channel before the lanes run: enough for four lanes (one per channel
  // from four channels on).
  const perBatch = Math.ceil(LANES / C);
  // Per channel, in kernel memory: `warmup` zeros (a stretch with a shorter lead-in reads them:
  // zero input keeps a zero state exactly zero), the lead-in of the batch's first stretch
  // (`lead` ≤ `warmup` samples: the end of the segment's warm-up at first, then the last
  // `warmup` samples of the previous batch), the
  // batch's stretches, and one stretch of slack that padded lanes may read past the data.
  // Of a segment's warm-up only the last `warmup` samples are kept: the filters remember no more.
  let skip = Math.max(0, warmupSamples - warmup);
  const cap = 2 * warmup + (perBatch + 1) * stretch;
  const k = kernels();
  const coefficients = k.alloc(8 * 10);
  k.f64(coefficients, 10).set([...shelf, ...highPass]);
  // Zeroed (alloc is calloc): written here, its fresh pages would be touched before they are needed, or at all.
  const buffers = k.alloc(4 * cap * C);
  const lanePtrs = k.alloc(4 * LANES);
  const laneOut = k.alloc(8 * LANES * stretchSubs);
  const buffer = (c: number): number => buffers + 4 * cap * c;
  const dataAt = warmup; // index of the lead-in's first sample in each channel's buffer
  let lead = warmupSamples - skip;
  let leadFill = 0; // of the first lead-in, pushed so far
  let fill = 0; // samples after the lead-in
  const staging = createStaging(C);
  let subs = new Float64Array(1024);
  let subCount = 0;

  const append = (values: Float64Array): void => {
    if (subCount + values.length > subs.length) {
      const grown = new Float64Array(Math.max(subs.length * 2, subCount + values.length));
      grown.set(subs.subarray(0, subCount));
      subs = grown;
    }
    subs.set(values, subCount);
    subCount += values.length;
  };

  /**
   * Σ_c G_c·Σz² of the complete sub-blocks of the stretches in the buffers. Job q is stretch
   * ⌊q / C⌋ of channel q mod C; four jobs run at once, one per lane, and each adds its weighted
   * sums to its stretch's sub-blocks, the channels in order (0 + G_0·Σz²_0 + G_1·Σz²_1 …, as one
   * sum per sub-block). Plain loops: V8 optimises this function once it is hot, on the thread that
   * runs it (bin/apl.mjs), and closures and array builtins made that compile ~15 ms of it.
   */
  const runBatch = (): Float64Array => {
    const total = Math.floor(fill / subLen);
    const result = new Float64Array(total);
    const jobs = Math.ceil(total / stretchSubs) * C;
    const ptrs = k.i32(lanePtrs, LANES);
    for (let g = 0; g < jobs; g += LANES) {
      const last = Math.min(g + LANES, jobs) - 1;
      // Lead-in: the first stretch's own (`lead`), later ones `warmup`; a lane whose lead-in is
      // shorter than the group's starts earlier, in the zeros before the data or in its own past.
      let warm = 0;
      let count = 0;
      for (let q = g; q <= last; q++) {
        const j = Math.floor(q / C);
        warm = Math.max(warm, j === 0 ? lead : warmup);
        count = Math.max(count, Math.min(stretchSubs, total - j * stretchSubs));
      }
      for (let l = 0; l < LANES; l++) {
        const q = Math.min(g + l, last);
        ptrs[l] = buffer(q % C) + 4 * (dataAt + lead + Math.floor(q / C) * stretch - warm);
      }
      k.exports.kweight_lanes(coefficients, lanePtrs, warm, subLen, count, laneOut);
      const out = k.f64(laneOut, LANES * count);
      for (let q = g; q <= last; q++) {
        const j = Math.floor(q / C);
        const w = weights[q % C];
        const at = j * stretchSubs;
        const n = Math.min(stretchSubs, total - at);
        for (let s = 0; s < n; s++) result[at + s] += w * out[LANES * s + (q - g)];
      }
    }
    return result;
  };

  const push = (ptrs: Int32Array, n: number): void => {
    let i = Math.min(n, skip);
    skip -= i;
    if (i < n && leadFill < lead) {
      const take = Math.min(n - i, lead - leadFill);
      for (let c = 0; c < C; c++) k.exports.f32_copy_finite(ptrs[c] + 4 * i, buffer(c) + 4 * (dataAt + leadFill), take);
      leadFill += take;
      i += take;
    }
    while (i < n) {
      const take = Math.min(n - i, perBatch * stretch - fill);
      for (let c = 0; c < C; c++) k.exports.f32_copy_finite(ptrs[c] + 4 * i, buffer(c) + 4 * (dataAt + lead + fill), take);
      fill += take;
      i += take;
      if (fill === perBatch * stretch) {
        append(runBatch());
        // The next batch's lead-in: the last `warmup` samples of this one.
        for (let c = 0; c < C; c++) {
          const b = k.f32(buffer(c), cap);
          b.copyWithin(dataAt, dataAt + lead + fill - warmup, dataAt + lead + fill);
        }
        lead = leadFill = warmup;
        fill = 0;
      }
    }
  };

  const partial = (): LoudnessPartial => {
    const pending = runBatch();
    const subBlocks = new Float64Array(subCount + pending.length);
    subBlocks.set(subs.subarray(0, subCount));
    subBlocks.set(pending, subCount);
    return { subBlocks };
  };

  const accumulator: LoudnessAccumulator = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      for (let from = 0; from < n; from += staging.maxFrames) {
        const len = Math.min(staging.maxFrames, n - from);
        push(k.i32(staging.stage(channels, from, len), C), len);
      }
    },
    partial,
    finish() {
      return finishLoudness(sampleRateHz, channelCount, partial(), options);
    },
    release: (): void => undefined,
  };
  accumulator.release = owned(accumulator, () => {
    k.exports.free(coefficients);
    k.exports.free(buffers);
    k.exports.free(lanePtrs);
    k.exports.free(laneOut);
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
