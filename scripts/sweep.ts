/**
 * The quiet-speaker sweep on the shipped real speech: `npm run sweep [-- --json] [--gate-dbfs -40]`.
 *
 * Source: the five LibriVox prompts in fixtures/speech/librivox, joined in file order with seeded
 * 0.5–1.5 s digital-silence gaps (31 s, 5 labelled utterances). Grid: speech gain −6…−42 dB in 6 dB
 * steps × white noise at SNR ∞/20/10/5 dB; engines builtin, WebRTC (mode 2), Silero (0.5), each
 * at its default ("new") and behind an absolute energy gate ("old", −40 dBFS unless --gate-dbfs).
 * Prints per engine and gain: frame F1 and leading-word deletion (s, ✗ = first word missed) per SNR.
 * The same core call as the page and `npm run cli -- fixtures` (src/core/sweep).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeSweepRecipe } from '../src/core/sweep/recipe';
import { buildLabelledSource } from '../src/core/sweep/source';
import { runSweep } from '../src/core/sweep/sweep';
import type { SweepResult } from '../src/core/sweep/types';
import { loadNodeEngines } from '../src/node/vad-engines';
import { joinNegativeNumbers } from '../src/cli/cli-io';
import { REPO_ROOT } from './eval/dataset';

const { values } = parseArgs({
  args: joinNegativeNumbers(process.argv.slice(2), ['--gate-dbfs']),
  options: { json: { type: 'boolean', default: false }, 'gate-dbfs': { type: 'string', default: '-40' } },
});

const dir = join(REPO_ROOT, 'fixtures', 'speech', 'librivox');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.wav'))
  .sort()
  .map((f) => `speech/librivox/${f}`);
const gate = Number(values['gate-dbfs']);
if (!(gate >= -120 && gate <= 0)) throw new Error(`--gate-dbfs takes a number in [-120, 0], got "${values['gate-dbfs']}"`);
const n = normalizeSweepRecipe({
  source: { files },
  engines: ['builtin', 'webrtc', 'silero'],
  settings: [
    { name: 'new', gateDbfs: null },
    { name: 'old', gateDbfs: gate },
  ],
});
if (!n.ok) throw new Error(n.problems.join('; '));
const recipe = n.recipe;
const source = buildLabelledSource(recipe.source, new Map(files.map((f) => [f, new Uint8Array(readFileSync(join(REPO_ROOT, 'fixtures', f)))])));
const started = Date.now();
const result = await runSweep(recipe, source, await loadNodeEngines(), (p) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${p.done}/${p.total} ${p.step.padEnd(50)}`);
});
if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(70) + '\r');

function table(r: SweepResult, setting: string): string {
  const snr = (x: number | null): string => (x === null ? '∞' : String(x));
  const head = `| engine | gain dB | ${r.recipe.snrsDb.map((s) => `F1 @${snr(s)}`).join(' | ')} | ${r.recipe.snrsDb.map((s) => `deletion s @${snr(s)}`).join(' | ')} |`;
  const rule = `|---|---|${r.recipe.snrsDb.map(() => '---').join('|')}|${r.recipe.snrsDb.map(() => '---').join('|')}|`;
  const rows: string[] = [];
  for (const engine of r.recipe.engines) {
    for (const g of r.recipe.gainsDb) {
      const cells = r.recipe.snrsDb.map((s) => r.cells.find((c) => c.engine === engine && c.setting === setting && c.gainDb === g && c.snrDb === s));
      const f1 = cells.map((c) => (c ? c.score.f1.toFixed(2) : ''));
      const del = cells.map((c) => (c ? `${c.score.firstWordMissed ? '✗ ' : ''}${c.score.leadingDeletionSec.toFixed(2)}` : ''));
      rows.push(`| ${engine} | ${g} | ${f1.join(' | ')} | ${del.join(' | ')} |`);
    }
  }
  return [head, rule, ...rows].join('\n');
}

if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const truth = result.truth[0];
  process.stdout.write(
    `Quiet-speaker sweep: ${files.length} LibriVox prompts, ${result.durationSec.toFixed(1)} s at ${result.sampleRateHz} Hz, ` +
      `${result.truth.length} labelled utterances (first ${truth.startSec.toFixed(2)}–${truth.endSec.toFixed(2)} s); white noise; ` +
      `first word missed = deletion > ${recipe.toleranceSec} s. ${((Date.now() - started) / 1000).toFixed(0)} s.\n\n`,
  );
  process.stdout.write(`### "new": engine defaults (builtin 0.35, WebRTC mode 2, Silero 0.5), no gate\n\n${table(result, 'new')}\n\n`);
  process.stdout.write(`### "old": the same behind a ${gate} dBFS energy gate\n\n${table(result, 'old')}\n`);
}
