/**
 * Clipping definitions and the flat-top (clipped-then-attenuated) detector.
 *
 * Full-scale clipping: a sample is clipped when |x| ≥ 0.999 FS; a clip run is ≥ 3 consecutive
 * clipped samples in one channel (Audacity's Find Clipping starts a region after 3). SoX's
 * "Pk count" (samples equal to the channel's min or max) is kept beside it (`peakCount`). On
 * audio hard-clipped at full scale the two agree when every sample ≥ 0.999 sits on the rail;
 * samples that pass within 0.1 % of full scale without being clipped count here and not in SoX
 * (15 of 6,804 on LibriVox speech hard-clipped by +20 dB).
 *
 * Flat tops below full scale: audio clipped upstream and then turned down keeps plateaus of
 * identical sample values at ±p with p < 0.999. Per channel and polarity we keep the 16 largest
 * distinct sample values seen so far with their counts and their runs of ≥ 3 identical
 * consecutive samples (exact: a value among the final top 16 was among the top 16 at every
 * moment it occurred). At the end the level with the most runs is the candidate plateau p, and
 * it is a flat top when
 *   - p < 0.999 (above that it is ordinary clipping),
 *   - it has ≥ 5 runs of ≥ 3 identical samples, and
 *   - it is a histogram spike: count(p) ≥ 4 × (the counts of the next 3 distinct values below p).
 * The spike test is what keeps smooth peaks out. A smooth maximum quantised to steps of q spends
 * time ∝ √depth below its top, so the top step collects at most ~2.4× the samples of the next
 * step and about as many as the next three together — whatever the quantiser (16-bit, 8-bit,
 * µ-law, A-law) and however slow the signal (a 20 Hz sine at 16-bit has runs of 3+ at its top
 * every period). A plateau collects every sample of every clipped peak, while the samples that
 * enter and leave it scatter over many values. Values above p are allowed only if they are rare
 * (≤ 10 % of count(p), and p ≥ max/4), e.g. a few overshoots. Plateaus below −40 dBFS (0.01) are
 * not reported: there the most repeated value is the quantiser's first step in quiet passages
 * (8-bit speech at −20 dB has thousands of runs at ±1 LSB), not a ceiling. When the table is
 * full and nothing below the candidate is tracked, the spike cannot be judged and nothing is
 * reported.
 * Measured spike ratios (15 speech fixtures, sines of 20 Hz–1 kHz): clean, µ-law, A-law and 8-bit
 * speech and quantised sines ≤ 1.4; speech clipped by +12 dB then turned down 6 dB, 16-bit,
 * 15–150. The same flat tops requantised to µ-law read 0.7–7.5 (µ-law's coarse top steps
 * collect the entry samples), so about half of those are missed.
 */

/** |x| at or above this is clipped (0.999 FS ≈ −0.0087 dBFS). */
export const CLIP_LEVEL = 0.999;
/** Consecutive clipped samples that make a run. */
export const CLIP_RUN_MIN = 3;

const TOP_LEVELS = 16;
const PLATEAU_RUN_MIN = 3;
const FLAT_TOP_MIN_RUNS = 5;
const FLAT_TOP_SPIKE_RATIO = 4;
const FLAT_TOP_BELOW_LEVELS = 3;
const FLAT_TOP_ABOVE_SHARE = 0.1;
const FLAT_TOP_MIN_SHARE_OF_MAX = 0.25;
const FLAT_TOP_MIN_LEVEL = 0.01;

export interface FlatTopResult {
  detected: boolean;
  /** The plateau |value| (linear FS); null when no candidate. */
  level: number | null;
  /** Samples exactly at the plateau value. */
  samples: number;
  /** Runs of ≥ 3 identical samples at the plateau. */
  runs: number;
  /** count(p) / (counts of the next 3 distinct values below p); Infinity when none below. */
  spikeRatio: number | null;
}

/**
 * The largest distinct values of one polarity (fed v > 0, i.e. x for the positive side and −x
 * for the negative side), with counts and runs. Only values ≥ `threshold` may be fed; the caller
 * keeps that test in its hot loop, so almost every sample costs one comparison. The table is
 * filled by the sample-statistics kernel (top_observe in src/core/kernels/c/stats.c: a value
 * equal to one tracked adds to it, a larger one is inserted in descending order and the smallest
 * dropped; a run of PLATEAU_RUN_MIN identical consecutive values adds a run); this class reads it.
 */
export class TopLevels {
  readonly values = new Float64Array(TOP_LEVELS);
  readonly counts = new Float64Array(TOP_LEVELS);
  readonly runs = new Float64Array(TOP_LEVELS);
  size = 0;
  /** Smallest value that can still enter; positive so zeros (silence) never do. */
  threshold = Number.MIN_VALUE;
  lastPos = -2;
  lastValue = 0;
  runLength = 0;
  /** Samples observed from local position 0 on with one identical value (for exact segment merges). */
  headLength = 0;
  headValue = 0;

  /** The state as plain data; `n` is the samples seen (positions are 0..n−1). */
  toPartial(n: number): TopLevelsPartial {
    return {
      values: Array.from(this.values.subarray(0, this.size)),
      counts: Array.from(this.counts.subarray(0, this.size)),
      runs: Array.from(this.runs.subarray(0, this.size)),
      n,
      tailValue: this.lastPos === n - 1 ? this.lastValue : 0,
      tailLength: this.lastPos === n - 1 ? this.runLength : 0,
      headValue: this.headLength > 0 ? this.headValue : 0,
      headLength: this.headLength,
    };
  }

  static fromPartial(p: TopLevelsPartial): TopLevels {
    const t = new TopLevels();
    t.size = p.values.length;
    t.values.set(p.values);
    t.counts.set(p.counts);
    t.runs.set(p.runs);
    if (t.size === TOP_LEVELS) t.threshold = t.values[TOP_LEVELS - 1];
    return t;
  }

  /** The flat-top decision for this polarity (see the file comment). */
  flatTop(): FlatTopResult {
    let cand = -1;
    for (let j = 0; j < this.size; j++) {
      if (this.runs[j] > 0 && (cand < 0 || this.runs[j] > this.runs[cand])) cand = j;
    }
    if (cand < 0) return { detected: false, level: null, samples: 0, runs: 0, spikeRatio: null };
    const level = this.values[cand];
    const samples = this.counts[cand];
    const runs = this.runs[cand];
    let below = 0;
    const belowEnd = Math.min(this.size, cand + 1 + FLAT_TOP_BELOW_LEVELS);
    for (let j = cand + 1; j < belowEnd; j++) below += this.counts[j];
    let above = 0;
    for (let j = 0; j < cand; j++) above += this.counts[j];
    // With a full table and nothing tracked below the candidate, the spike cannot be judged;
    // with a table that is not full, every positive value is in it and "nothing below" is true.
    const judged = below > 0 || this.size < TOP_LEVELS;
    const spikeRatio = below > 0 ? samples / below : judged ? Infinity : null;
    const detected =
      judged &&
      level < CLIP_LEVEL &&
      level >= FLAT_TOP_MIN_LEVEL &&
      level >= FLAT_TOP_MIN_SHARE_OF_MAX * this.values[0] &&
      runs >= FLAT_TOP_MIN_RUNS &&
      (spikeRatio ?? 0) >= FLAT_TOP_SPIKE_RATIO &&
      above <= FLAT_TOP_ABOVE_SHARE * samples;
    return { detected, level, samples, runs, spikeRatio };
  }
}

/**
 * One polarity's table as plain data, with the identical-value runs touching each end so that two
 * consecutive stretches of a channel merge exactly (`mergeTopLevels`).
 */
export interface TopLevelsPartial {
  values: number[];
  counts: number[];
  runs: number[];
  /** Samples of the stretch (all of them, observed or not). */
  n: number;
  /** The run of identical observed values ending at the last sample (length 0: none). */
  tailValue: number;
  tailLength: number;
  /** The run of identical observed values starting at the first sample (length 0: none). */
  headValue: number;
  headLength: number;
}

/**
 * The table of `a` followed by `b`. Exact: a value among the top 16 of the whole is among the
 * top 16 of each part, with all its occurrences counted there, so the union's top 16 carries the
 * whole's counts; a run of identical samples across the seam is counted once, as one pass would.
 */
export function mergeTopLevels(a: TopLevelsPartial, b: TopLevelsPartial): TopLevelsPartial {
  const map = new Map<number, { count: number; runs: number }>();
  const add = (p: TopLevelsPartial): void => {
    p.values.forEach((v, i) => {
      const e = map.get(v) ?? { count: 0, runs: 0 };
      e.count += p.counts[i];
      e.runs += p.runs[i];
      map.set(v, e);
    });
  };
  add(a);
  add(b);
  const joined = a.tailLength > 0 && b.headLength > 0 && a.tailValue === b.headValue;
  if (joined) {
    const e = map.get(a.tailValue);
    if (e) {
      const whole = a.tailLength + b.headLength;
      const atLeast = (len: number): number => (len >= PLATEAU_RUN_MIN ? 1 : 0);
      e.runs += atLeast(whole) - atLeast(a.tailLength) - atLeast(b.headLength);
    }
  }
  const values = [...map.keys()].sort((x, y) => y - x).slice(0, TOP_LEVELS);
  const bWhole = b.headLength === b.n;
  const aWhole = a.headLength === a.n;
  const headLength = aWhole && (a.n === 0 || (b.headLength > 0 && b.headValue === a.headValue)) ? a.n + b.headLength : a.headLength;
  return {
    values,
    counts: values.map((v) => map.get(v)?.count ?? 0),
    runs: values.map((v) => map.get(v)?.runs ?? 0),
    n: a.n + b.n,
    tailValue: joined && bWhole ? a.tailValue : b.tailLength > 0 ? b.tailValue : 0,
    tailLength: joined && bWhole ? a.tailLength + b.n : b.tailLength,
    headValue: headLength === 0 ? 0 : a.headLength > 0 ? a.headValue : b.headValue,
    headLength,
  };
}

/** Combine the two polarities of one channel: detected if either side is. */
export function combineFlatTops(pos: FlatTopResult, neg: FlatTopResult): FlatTopResult {
  if (pos.detected && neg.detected) {
    return {
      detected: true,
      level: Math.max(pos.level ?? 0, neg.level ?? 0),
      samples: pos.samples + neg.samples,
      runs: pos.runs + neg.runs,
      spikeRatio: Math.min(pos.spikeRatio ?? Infinity, neg.spikeRatio ?? Infinity),
    };
  }
  if (pos.detected) return pos;
  if (neg.detected) return neg;
  // Not detected: report the stronger candidate for diagnostics.
  return pos.runs >= neg.runs ? pos : neg;
}
