import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixturePack } from '../../../src/core/fixture-pack/pack';
import { decodeWavBytes } from '../../../src/core/format/wav';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { applyRecipe } from '../../../src/core/impair/recipe';
import type { Recipe } from '../../../src/core/impair/types';
import { normalizeSweepRecipe } from '../../../src/core/sweep/recipe';
import { fixtureInfo } from '../../../src/cli/fixtures';
import { loadNodeEngines } from '../../../src/node/vad-engines';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'src/cli/main.ts');
const PROMPT = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';
const RECIPE = { source: { files: [PROMPT] }, gainsDb: [-6, -30], snrsDb: [null, 20] };

function runCli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--no-concurrent-recompilation', '--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (s: string): void => expect(s).not.toMatch(/\n\s+at /);

describe('CLI impair', () => {
  it('writes the bytes the core makes from the same recipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apl-impair-'));
    const recipe: Recipe = { seed: 42, steps: [{ id: 'gain', params: { gainDb: -30 } }, { id: 'add-noise', params: { snrDb: 10, kind: 'pink' } }] };
    const recipeFile = join(dir, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const input = join(root, 'fixtures', PROMPT);
    const a = runCli(['impair', input, '--recipe', recipeFile, '-o', join(dir, 'a.wav')]);
    const b = runCli(['impair', input, '--recipe', JSON.stringify(recipe), '-o', join(dir, 'b.wav')]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const out = applyRecipe(decodeWavBytes(new Uint8Array(readFileSync(input))), recipe);
    const core = Buffer.from(encodeWav(out.channels, out.sampleRateHz, 'pcm16'));
    expect(readFileSync(join(dir, 'a.wav')).equals(core)).toBe(true);
    expect(readFileSync(join(dir, 'b.wav')).equals(core)).toBe(true);
  });

  it('bad recipes and paths get one line and an exit code, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apl-impair-'));
    const input = join(root, 'fixtures', PROMPT);
    const cases: Array<[string[], number, RegExp]> = [
      [['impair', input, '--recipe', '{"seed":1,"steps":[{"id":"nope"}]}', '-o', join(dir, 'x.wav')], 2, /unknown impairment "nope"/],
      [['impair', input, '--recipe', '{"seed":1,"steps":[{"id":"gain","params":{"gainDb":999}}]}', '-o', join(dir, 'x.wav')], 2, /gainDb must be a number in \[-120, 40\]/],
      [['impair', input, '--recipe', '{not json', '-o', join(dir, 'x.wav')], 2, /not valid JSON/],
      [['impair', input, '--recipe', join(dir, 'missing.json'), '-o', join(dir, 'x.wav')], 18, /cannot read recipe file .*no such file/],
      [['impair', join(dir, 'missing.wav'), '--recipe', '{"steps":[]}', '-o', join(dir, 'x.wav')], 18, /cannot read input .*no such file/],
      [['impair', join(root, 'package.json'), '--recipe', '{"steps":[]}', '-o', join(dir, 'x.wav')], 13, /not a WAV file/],
      [['impair', input, '--recipe', '{"steps":[]}'], 2, /-o <out.wav> is required/],
    ];
    for (const [args, code, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      noStack(r.stderr);
    }
  });
});

describe('CLI fixtures and vad-check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apl-fixtures-'));
  const zip = join(dir, 'a', 'quiet-speaker-fixtures.zip');
  beforeAll(() => {
    const r = runCli(['fixtures', '--recipe', JSON.stringify(RECIPE), '-o', join(dir, 'a'), '--unpack', '--quiet'], { TZ: 'America/Los_Angeles' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('writes the same zip bytes in another time zone, and the bytes the core (and so the page) makes', async () => {
    const r = runCli(['fixtures', '--recipe', JSON.stringify(RECIPE), '-o', join(dir, 'b.zip'), '--quiet'], { TZ: 'Asia/Kolkata' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'b.zip')).equals(readFileSync(zip))).toBe(true);
    const n = normalizeSweepRecipe(RECIPE);
    if (!n.ok) throw new Error(n.problems.join());
    const files = new Map([[PROMPT, new Uint8Array(readFileSync(join(root, 'fixtures', PROMPT)))]]);
    const core = await buildFixturePack(n.recipe, files, await loadNodeEngines(), fixtureInfo(join(root, 'fixtures'), [PROMPT]));
    expect(Buffer.from(core.zip).equals(readFileSync(zip))).toBe(true);
  });

  it('--no-zip writes the same files unpacked, and nothing else', () => {
    const out = join(dir, 'c');
    const r = runCli(['fixtures', '--recipe', JSON.stringify(RECIPE), '-o', out, '--no-zip', '--quiet']);
    expect(r.status).toBe(0);
    expect(readdirSync(out)).toEqual(['quiet-speaker-fixtures']);
    for (const f of ['README.md', 'labels.json', 'audio/gain-m30db_clean.wav']) {
      expect(readFileSync(join(out, 'quiet-speaker-fixtures', f)).equals(readFileSync(join(dir, 'a', 'quiet-speaker-fixtures', f)))).toBe(true);
    }
  });

  it('vad-check passes with the default built-in VAD, zip or unpacked folder', () => {
    for (const pack of [zip, join(dir, 'a', 'quiet-speaker-fixtures')]) {
      const r = runCli(['vad-check', pack]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/4\/4 WAVs keep the first word within 0.1 s/);
    }
  });

  it('vad-check fails, one line per WAV, with a −40 dBFS gate that drops the −30 dB speaker', () => {
    const r = runCli(['vad-check', zip, '--gate-dbfs', '-40']);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^FAIL audio\/gain-m30db_\S+\.wav \(gain -30 dB, SNR .* dB\): no speech detected in the first utterance/);
    noStack(r.stderr);
  });

  it('the tolerance is the team\'s to set: a lax one lets the cut first word through', () => {
    const r = runCli(['vad-check', zip, '--gate-dbfs', '-40', '--tolerance-sec', '5']);
    expect(r.status).toBe(0);
  });

  it('unreadable packs and bad options get one line', () => {
    const bad = join(dir, 'bad.zip');
    writeFileSync(bad, 'not a zip');
    const cases: Array<[string[], number, RegExp]> = [
      [['vad-check', join(dir, 'nope.zip')], 18, /no such file/],
      [['vad-check', bad], 18, /not a fixture pack zip/],
      [['vad-check', zip, '--threshold', '7'], 2, /--threshold takes a number in \[0, 1\]/],
      [['vad-check', zip, '--engine', 'x'], 2, /--engine takes builtin, webrtc, silero/],
      [['fixtures', '--recipe', '{"source":{"files":["speech/none.wav"]}}', '-o', dir], 18, /cannot read source file/],
      [['fixtures', '--recipe', '{"source":{"files":["../package.json"]}}', '-o', dir], 2, /inside the fixtures folder/],
      [['fixtures', '--recipe', '{"source":{"files":[]},"gainsDb":[1000]}', '-o', dir], 2, /source.files .*gainsDb\[0\]/],
    ];
    for (const [args, code, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).toBe(code);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      noStack(r.stderr);
    }
  });
});
