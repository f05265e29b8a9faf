/**
 * Labelled speech: real prompts joined with exact digital-silence gaps, with the ground-truth
 * speech range of each prompt. The one implementation behind the eval set (scripts/eval/dataset.ts),
 * the quiet-speaker sweep, fixture packs, the CLI and the page.
 *
 * Ground truth per prompt is its speech extent, found on the CLEAN prompt:
 *   - frame levels over 10 ms frames, smoothed by a 50 ms power average;
 *   - threshold = max(loudest smoothed level − 40 dB, the prompt's own background + 10 dB),
 *     background = 20th percentile of the prompt's non-zero frame levels;
 *   - extent = first to last frame above the threshold, widened by 20 ms on each side.
 * That keeps weak onsets and word-final decays (conservative: in doubt, speech), while a prompt's
 * own lead-in room noise stays non-speech. Pauses inside a prompt count as speech.
 */
import { mulberry32 } from '../dsp/rng';

/** Samples [start, end) at the sequence's rate. */
export interface SampleRange {
  start: number;
  end: number;
}

export interface LabelledPrompt {
  name: string;
  sampleRateHz: number;
  samples: Float32Array;
  /** Labelled speech extent, samples [start, end). */
  speechStart: number;
  speechEnd: number;
}

export interface LabelledSequence {
  sampleRateHz: number;
  samples: Float32Array;
  /** Labelled speech ranges in samples [start, end), in time order. */
  speech: SampleRange[];
}

/** Speech extent of a clean prompt (rule in the file comment). Throws when there is none. */
export function speechExtent(samples: Float32Array, sampleRateHz: number): SampleRange {
  const hop = Math.round(sampleRateHz * 0.01);
  const frames = Math.floor(samples.length / hop);
  const power = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let t = i * hop; t < (i + 1) * hop; t++) s += samples[t] * samples[t];
    power[i] = s / hop;
  }
  const smooth = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    let n = 0;
    for (let j = Math.max(0, i - 2); j <= Math.min(frames - 1, i + 2); j++) {
      s += power[j];
      n++;
    }
    smooth[i] = s / n;
  }
  const db = Array.from(smooth, (p) => (p > 0 ? 10 * Math.log10(p) : -Infinity));
  const nonZero = Array.from(power)
    .filter((p) => p > 0)
    .map((p) => 10 * Math.log10(p))
    .sort((a, b) => a - b);
  const background = nonZero.length > 0 ? nonZero[Math.floor(0.2 * (nonZero.length - 1))] : -Infinity;
  let loudest = -Infinity;
  for (const v of db) if (v > loudest) loudest = v;
  const threshold = Math.max(loudest - 40, background + 10);
  let first = db.findIndex((v) => v >= threshold);
  let last = frames - 1;
  while (last > 0 && db[last] < threshold) last--;
  if (first < 0 || !Number.isFinite(loudest)) throw new RangeError('the recording has no speech (it is digital silence)');
  first = Math.max(0, first - 2);
  last = Math.min(frames - 1, last + 2);
  return { start: first * hop, end: Math.min(samples.length, (last + 1) * hop) };
}

/** A decoded mono prompt with its speech extent. */
export function labelPrompt(name: string, samples: Float32Array, sampleRateHz: number): LabelledPrompt {
  const ext = speechExtent(samples, sampleRateHz);
  return { name, sampleRateHz, samples, speechStart: ext.start, speechEnd: ext.end };
}

export interface AssembleOptions {
  seed: number;
  /** Gap lengths are uniform in [min, max] seconds: before, between and after the prompts. */
  gapRangeSec: readonly [number, number];
  /** How many times the prompt list is used (default 1). */
  repeats?: number;
  /** Seeded order per repeat (the eval set); false keeps the given order (fixture packs). */
  shuffle?: boolean;
}

/**
 * Prompts (all at one rate), `repeats` times over, with seeded digital-silence gaps before,
 * between and after them. One seeded stream draws the order first, then the gaps.
 */
export function assembleSequence(prompts: readonly LabelledPrompt[], options: AssembleOptions): LabelledSequence {
  if (prompts.length === 0) throw new RangeError('a labelled sequence needs at least one prompt');
  const sampleRateHz = prompts[0].sampleRateHz;
  for (const p of prompts) {
    if (p.sampleRateHz !== sampleRateHz) throw new RangeError(`prompts must share one sample rate: ${p.name} is ${p.sampleRateHz} Hz, ${prompts[0].name} is ${sampleRateHz} Hz`);
  }
  const repeats = options.repeats ?? 1;
  const shuffle = options.shuffle ?? false;
  const rand = mulberry32(options.seed);
  const [gapMin, gapMax] = options.gapRangeSec;
  const gap = (): number => Math.round((gapMin + (gapMax - gapMin) * rand()) * sampleRateHz);
  const order: LabelledPrompt[] = [];
  for (let r = 0; r < repeats; r++) {
    const idx = prompts.map((_, i) => i);
    if (shuffle) {
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
    }
    for (const i of idx) order.push(prompts[i]);
  }
  const gaps = order.map(() => gap());
  gaps.push(gap());
  const total = gaps.reduce((a, b) => a + b, 0) + order.reduce((a, p) => a + p.samples.length, 0);
  const samples = new Float32Array(total);
  const speech: SampleRange[] = [];
  let pos = 0;
  order.forEach((p, i) => {
    pos += gaps[i];
    samples.set(p.samples, pos);
    speech.push({ start: pos + p.speechStart, end: pos + p.speechEnd });
    pos += p.samples.length;
  });
  return { sampleRateHz, samples, speech };
}

/** 10 ms frame truth: frame i is speech when its centre sample lies in a labelled range. */
export function truthFrames(speech: ReadonlyArray<SampleRange>, hop: number, frameCount: number): Uint8Array {
  const out = new Uint8Array(frameCount);
  for (const r of speech) {
    // Frames whose centre i·hop + hop/2 lies in [start, end).
    const first = Math.max(0, Math.ceil((r.start - hop / 2) / hop));
    for (let i = first; i < frameCount; i++) {
      const c = i * hop + hop / 2;
      if (c >= r.end) break;
      if (c >= r.start) out[i] = 1;
    }
  }
  return out;
}
