/**
 * ITU-R BS.1770-4 / EBU R128 gated integrated loudness.
 *
 * K-weighting: a high shelf (+4 dB above ~1.7 kHz, the head) then the RLB high-pass (~38 Hz),
 * with coefficients derived for the actual sample rate from the analog prototype parameters, as
 * libebur128, ffmpeg's ebur128 and pyloudnorm do; at 48 kHz they reproduce BS.1770-4 Tables 1–2
 * (including the high-pass numerator 1, −2, 1, which is not normalised). Filters run in float64
 * (direct form I).
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

class KFilter {
  // Direct form I states of the two stages (inputs x, outputs y, one and two samples back).
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;
  private z1 = 0;
  private z2 = 0;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  constructor(shelf: number[], highPass: number[]) {
    this.a = Float64Array.from(shelf);
    this.b = Float64Array.from(highPass);
  }

  /**
   * Two filters (same coefficients) over two channels in one loop, each exactly as
   * `sumSquares` would run it: two independent recursions keep the CPU busier than one (about
   * 1.5× faster for stereo). Writes Σy² of each into out[0], out[1].
   */
  static sumSquaresPair(f: KFilter, g: KFilter, x: Float32Array, w: Float32Array, from: number, to: number, out: Float64Array): void {
    const sa = f.a;
    const hb = f.b;
    const b0 = sa[0];
    const b1 = sa[1];
    const b2 = sa[2];
    const a1 = sa[3];
    const a2 = sa[4];
    const c0 = hb[0];
    const c1 = hb[1];
    const c2 = hb[2];
    const d1 = hb[3];
    const d2 = hb[4];
    let x1 = f.x1, x2 = f.x2, y1 = f.y1, y2 = f.y2, z1 = f.z1, z2 = f.z2;
    let u1 = g.x1, u2 = g.x2, v1 = g.y1, v2 = g.y2, q1 = g.z1, q2 = g.z2;
    let acc = 0;
    let acc2 = 0;
    for (let i = from; i < to; i++) {
      let v = x[i];
      let r = w[i];
      if (v - v !== 0) v = 0;
      if (r - r !== 0) r = 0;
      const y = b0 * v + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
      const yy = b0 * r + b1 * u1 + b2 * u2 - a2 * v2 - a1 * v1;
      const z = c0 * y + c1 * y1 + c2 * y2 - d2 * z2 - d1 * z1;
      const zz = c0 * yy + c1 * v1 + c2 * v2 - d2 * q2 - d1 * q1;
      x2 = x1;
      x1 = v;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      u2 = u1;
      u1 = r;
      v2 = v1;
      v1 = yy;
      q2 = q1;
      q1 = zz;
      acc += z * z;
      acc2 += zz * zz;
    }
    f.x1 = x1; f.x2 = x2; f.y1 = y1; f.y2 = y2; f.z1 = z1; f.z2 = z2;
    g.x1 = u1; g.x2 = u2; g.y1 = v1; g.y2 = v2; g.z1 = q1; g.z2 = q2;
    out[0] = acc;
    out[1] = acc2;
  }

  /** Filter x[from, to) and return Σy². */
  sumSquares(x: Float32Array, from: number, to: number): number {
    const sa = this.a;
    const hb = this.b;
    const b0 = sa[0];
    const b1 = sa[1];
    const b2 = sa[2];
    const a1 = sa[3];
    const a2 = sa[4];
    const c0 = hb[0];
    const c1 = hb[1];
    const c2 = hb[2];
    const d1 = hb[3];
    const d2 = hb[4];
    let x1 = this.x1;
    let x2 = this.x2;
    let y1 = this.y1;
    let y2 = this.y2;
    let z1 = this.z1;
    let z2 = this.z2;
    let acc = 0;
    for (let i = from; i < to; i++) {
      let v = x[i];
      if (v - v !== 0) v = 0;
      // Direct form I, summed so that the newest output (y1) enters last: the loop-carried
      // dependency is one multiply and one add per stage.
      const y = b0 * v + b1 * x1 + b2 * x2 - a2 * y2 - a1 * y1;
      const z = c0 * y + c1 * y1 + c2 * y2 - d2 * z2 - d1 * z1;
      x2 = x1;
      x1 = v;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      acc += z * z;
    }
    this.x1 = x1;
    this.x2 = x2;
    this.y1 = y1;
    this.y2 = y2;
    this.z1 = z1;
    this.z2 = z2;
    return acc;
  }
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
  const filters = Array.from({ length: channelCount }, () => new KFilter(shelf, highPass));
  const subLen = Math.max(1, Math.round(sampleRateHz / 10));
  let subFill = 0;
  let subAcc = 0;
  let warm = warmupSamples;
  let subs = new Float64Array(1024);
  let subCount = 0;
  const pair = new Float64Array(2);

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

  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      let i = 0;
      if (warm > 0) {
        i = Math.min(n, warm);
        for (let c = 0; c < channelCount; c++) filters[c].sumSquares(channels[c], 0, i);
        warm -= i;
      }
      while (i < n) {
        const end = Math.min(n, i + (subLen - subFill));
        if (channelCount === 2) {
          KFilter.sumSquaresPair(filters[0], filters[1], channels[0], channels[1], i, end, pair);
          subAcc += weights[0] * pair[0];
          subAcc += weights[1] * pair[1];
        } else {
          for (let c = 0; c < channelCount; c++) {
            const e = filters[c].sumSquares(channels[c], i, end);
            subAcc += weights[c] * e;
          }
        }
        subFill += end - i;
        i = end;
        if (subFill === subLen) closeSub();
      }
    },
    partial,
    finish() {
      return finishLoudness(sampleRateHz, channelCount, partial(), options);
    },
  };
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
