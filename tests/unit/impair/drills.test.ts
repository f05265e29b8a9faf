import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePcm } from '../../../src/core/analyze';
import { runDetectors } from '../../../src/core/findings/run';
import { decodeWavBytes } from '../../../src/core/format/wav';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { DRILLS } from '../../../src/core/impair/drills';
import { applyRecipe, validateRecipe } from '../../../src/core/impair/recipe';

const FIXTURES = join(__dirname, '../../../fixtures');

/** Findings of audio as the page would see it: written as 16-bit WAV, read back, analysed. */
function findingsOf(rel: string, recipe = { seed: 1, steps: [] }): Array<{ id: string; severity: string }> {
  const source = decodeWavBytes(new Uint8Array(readFileSync(join(FIXTURES, rel))));
  const impaired = applyRecipe(source, recipe);
  const audio = decodeWavBytes(encodeWav(impaired.channels, impaired.sampleRateHz, 'pcm16'));
  const m = analyzePcm(audio);
  return runDetectors({ declaredSampleRateHz: audio.sampleRateHz, codec: 'pcm-s16', m });
}

describe('ready-made drills', () => {
  for (const drill of DRILLS) {
    it(`${drill.id}: its recipe is valid and its answer's detector fires, and did not before`, () => {
      expect(validateRecipe(drill.recipe)).toEqual([]);
      const before = findingsOf(drill.fixture).filter((f) => f.severity !== 'info').map((f) => f.id);
      const after = findingsOf(drill.fixture, drill.recipe as never);
      const own = after.find((f) => f.id === drill.answer.detector);
      expect(own, `${drill.id}: ${after.map((f) => `${f.id}:${f.severity}`).join(', ')}`).toBeDefined();
      expect(own?.severity).not.toBe('info');
      expect(before).not.toContain(drill.answer.detector);
    });
  }
});
