/**
 * Impairments: pure, deterministic functions that do to clean audio what a broken audio path
 * does. One per file; the registry lists them; a recipe composes them. The same recipe and
 * seed give bit-identical output in Node and in a browser worker.
 */
import type { PcmAudio } from '../types';

export type ParamValue = number | string;

export interface NumberParam {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  unit: string;
  label: string;
}
export interface ChoiceParam {
  kind: 'choice';
  default: string;
  options: readonly string[];
  label: string;
}
export type ParamSpec = NumberParam | ChoiceParam;

export interface Impairment {
  id: string;
  /** One sentence: what it does, in the words of the failure it simulates. */
  description: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** Pure: never mutates `audio`; `rand` is a seeded uniform [0, 1) source for this step. */
  apply(audio: PcmAudio, params: Readonly<Record<string, ParamValue>>, rand: () => number): PcmAudio;
}

export interface RecipeStep {
  id: string;
  params?: Record<string, ParamValue>;
}

/** Enough to regenerate an impaired file bit-identically from its source. */
export interface Recipe {
  seed: number;
  steps: RecipeStep[];
}

export const num = (p: Readonly<Record<string, ParamValue>>, name: string): number => {
  const v = p[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`parameter ${name} must be a finite number`);
  return v;
};

export const str = (p: Readonly<Record<string, ParamValue>>, name: string): string => {
  const v = p[name];
  if (typeof v !== 'string') throw new RangeError(`parameter ${name} must be a string`);
  return v;
};

export const dbToGain = (db: number): number => 10 ** (db / 20);

/** Apply `f` to every channel, keeping the rate. */
export const mapChannels = (audio: PcmAudio, f: (x: Float32Array, channel: number) => Float32Array): PcmAudio => ({
  sampleRateHz: audio.sampleRateHz,
  channels: audio.channels.map((x, c) => f(x, c)),
});
