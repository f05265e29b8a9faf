/**
 * The quiet-speaker sweep: one labelled source, swept over speech gain × noise SNR, run through
 * each VAD engine under each threshold setting ("old" vs "new"), scored against the labels.
 * A `SweepRecipe` is plain JSON and is also the recipe of a fixture pack: the same recipe and
 * the same source files give the same WAVs, labels, results and zip bytes in Node and the page.
 */
import type { VadEngineId } from '../vad-engines/types';

export const RECIPE_FORMAT = 'audio-path-lab/fixture-recipe@1';

export interface SweepSource {
  /**
   * The recordings joined into the labelled source, in this order. For public fixtures these
   * are paths inside the repository's fixtures/ folder (e.g. "speech/librivox/…-0880.wav").
   */
  files: string[];
  /** true when every file is a public fixture (audio export needs no confirmation). */
  public: boolean;
  /** Digital-silence gaps before, between and after the recordings: uniform in [min, max] s. */
  gapSec: [number, number];
  /** Seed of the gap lengths. */
  seed: number;
}

/**
 * A threshold setting as a team would name it in a change ("old" / "new"). `threshold` is per
 * engine, in the engine's own units (builtin 0..1, webrtc mode 0..3, silero probability 0..1);
 * omitted = the engine's default. `gateDbfs` is an absolute energy gate in front of every engine:
 * 10 ms frames whose mean-square level is below it are zeroed before the VAD sees them — what a
 * fixed noise gate or an absolute VAD floor in a pipeline does to a quiet speaker.
 */
export interface ThresholdSetting {
  name: string;
  threshold?: Partial<Record<VadEngineId, number>>;
  gateDbfs?: number | null;
}

export type NoiseKind = 'white' | 'pink' | 'babble';

export interface SweepRecipe {
  format: typeof RECIPE_FORMAT;
  source: SweepSource;
  /** Speech gains, dB (applied first, to the whole source). */
  gainsDb: number[];
  /** Noise SNRs, dB; null = no noise (∞). Noise is added after the gain, at this active-speech SNR. */
  snrsDb: Array<number | null>;
  noise: NoiseKind;
  /** Seed of every cell's impairment recipe (the same noise shape in every cell). */
  seed: number;
  engines: VadEngineId[];
  settings: ThresholdSetting[];
  /** Leading-word deletion above this (seconds) counts as a missed first word. */
  toleranceSec: number;
}

/** Scores of one engine under one setting on one impaired file. */
export interface VadScore {
  /**
   * Leading-word deletion, s: how much of the first labelled utterance comes before the first
   * detected speech inside it (0 when a detected segment already covers its onset; the whole
   * utterance when nothing inside it is detected).
   */
  leadingDeletionSec: number;
  /** leadingDeletionSec > toleranceSec. */
  firstWordMissed: boolean;
  /** Start of the first detected segment anywhere (a false alarm can come first); null = none. */
  firstDetectedOnsetSec: number | null;
  /** The same deletion for every labelled utterance; the worst one. */
  worstOnsetDeletionSec: number;
  /** Share of true speech frames (10 ms) not detected, 0..1. */
  missedSpeechRatio: number;
  /** Share of non-speech frames detected as speech, 0..1. */
  falseAlarmRatio: number;
  /** Frame F1 over 10 ms frames, 0..1 (1 when there is no speech and none is detected). */
  f1: number;
  segmentCount: number;
}

export interface SweepCell {
  gainDb: number;
  snrDb: number | null;
  engine: VadEngineId;
  setting: string;
  score: VadScore;
}

export interface SweepResult {
  recipe: SweepRecipe;
  sampleRateHz: number;
  durationSec: number;
  /** Ground-truth speech ranges, seconds. */
  truth: Array<{ startSec: number; endSec: number }>;
  cells: SweepCell[];
}
