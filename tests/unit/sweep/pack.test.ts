import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWavBytes } from '../../../src/core/format/wav';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { applyRecipe } from '../../../src/core/impair/recipe';
import { buildFixturePack, type FixturePack, type PackExpected, type PackFixture, type PackLabels } from '../../../src/core/fixture-pack/pack';
import { checkPack, readFixturePack } from '../../../src/core/fixture-pack/read';
import { normalizeSweepRecipe } from '../../../src/core/sweep/recipe';
import { buildLabelledSource } from '../../../src/core/sweep/source';
import { runSweep } from '../../../src/core/sweep/sweep';
import type { SweepRecipe } from '../../../src/core/sweep/types';
import { createBuiltinEngine } from '../../../src/core/vad-engines/builtin';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PROMPT = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';
const files = new Map([[PROMPT, new Uint8Array(readFileSync(join(root, 'fixtures', PROMPT)))]]);
const engines = [createBuiltinEngine()];
const GATE_DBFS = -40;

function recipeOf(input: object): SweepRecipe {
  const n = normalizeSweepRecipe(input);
  if (!n.ok) throw new Error(n.problems.join('; '));
  return n.recipe;
}
const recipe = recipeOf({ source: { files: [PROMPT] }, gainsDb: [-6, -30], snrsDb: [null, 20], settings: [{ name: 'old', gateDbfs: GATE_DBFS }, { name: 'new' }] });

/** Loudest 10 ms frame of the clean source, dBFS (mean square): what the gate compares with. */
function loudestFrameDbfs(x: Float32Array, rate: number): number {
  const hop = rate / 100;
  let best = 0;
  for (let s = 0; s + hop <= x.length; s += hop) {
    let e = 0;
    for (let i = s; i < s + hop; i++) e += x[i] * x[i];
    best = Math.max(best, e / hop);
  }
  return 10 * Math.log10(best);
}

describe('quiet-speaker fixture pack', () => {
  let pack: FixturePack;
  beforeAll(async () => {
    pack = await buildFixturePack(recipe, files, engines);
  });

  it('is byte-identical when built twice', async () => {
    const again = await buildFixturePack(recipe, files, engines);
    expect(again.zip.length).toBe(pack.zip.length);
    expect(Buffer.from(again.zip).equals(Buffer.from(pack.zip))).toBe(true);
  });

  it('holds the WAVs, labels (JSON and Audacity), recipe, expected results and README', () => {
    const entries = unzipSync(pack.zip);
    expect(Object.keys(entries)).toEqual([
      'README.md', 'recipe.json', 'labels.json', 'labels.txt', 'fixtures.json', 'expected.json', 'source.wav',
      'audio/gain-m6db_clean.wav', 'audio/gain-m6db_snr-p20db.wav', 'audio/gain-m30db_clean.wav', 'audio/gain-m30db_snr-p20db.wav',
    ]);
    const doc = <T>(p: string): T => JSON.parse(new TextDecoder().decode(entries[p])) as T;
    expect(doc<SweepRecipe>('recipe.json')).toEqual(recipe);
    const labels = doc<PackLabels>('labels.json');
    expect(labels.sampleRateHz).toBe(16000);
    expect(labels.speech).toHaveLength(1);
    const [first] = labels.speech;
    // The gap before the prompt is within the recipe's range (plus the prompt's own lead-in).
    expect(first.startSec).toBeGreaterThanOrEqual(recipe.source.gapSec[0]);
    const txt = new TextDecoder().decode(entries['labels.txt']).trim().split('\t');
    expect(Number(txt[0])).toBeCloseTo(first.startSec, 4);
    expect(Number(txt[1])).toBeCloseTo(first.endSec, 4);
    for (const f of doc<{ fixtures: PackFixture[] }>('fixtures.json').fixtures) {
      const wav = entries[f.file];
      const v = new DataView(wav.buffer, wav.byteOffset);
      expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
      expect(v.getUint16(20, true)).toBe(1); // PCM
      expect(v.getUint16(22, true)).toBe(1); // mono
      expect(v.getUint32(24, true)).toBe(16000);
      expect(v.getUint16(34, true)).toBe(16);
      expect(wav.length).toBe(entries['source.wav'].length);
    }
    const readme = new TextDecoder().decode(entries['README.md']);
    expect(readme).toContain('vad-check');
    expect(readme).toContain('#### builtin, old');
    expect(doc<PackExpected>('expected.json').results).toHaveLength(4 * 2);
  });

  it('each WAV regenerates byte for byte from source.wav and its {seed, steps} recipe', () => {
    const entries = unzipSync(pack.zip);
    const source = decodeWavBytes(entries['source.wav']);
    const manifest = JSON.parse(new TextDecoder().decode(entries['fixtures.json'])) as { fixtures: PackFixture[] };
    for (const f of manifest.fixtures) {
      const out = applyRecipe(source, f.recipe);
      expect(Buffer.from(encodeWav(out.channels, out.sampleRateHz, 'pcm16')).equals(Buffer.from(entries[f.file]))).toBe(true);
    }
  });

  it('the old −40 dBFS gate drops the −30 dB speaker entirely and keeps the −6 dB one; the new setting keeps both', () => {
    const source = buildLabelledSource(recipe.source, files);
    const loudest = loudestFrameDbfs(source.samples, source.sampleRateHz);
    // The prediction from the signal: a gain g keeps the first word through the gate when the
    // loudest frame, g dB down, is still above it.
    const expectMissed = (g: number): boolean => loudest + g < GATE_DBFS;
    expect(expectMissed(-6)).toBe(false);
    expect(expectMissed(-30)).toBe(true);
    const firstUtteranceSec = pack.result.truth[0].endSec - pack.result.truth[0].startSec;
    for (const c of pack.result.cells) {
      if (c.setting === 'new') {
        expect(c.score.firstWordMissed, `${c.gainDb}/${c.snrDb}`).toBe(false);
        // Frame F1 of a 10 ms-frame VAD against ±20 ms labels: a few frames at each edge.
        expect(c.score.f1).toBeGreaterThan(0.9);
      } else if (expectMissed(c.gainDb)) {
        expect(c.score.firstWordMissed).toBe(true);
        expect(c.score.leadingDeletionSec).toBeCloseTo(firstUtteranceSec, 2);
        expect(c.score.missedSpeechRatio).toBe(1);
      } else {
        expect(c.score.leadingDeletionSec).toBeLessThanOrEqual(recipe.toleranceSec);
      }
    }
  });

  it('replaying the pack (what vad-check does) gives the expected results stored in it', async () => {
    const read = readFixturePack(pack.zip);
    const expected = JSON.parse(new TextDecoder().decode(read.files.get('expected.json'))) as PackExpected;
    for (const setting of recipe.settings) {
      const checks = await checkPack(read, engines[0], setting, recipe.toleranceSec);
      for (const c of checks) {
        const e = expected.results.find((r) => r.file === c.file && r.setting === setting.name && r.engine === 'builtin');
        expect(c.score).toEqual(e?.score);
      }
    }
  });

  it('the sweep and the pack agree: runSweep scores the same cells the same way', async () => {
    const sweep = await runSweep(recipe, buildLabelledSource(recipe.source, files), engines);
    expect(sweep.cells).toEqual(pack.result.cells);
  });

  it('refuses a missing source, a non-WAV source and an engine that is not loaded, in plain words', async () => {
    await expect(buildFixturePack(recipe, new Map(), engines)).rejects.toThrow(/was not provided/);
    await expect(buildFixturePack(recipe, new Map([[PROMPT, new TextEncoder().encode('hello')]]), engines)).rejects.toThrow(/not a WAV/);
    await expect(buildFixturePack({ ...recipe, engines: ['silero'] }, files, engines)).rejects.toThrow(/"silero" is not available/);
  });
});
