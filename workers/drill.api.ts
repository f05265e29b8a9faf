/**
 * The drill worker's API: apply an impairment recipe to a WAV file and hand back the impaired
 * file as 16-bit WAV bytes (what a broken path would have written). Pure core underneath
 * (src/core/impair); the same recipe and seed give the same bytes as the CLI.
 */
import { decodeWavBytes, looksLikeWav } from '../src/core/format/wav';
import { encodeWav } from '../src/core/format/wav-encode';
import { applyRecipe, validateRecipe } from '../src/core/impair/recipe';
import type { Recipe } from '../src/core/impair/types';
import { AudioPathError, fail, ok, type Result } from '../src/core/types';

/** Drills are for short recordings: 10 minutes of 48 kHz stereo is about 115 MB of WAV. */
export const MAX_DRILL_SEC = 600;

export interface ImpairedAudio {
  wav: Uint8Array;
  sampleRateHz: number;
  channels: number;
  durationSec: number;
}

export const drillApi = {
  async impair(file: Blob, recipe: Recipe): Promise<Result<ImpairedAudio>> {
    try {
      const problems = validateRecipe(recipe);
      if (problems.length > 0) return fail('decode-failed', `The drill recipe is not valid: ${problems.join('; ')}.`);
      if (file.size === 0) return fail('empty-file', 'The file is empty (0 bytes).');
      const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
      if (!looksLikeWav(head)) return fail('unsupported-codec', 'Drills take WAV files (PCM, float, A-law or µ-law); convert this one to WAV first.');
      const source = decodeWavBytes(new Uint8Array(await file.arrayBuffer()));
      const frames = source.channels[0]?.length ?? 0;
      if (frames / source.sampleRateHz > MAX_DRILL_SEC) {
        return fail('too-long', `Drills take recordings up to ${MAX_DRILL_SEC / 60} minutes; this one is ${(frames / source.sampleRateHz / 60).toFixed(1)} minutes.`);
      }
      const out = applyRecipe(source, recipe);
      const wav = encodeWav(out.channels, out.sampleRateHz, 'pcm16');
      return ok({ wav, sampleRateHz: out.sampleRateHz, channels: out.channels.length, durationSec: (out.channels[0]?.length ?? 0) / out.sampleRateHz });
    } catch (error) {
      if (error instanceof AudioPathError) return fail(error.code, error.message);
      return fail('decode-failed', `The drill stopped on an internal error (${(error instanceof Error ? error.message : String(error)).slice(0, 120)}).`);
    }
  },
};

export type DrillApi = typeof drillApi;
