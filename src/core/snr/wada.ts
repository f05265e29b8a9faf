/**
 * WADA-SNR (C. Kim and R. M. Stern, "Robust Signal-to-Noise Ratio Estimation Based on Waveform
 * Amplitude Distribution Analysis", Interspeech 2008) as a streaming sample accumulator.
 *
 * Speech amplitudes are modelled as Gamma(α = 0.4) and noise as Gaussian; the statistic
 * G = ln E|x| − E ln|x| of the mixture grows monotonically with SNR (apart from a ripple below
 * −15 dB), and the published table maps G back to SNR for −20…100 dB. Only Σ|x| and Σ ln|x| are
 * needed, so the estimate streams. As in the reference code (Dan Ellis's snreval port of Kim's
 * MATLAB), |x| is floored at 1e-10 (full scale = 1) before the log, and the table is read by
 * linear interpolation from the last entry below G. It is a GLOBAL estimate over the whole
 * signal (pauses included), accurate at low SNR and reading high at high SNR.
 *
 * Input: the mono downmix (mean of channels); non-finite samples count as 0.
 */
import type { Accumulator } from '../types';
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

/** SNR grid of the table, dB: −20, −19, …, 100. */
export const WADA_DB_MIN = -20;
export const WADA_DB_MAX = 100;

/** G(SNR) for α = 0.4 at 1-dB steps from −20 to 100 dB (Kim & Stern 2008, as in snreval). */
export const WADA_G_TABLE: readonly number[] = [
  0.409747739, 0.409869263, 0.409985656, 0.409690892, 0.409861864, 0.409990055, 0.410271377,
  0.410526266, 0.411010238, 0.411432644, 0.412317178, 0.413372716, 0.415264259, 0.417819198,
  0.420772515, 0.424527992, 0.429188858, 0.435103734, 0.442341951, 0.451614855, 0.462211529,
  0.474916474, 0.488838093, 0.505092356, 0.523537093, 0.543720882, 0.565324274, 0.588475317,
  0.613462118, 0.639544959, 0.667508177, 0.695837243, 0.724547622, 0.754147993, 0.783231484,
  0.81240985, 0.842197752, 0.871664058, 0.900305039, 0.928804177, 0.95655449, 0.983534905,
  1.010471548, 1.0362095, 1.061364248, 1.085793118, 1.109481904, 1.132779949, 1.154728256,
  1.176273084, 1.197035028, 1.216716938, 1.235358982, 1.253643127, 1.271038908, 1.287180295,
  1.303028647, 1.318395272, 1.332948173, 1.347009353, 1.360572696, 1.373455135, 1.385771224,
  1.397335037, 1.408563968, 1.41959619, 1.42983624, 1.439584667, 1.449021764, 1.458048307,
  1.466695685, 1.474869384, 1.48269965, 1.490343394, 1.49748214, 1.504351061, 1.510764265,
  1.516989146, 1.522909703, 1.528578001, 1.533898351, 1.539121095, 1.543906502, 1.54858517,
  1.553107762, 1.557443906, 1.561649273, 1.565663481, 1.569386712, 1.573077668, 1.576547638,
  1.57980083, 1.583041292, 1.586024961, 1.588806813, 1.591624771, 1.594196895, 1.596931549,
  1.599446005, 1.601850111, 1.604086681, 1.60627134, 1.608261987, 1.610045475, 1.611924722,
  1.61369656, 1.615340743, 1.616889049, 1.618389159, 1.619853744, 1.621358779, 1.622681189,
  1.623904229, 1.625131432, 1.626324628, 1.6274027, 1.628427675, 1.629455321, 1.6303307,
  1.631280263, 1.632041021,
];

const AMPLITUDE_FLOOR = 1e-10;

/** SNR (dB) for a G statistic: the table read from its last entry below G, clamped to −20…100. */
export function wadaSnrFromG(g: number): number {
  const table = WADA_G_TABLE;
  let idx = -1;
  for (let i = 0; i < table.length; i++) if (table[i] < g) idx = i;
  if (idx < 0) return WADA_DB_MIN;
  if (idx === table.length - 1) return WADA_DB_MAX;
  const db = WADA_DB_MIN + idx;
  return db + (g - table[idx]) / (table[idx + 1] - table[idx]);
}

export interface WadaResult {
  /** null when there were no samples or all were zero. */
  snrDb: number | null;
  g: number | null;
}

/**
 * Streaming WADA-SNR over the mono downmix of planar chunks.
 * Σ ln|x| is taken as ln of products of 16 consecutive |x| (counted from the first sample, so
 * chunking does not matter): 16× fewer logarithms. |x| is clamped to [1e-10, 1e10] first, so a
 * product stays within 1e±160 and never under- or overflows.
 */
/**
 * The running state, as plain data, for splitting a file into segments analysed apart (see
 * src/core/analyze.ts): a segment that starts on a multiple of 16 samples forms the same
 * 16-sample products, so only the two sums differ from one pass, by rounding.
 */
export interface WadaPartial {
  sumAbs: number;
  sumLog: number;
  /** Product of the samples of the unfinished 16-sample group (1 when none). */
  product: number;
  inBlock: number;
  count: number;
}

/** `a` then `b`; `a` must end on a whole 16-sample group (every segment but the last does). */
export function mergeWada(a: WadaPartial, b: WadaPartial): WadaPartial {
  if (a.inBlock !== 0) throw new RangeError('WADA partials merge only on 16-sample group boundaries');
  return { sumAbs: a.sumAbs + b.sumAbs, sumLog: a.sumLog + b.sumLog, product: b.product, inBlock: b.inBlock, count: a.count + b.count };
}

export function finishWada(p: WadaPartial): WadaResult {
  if (p.count === 0) return { snrDb: null, g: null };
  const meanAbs = p.sumAbs / p.count;
  // Every |x| is clamped to the floor from below: a mean at the floor, up to the rounding of
  // a long sum (n·ε relative), is silence.
  if (meanAbs <= AMPLITUDE_FLOOR * (1 + 1e-6)) return { snrDb: null, g: null };
  const g = Math.log(meanAbs) - (p.sumLog + Math.log(p.product)) / p.count;
  return { snrDb: wadaSnrFromG(g), g };
}

/** Samples per product group: a segment must start on a multiple of this. */
export const WADA_GROUP = 16;

export function createWadaSnr(channelCount: number): Accumulator<WadaResult> & KernelHeld & { partial(): WadaPartial } {
  // The per-sample sums run in the kernels (src/core/kernels/c/wada.c); the state is doubles in
  // kernel memory: Σ|x| of whole groups, sumLog, product, inBlock, count, the unfinished group's
  // Σ|x| and its 16 values.
  const k = kernels();
  const st = k.alloc(8 * (6 + WADA_GROUP));
  k.f64(st, 6 + WADA_GROUP).set([0, 0, 1, 0, 0, 0]);
  const staging = createStaging(channelCount);
  const products = k.alloc(8 * (Math.floor(staging.maxFrames / WADA_GROUP) + 2));
  const partial = (): WadaPartial => {
    const [sumAbs, sumLog, product, inBlock, count, pendingAbs] = k.f64(st, 6);
    return { sumAbs: sumAbs + pendingAbs, sumLog, product, inBlock, count };
  };
  const accumulator = {
    push(channels: readonly Float32Array[]): void {
      const len = channels[0]?.length ?? 0;
      for (let from = 0; from < len; from += staging.maxFrames) {
        const n = Math.min(staging.maxFrames, len - from);
        const table = staging.stage(channels, from, n);
        const ptrs = k.i32(table, channelCount);
        if (channelCount === 1) k.exports.wada_push(st, ptrs[0], ptrs[0], 1, 0, n, products);
        else if (channelCount === 2) k.exports.wada_push(st, ptrs[0], ptrs[1], 0.5, 0.5, n, products);
        else k.exports.wada_push_n(st, table, channelCount, n, products);
      }
    },
    partial,
    finish(): WadaResult {
      return finishWada(partial());
    },
    release: (): void => undefined,
  };
  accumulator.release = owned(accumulator, () => {
    k.exports.free(st);
    k.exports.free(products);
    staging.release();
  });
  return accumulator;
}
