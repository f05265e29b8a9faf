/**
 * ITU-T P.56 method B active speech level, as implemented by the ITU-T G.191 STL `sv56`
 * (sv-p56.c, speech_voltmeter):
 *   - envelope: two cascaded one-pole smoothers of |x| with time constant T = 0.03 s,
 *     g = exp(−1/(f·T)); p = g·p + (1−g)|x|; q = g·q + (1−g)·p;
 *   - 15 thresholds c_j = 2^(j−15), j = 0..14 (one 16-bit LSB up to half scale);
 *   - a_j counts the samples where q ≥ c_j, plus a hangover of I = round(0.2·f) samples after q
 *     falls below c_j (none before the first crossing, as sv56 starts with hang = I);
 *   - A_j = 10·log10(Σx²/a_j), C_j = 20·log10(c_j); the active level is where A − C = M = 15.9 dB,
 *     found between the first j ≥ 1 with A_j − C_j ≤ M and j − 1. sv56 bisects that segment to a
 *     0.5 dB tolerance in A − C; we solve the same straight-line interpolation exactly (the
 *     difference from sv56 is below 0.5·|A_j − A_{j−1}| / |Δ_j − Δ_{j−1}| dB, typically < 0.05 dB);
 *   - activity = a / n at that level, i.e. 10^((long-term level − active level)/10).
 * Silence rules as sv56: no activity at c_0, or A_0 − C_0 < M, gives null.
 *
 * Per sample the reference loops over all 15 thresholds; here we track only the index k of the
 * highest threshold the envelope is at or above (it moves rarely: q is smooth) and settle each
 * threshold's count when it is crossed, so the work per sample is constant. Counts are exact
 * integers, so the result equals the reference loop's for any chunking. The per-sample loop runs
 * in the analysis kernels (src/core/kernels/c/p56.c).
 *
 * Every channel is measured; the summary reports the loudest one (highest active level; the
 * lowest index on a tie), which is what a speech engineer levelling a recording looks at.
 * NaN/±Infinity samples are taken as 0.
 */
import type { Accumulator } from '../types';
import { createStaging, kernels, owned, type KernelHeld } from '../kernels/runtime';

const T_SEC = 0.03;
const HANGOVER_SEC = 0.2;
const MARGIN_DB = 15.9;
const THRESHOLDS = 15;

export interface P56ChannelResult {
  /** dBFS (dBov: 0 dB = full-scale square wave power); null when no speech was found. */
  activeSpeechLevelDbfs: number | null;
  /** Share of samples counted active, 0..1; null when no speech was found. */
  activityFactor: number | null;
  /** 10·log10(Σx²/n); null for digital silence. */
  longTermLevelDbfs: number | null;
}

export interface P56Result extends P56ChannelResult {
  /** The channel reported above (loudest active level); null when none had speech. */
  channel: number | null;
  channels: P56ChannelResult[];
}

/**
 * One channel's state in kernel memory, as src/core/kernels/c/p56.c lays it out: these doubles
 * first, then the per-threshold arrays, then what the kernel alone reads (p56_state_doubles()
 * in all). `n` is the index in the file of the next sample: the kernel pairs samples by it.
 */
const P = { p: 0, q: 1, k: 2, n: 3, sq: 4, g: 5, h: 6, hangover: 7, counts: 8 };
const ABOVE_SINCE = P.counts + THRESHOLDS;
const LAST_ABOVE = P.counts + 2 * THRESHOLDS;
const EVER_ABOVE = P.counts + 3 * THRESHOLDS;
const THRESH = P.counts + 4 * THRESHOLDS;

/**
 * One channel: the per-sample envelope and threshold crossings run in the kernels (p56_push);
 * the state (envelopes, position, per-threshold counts, when each threshold was last crossed)
 * lives in kernel memory at `ptr` and is read here for the counts.
 */
class P56Channel {
  constructor(
    readonly ptr: number,
    private readonly doubles: number,
    g: number,
    hangover: number,
    c: Float64Array,
    originSample: number,
  ) {
    const s = this.state();
    s.fill(0);
    s[P.n] = originSample;
    s[P.g] = g;
    s[P.h] = 1 - g;
    s[P.hangover] = hangover;
    s.fill(-1, LAST_ABOVE, LAST_ABOVE + THRESHOLDS);
    s.set(c, THRESH);
  }

  state(): Float64Array {
    return kernels().f64(this.ptr, this.doubles);
  }

  /**
   * Activity counts as if the stream ended now: open stretches and hangovers are closed here.
   * a_j is then exactly the number of samples so far that were active at threshold j (above it,
   * or within the hangover after it), so the counts of a stretch are a difference of two of these.
   */
  activity(): Float64Array {
    const s = this.state();
    const n = s[P.n];
    const k = s[P.k];
    const hangover = s[P.hangover];
    const a = s.slice(P.counts, P.counts + THRESHOLDS);
    for (let j = 0; j < THRESHOLDS; j++) {
      if (j < k) a[j] += n - s[ABOVE_SINCE + j];
      else if (s[EVER_ABOVE + j] === 1) a[j] += Math.min(n - 1 - s[LAST_ABOVE + j], hangover);
    }
    return a;
  }

  /** The envelope has warmed up: from here on count only what follows. */
  startCounting(): { activity: Float64Array; n: number } {
    const s = this.state();
    s[P.sq] = 0;
    return { activity: this.activity(), n: s[P.n] };
  }

  partial(from: { activity: Float64Array; n: number }): P56ChannelPartial {
    const a = this.activity();
    for (let j = 0; j < THRESHOLDS; j++) a[j] -= from.activity[j];
    const s = this.state();
    return { activity: Array.from(a), sumSquares: s[P.sq], samples: s[P.n] - from.n };
  }
}

/** One channel's counts over a stretch, as plain data: stretches merge by adding. */
export interface P56ChannelPartial {
  /** Samples active at each of the 15 thresholds. */
  activity: number[];
  sumSquares: number;
  samples: number;
}

export interface P56Partial {
  channels: P56ChannelPartial[];
}

export function mergeP56(a: P56Partial, b: P56Partial): P56Partial {
  return {
    channels: a.channels.map((x, i) => {
      const y = b.channels[i];
      return { activity: x.activity.map((v, j) => v + y.activity[j]), sumSquares: x.sumSquares + y.sumSquares, samples: x.samples + y.samples };
    }),
  };
}

function channelResult(p: P56ChannelPartial, c: Float64Array): P56ChannelResult {
  const n = p.samples;
  const sq = p.sumSquares;
  const a = p.activity;
  const longTerm = n > 0 && sq > 0 ? 10 * Math.log10(sq / n) : null;
  const none: P56ChannelResult = { activeSpeechLevelDbfs: null, activityFactor: null, longTermLevelDbfs: longTerm };
  if (longTerm === null || a[0] === 0) return none;
  const A = (j: number): number => 10 * Math.log10(sq / a[j]);
  const C = (j: number): number => 20 * Math.log10(c[j]);
  if (A(0) - C(0) < MARGIN_DB) return none;
  for (let j = 1; j < THRESHOLDS; j++) {
    if (a[j] === 0) continue; // as sv56: a threshold never reached is skipped
    const delta = A(j) - C(j);
    if (delta <= MARGIN_DB) {
      // Straight line from (C_{j−1}, A_{j−1}) to (C_j, A_j); find where A − C = M.
      const am = A(j - 1);
      const cm = C(j - 1);
      const deltaM = am - cm;
      const t = deltaM === delta ? 0 : (deltaM - MARGIN_DB) / (deltaM - delta);
      const level = am + t * (A(j) - am);
      return {
        activeSpeechLevelDbfs: level,
        activityFactor: Math.min(1, 10 ** ((longTerm - level) / 10)),
        longTermLevelDbfs: longTerm,
      };
    }
  }
  return none;
}

export interface P56Accumulator extends Accumulator<P56Result>, KernelHeld {
  partial(): P56Partial;
}

/**
 * `warmupSamples`: the first samples pushed only settle the envelope (a segment of a file is
 * pushed 2 s before its start, after which the 30 ms smoothers and the 0.2 s hangover hold what
 * one pass over the whole file would); counts and power cover what follows. `originSample`: the
 * index in the file of the first sample pushed (the kernel's pairs of samples start at even
 * indices, so a segment computes the same bits as one pass).
 */
export function createP56(sampleRateHz: number, channelCount: number, warmupSamples = 0, originSample = 0): P56Accumulator {
  const g = Math.exp(-1 / (sampleRateHz * T_SEC));
  const hangover = Math.floor(HANGOVER_SEC * sampleRateHz + 0.5);
  const c = p56Thresholds();
  const k = kernels();
  const doubles = k.exports.p56_state_doubles();
  const block = k.alloc(8 * doubles * channelCount);
  const states = Array.from({ length: channelCount }, (_, ch) => new P56Channel(block + 8 * doubles * ch, doubles, g, hangover, c, originSample));
  const staging = createStaging(channelCount);
  /** Channels from `at` for `n` samples through the kernel, two at a time. */
  const run = (channels: readonly Float32Array[], at: number, n: number): void => {
    for (let from = at; from < at + n; from += staging.maxFrames) {
      const len = Math.min(staging.maxFrames, at + n - from);
      const ptrs = k.i32(staging.stage(channels, from, len), channelCount);
      let ch = 0;
      for (; ch + 1 < channelCount; ch += 2) k.exports.p56_push2(states[ch].ptr, states[ch + 1].ptr, ptrs[ch], ptrs[ch + 1], len);
      if (ch < channelCount) k.exports.p56_push(states[ch].ptr, ptrs[ch], len);
    }
  };
  let warm = warmupSamples;
  let from = warm === 0 ? states.map((s) => s.startCounting()) : null;
  const partial = (): P56Partial => {
    const start = from ?? states.map((s) => s.startCounting());
    return { channels: states.map((s, ch) => s.partial(start[ch])) };
  };
  const accumulator: P56Accumulator = {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      let i = 0;
      if (warm > 0) {
        i = Math.min(n, warm);
        run(channels, 0, i);
        warm -= i;
        if (warm === 0) from = states.map((s) => s.startCounting());
      }
      if (i < n) run(channels, i, n - i);
    },
    partial,
    finish() {
      return finishP56(partial());
    },
    release: (): void => undefined,
  };
  accumulator.release = owned(accumulator, () => {
    k.exports.free(block);
    staging.release();
  });
  return accumulator;
}

function p56Thresholds(): Float64Array {
  const c = new Float64Array(THRESHOLDS);
  for (let j = 0; j < THRESHOLDS; j++) c[j] = 2 ** (j - THRESHOLDS);
  return c;
}

export function finishP56(partial: P56Partial): P56Result {
  const c = p56Thresholds();
  const channels = partial.channels.map((p) => channelResult(p, c));
  let best: number | null = null;
  channels.forEach((r, i) => {
    if (r.activeSpeechLevelDbfs === null) return;
    if (best === null || r.activeSpeechLevelDbfs > (channels[best].activeSpeechLevelDbfs ?? -Infinity)) best = i;
  });
  const chosen: P56ChannelResult =
    best === null ? { activeSpeechLevelDbfs: null, activityFactor: null, longTermLevelDbfs: null } : channels[best];
  return { ...chosen, channel: best, channels };
}
