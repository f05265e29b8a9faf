/**
 * The labelled source of a sweep: the recipe's recordings (WAV bytes, decoded by the core),
 * mixed to mono, each labelled by `speechExtent`, joined with seeded digital-silence gaps and
 * rounded to 16 bits — so the `source.wav` written into a fixture pack decodes to exactly the
 * samples every cell was made from.
 */
import { decodeWavBytes, looksLikeWav } from '../format/wav';
import { mixDown } from '../vad-engines/postprocess';
import { assembleSequence, labelPrompt, type LabelledSequence } from './labelled-source';
import type { SweepSource } from './types';

/** Longest labelled source a sweep takes: every cell is a copy, and every engine runs on each. */
export const MAX_SOURCE_SEC = 120;

/** x → the nearest 16-bit value, as encodeWav('pcm16') then decoding would give. */
export function quantize16(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768))) || 0) / 32768;
  return out;
}

/**
 * `files` maps each path of `source.files` to its bytes. Throws RangeError with a plain message
 * (unknown file, not WAV, mixed rates, no speech, too long).
 */
export function buildLabelledSource(source: SweepSource, files: ReadonlyMap<string, Uint8Array>): LabelledSequence {
  const prompts = source.files.map((path) => {
    const bytes = files.get(path);
    if (!bytes) throw new RangeError(`source file "${path}" was not provided`);
    if (!looksLikeWav(bytes.subarray(0, 12))) throw new RangeError(`source file "${path}" is not a WAV file`);
    let audio;
    try {
      audio = decodeWavBytes(bytes);
    } catch (error) {
      throw new RangeError(`source file "${path}" could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return labelPrompt(path, mixDown(audio), audio.sampleRateHz);
    } catch {
      throw new RangeError(`source file "${path}" has no speech to label`);
    }
  });
  const seq = assembleSequence(prompts, { seed: source.seed, gapRangeSec: source.gapSec, shuffle: false });
  const durationSec = seq.samples.length / seq.sampleRateHz;
  if (durationSec > MAX_SOURCE_SEC) throw new RangeError(`the labelled source is ${durationSec.toFixed(0)} s long; sweeps take up to ${MAX_SOURCE_SEC} s`);
  return { ...seq, samples: quantize16(seq.samples) };
}
