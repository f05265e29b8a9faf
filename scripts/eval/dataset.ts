/**
 * The labelled evaluation set for VAD / SNR / bandwidth, generated in memory, deterministic.
 *
 * A "sequence" is real speech prompts in a seeded order with exact digital-silence gaps between
 * them (seeded lengths). Ground truth per prompt is its speech extent, found on the CLEAN prompt:
 *   - frame levels over 10 ms frames, smoothed by a 50 ms power average;
 *   - threshold = max(loudest smoothed level − 40 dB, the prompt's own background + 10 dB),
 *     background = 20th percentile of the prompt's non-zero frame levels;
 *   - extent = first to last frame above the threshold, widened by 20 ms on each side.
 * That keeps weak onsets and word-final decays (conservative: in doubt, speech), while a prompt's
 * own lead-in room noise stays non-speech. Pauses inside a prompt count as speech.
 *
 * A "cell" applies a gain to the sequence, adds white or pink Gaussian noise at a given SNR over
 * the whole sequence (gaps included) and rounds to 16-bit. SNR = active-speech RMS (the clean,
 * gained speech over the labelled extents) over noise RMS.
 *
 * Sets: asterisk (8 kHz telephony prompts, tuning set), librivox (16 kHz audiobook, held out),
 * espeak (22.05 kHz synthetic speech made here with espeak-ng, held out, other gap lengths).
 */
import { decodeWavBytes, parseWavHeader } from '../../src/core/format/wav';
import { assembleSequence, speechExtent } from '../../src/core/sweep/labelled-source';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type SetName = 'asterisk' | 'librivox' | 'espeak';
export type NoiseKind = 'none' | 'white' | 'pink';

export interface Prompt {
  name: string;
  sampleRateHz: number;
  samples: Float32Array;
  /** Labelled speech extent, samples [start, end). */
  speechStart: number;
  speechEnd: number;
}

export interface Sequence {
  set: SetName;
  sampleRateHz: number;
  samples: Float32Array;
  /** Labelled speech ranges in samples [start, end). */
  speech: Array<{ start: number; end: number }>;
}

export interface Cell {
  set: SetName;
  gainDb: number;
  noise: NoiseKind;
  /** Nominal SNR, dB; null = no noise added. */
  snrDb: number | null;
  sampleRateHz: number;
  samples: Float32Array;
  speech: Array<{ start: number; end: number }>;
  /** Active-speech RMS of the clean gained speech, and the RMS of the added noise. */
  speechRms: number;
  noiseRms: number;
}

// ---------- deterministic randomness (the core's generators, so impairments and eval agree) ----------

import { mulberry32 as rng } from '../../src/core/dsp/rng';
import { gaussian, whiteNoise, pinkNoise } from '../../src/core/dsp/noise';
export { rng, gaussian, whiteNoise, pinkNoise };

// ---------- WAV reading ----------

/** A 16-bit PCM mono WAV (all the speech fixtures are), decoded by the core's WAV decoder. */
export function readWav16Mono(bytes: Uint8Array): { sampleRateHz: number; samples: Float32Array } {
  const parsed = parseWavHeader(bytes, bytes.length);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const { codec, channels } = parsed.value.layout;
  if (channels !== 1 || codec !== 'pcm-s16') throw new Error(`want 16-bit mono, got ${channels} ch ${codec}`);
  const { sampleRateHz, channels: planes } = decodeWavBytes(bytes);
  return { sampleRateHz, samples: planes[0] };
}

// ---------- ground truth (the core's rule: src/core/sweep/labelled-source.ts) ----------

export { speechExtent, truthFrames } from '../../src/core/sweep/labelled-source';

// ---------- prompts ----------

function loadDir(dir: string): Array<{ name: string; sampleRateHz: number; samples: Float32Array }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => ({ name: f, ...readWav16Mono(readFileSync(join(dir, f))) }));
}

const ESPEAK_TEXTS = [
  'Please say the name of the city you are calling from.',
  'Your call is important to us. Please stay on the line.',
  'The quick brown fox jumps over the lazy dog.',
  'To speak with an agent, press zero at any time.',
  'We could not find an account with that number.',
  'Thank you for waiting. Your estimated wait time is four minutes.',
];

let espeakCache: Prompt[] | null = null;

function espeakPrompts(): Prompt[] {
  if (espeakCache) return espeakCache;
  const dir = mkdtempSync(join(tmpdir(), 'apl-espeak-'));
  try {
    const voices = ['en-us', 'en-gb', 'en-us+f3'];
    espeakCache = ESPEAK_TEXTS.map((text, i) => {
      const file = join(dir, `p${i}.wav`);
      execFileSync('espeak-ng', ['-v', voices[i % voices.length], '-s', String(140 + 10 * (i % 3)), '-w', file, text]);
      const { sampleRateHz, samples } = readWav16Mono(readFileSync(file));
      const ext = speechExtent(samples, sampleRateHz);
      return { name: `espeak-${i}`, sampleRateHz, samples, speechStart: ext.start, speechEnd: ext.end };
    });
    return espeakCache;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function loadPrompts(set: SetName): Prompt[] {
  if (set === 'espeak') return espeakPrompts();
  return loadDir(join(REPO_ROOT, 'fixtures', 'speech', set)).map((p) => {
    const ext = speechExtent(p.samples, p.sampleRateHz);
    return { ...p, speechStart: ext.start, speechEnd: ext.end };
  });
}

export const GAP_RANGE_SEC: Record<SetName, [number, number]> = {
  asterisk: [0.5, 2.5],
  librivox: [0.5, 2.5],
  espeak: [0.6, 1.5],
};

/**
 * Prompts in seeded order, `repeats` times over, with seeded digital-silence gaps before, between
 * and after them.
 */
export function buildSequence(set: SetName, seed: number, repeats = 2, gapRangeSec = GAP_RANGE_SEC[set]): Sequence {
  const seq = assembleSequence(loadPrompts(set), { seed, repeats, gapRangeSec, shuffle: true });
  return { set, ...seq };
}

export function activeRms(samples: Float32Array, speech: ReadonlyArray<{ start: number; end: number }>): number {
  let s = 0;
  let n = 0;
  for (const r of speech) {
    for (let i = r.start; i < r.end; i++) s += samples[i] * samples[i];
    n += r.end - r.start;
  }
  return Math.sqrt(s / n);
}

function rmsOf(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
}

/**
 * Gain, noise at the given active-speech SNR, then rounding to 16 bits (clamped).
 * `noiseEnvelope` (optional) scales the noise sample by sample before it is set to the SNR.
 */
export function makeCell(
  seq: Sequence,
  gainDb: number,
  noise: NoiseKind,
  snrDb: number | null,
  seed: number,
  noiseEnvelope?: (i: number) => number,
): Cell {
  const g = 10 ** (gainDb / 20);
  const clean = new Float32Array(seq.samples.length);
  for (let i = 0; i < clean.length; i++) clean[i] = seq.samples[i] * g;
  const speechRms = activeRms(clean, seq.speech);
  let noiseRms = 0;
  const out = new Float32Array(clean.length);
  if (noise !== 'none' && snrDb !== null) {
    const n = noise === 'white' ? whiteNoise(clean.length, seed) : pinkNoise(clean.length, seed);
    if (noiseEnvelope) for (let i = 0; i < n.length; i++) n[i] *= noiseEnvelope(i);
    noiseRms = speechRms / 10 ** (snrDb / 20);
    const k = noiseRms / rmsOf(n);
    for (let i = 0; i < clean.length; i++) out[i] = clean[i] + k * n[i];
  } else {
    out.set(clean);
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(out[i] * 32768))) / 32768;
  return {
    set: seq.set,
    gainDb,
    noise,
    snrDb: noise === 'none' ? null : snrDb,
    sampleRateHz: seq.sampleRateHz,
    samples: out,
    speech: seq.speech,
    speechRms,
    noiseRms,
  };
}

export const GAINS_DB = [-6, -18, -30];
export const SNRS_DB = [20, 10, 5, 0];

/** Every (gain, noise, SNR) cell of one set; noise-free once per gain. */
export function* cells(set: SetName, seed = 1): Generator<Cell> {
  const seq = buildSequence(set, seed);
  let k = 0;
  for (const gainDb of GAINS_DB) {
    yield makeCell(seq, gainDb, 'none', null, seed);
    for (const noise of ['white', 'pink'] as const) {
      for (const snr of SNRS_DB) yield makeCell(seq, gainDb, noise, snr, seed * 1000 + ++k);
    }
  }
}

export interface StressCase {
  label: string;
  cell: Cell;
  /** What the case checks: frame F1 against the labels, or that (almost) nothing is speech. */
  kind: 'f1' | 'no-speech';
}

/**
 * Harder conditions outside the acceptance grid (reported, not tuned on): noise only, mostly
 * silence, mostly speech, noise whose level drifts ±6 dB, a very quiet speaker.
 */
export function stressCases(): StressCase[] {
  const out: StressCase[] = [];
  const empty = (set: SetName, sec: number, seed: number): Sequence => {
    const sr = loadPrompts(set)[0].sampleRateHz;
    return { set, sampleRateHz: sr, samples: new Float32Array(Math.round(sec * sr)), speech: [] };
  };
  // Noise alone: the SNR is "set" against a nominal level (−30 dBFS).
  const noiseOnly = (set: SetName, noise: NoiseKind, seed: number): Cell => {
    const seq = empty(set, 30, seed);
    const n = noise === 'white' ? whiteNoise(seq.samples.length, seed) : pinkNoise(seq.samples.length, seed);
    const k = 10 ** (-30 / 20) / rmsOf(n);
    const samples = new Float32Array(n.length);
    for (let i = 0; i < n.length; i++) samples[i] = Math.round(n[i] * k * 32768) / 32768;
    return { set, gainDb: 0, noise, snrDb: null, sampleRateHz: seq.sampleRateHz, samples, speech: [], speechRms: 0, noiseRms: 10 ** (-30 / 20) };
  };
  out.push({ label: 'white noise only, 30 s, 16 kHz', cell: noiseOnly('librivox', 'white', 11), kind: 'no-speech' });
  out.push({ label: 'pink noise only, 30 s, 8 kHz', cell: noiseOnly('asterisk', 'pink', 12), kind: 'no-speech' });
  out.push({
    label: 'mostly silence (gaps 4–12 s), white 10 dB',
    cell: makeCell(buildSequence('asterisk', 21, 1, [4, 12]), -18, 'white', 10, 21),
    kind: 'f1',
  });
  out.push({
    label: 'mostly speech (gaps 0.35–0.6 s), pink 10 dB',
    cell: makeCell(buildSequence('librivox', 22, 2, [0.35, 0.6]), -18, 'pink', 10, 22),
    kind: 'f1',
  });
  out.push({
    label: 'continuous speech (gaps 0.05–0.15 s), clean',
    cell: makeCell(buildSequence('librivox', 26, 3, [0.05, 0.15]), -18, 'none', null, 26),
    kind: 'f1',
  });
  out.push({
    label: 'continuous speech (gaps 0.05–0.15 s), white 10 dB',
    cell: makeCell(buildSequence('librivox', 27, 3, [0.05, 0.15]), -18, 'white', 10, 27),
    kind: 'f1',
  });
  const sr8 = 8000;
  out.push({
    label: 'noise level drifting ±6 dB (8 s period), white 10 dB',
    cell: makeCell(buildSequence('asterisk', 23, 2), -18, 'white', 10, 23, (i) => 10 ** ((6 * Math.sin((2 * Math.PI * i) / (8 * sr8))) / 20)),
    kind: 'f1',
  });
  out.push({
    label: 'quiet speaker, gain −45 dB, no noise (16-bit)',
    cell: makeCell(buildSequence('librivox', 24, 1), -45, 'none', null, 24),
    kind: 'f1',
  });
  out.push({
    label: 'quiet speaker, gain −45 dB, pink 10 dB (16-bit)',
    cell: makeCell(buildSequence('espeak', 25, 1), -45, 'pink', 10, 25),
    kind: 'f1',
  });
  return out;
}
