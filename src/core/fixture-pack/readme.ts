/**
 * The README inside a fixture pack, for the team that receives it: what the files are, how to
 * replay them in CI, how to regenerate them, what was measured, and whose recordings they are.
 */
import type { SweepRecipe, SweepResult } from '../sweep/types';
import type { PackLabels } from './pack';

export interface SourceInfo {
  path: string;
  title: string;
  licence: string;
  attribution: string;
}

const db = (x: number | null): string => (x === null ? '∞' : `${x}`);

function settingText(s: SweepRecipe['settings'][number]): string {
  const parts: string[] = [];
  for (const [id, v] of Object.entries(s.threshold ?? {})) parts.push(`${id} threshold ${v}`);
  parts.push(s.gateDbfs === null || s.gateDbfs === undefined ? 'no energy gate' : `energy gate ${s.gateDbfs} dBFS`);
  return `**${s.name}**: ${parts.join(', ')}`;
}

/** One table per engine × setting: gain rows, SNR columns, "deletion s · F1", ✗ = first word missed. */
export function resultTables(result: SweepResult): string {
  const { recipe, cells } = result;
  const out: string[] = [];
  for (const engine of recipe.engines) {
    for (const setting of recipe.settings) {
      out.push(`#### ${engine}, ${setting.name}\n`);
      out.push(`| gain dB \\ SNR dB | ${recipe.snrsDb.map(db).join(' | ')} |`);
      out.push(`|---|${recipe.snrsDb.map(() => '---').join('|')}|`);
      for (const g of recipe.gainsDb) {
        const row = recipe.snrsDb.map((snr) => {
          const c = cells.find((x) => x.engine === engine && x.setting === setting.name && x.gainDb === g && x.snrDb === snr);
          if (!c) return '';
          return `${c.score.firstWordMissed ? '✗ ' : ''}${c.score.leadingDeletionSec.toFixed(2)} s · ${c.score.f1.toFixed(2)}`;
        });
        out.push(`| ${g} | ${row.join(' | ')} |`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}

export function packReadme(recipe: SweepRecipe, result: SweepResult, labels: PackLabels, info: readonly SourceInfo[]): string {
  const sources = recipe.source.files.map((path) => {
    const i = info.find((x) => x.path === path);
    return i ? `- \`${path}\` — ${i.title}. Licence: ${i.licence}. ${i.attribution}` : `- \`${path}\`${recipe.source.public ? '' : ' (your own recording)'}`;
  });
  return `# Quiet-speaker VAD fixtures

Made by Audio Path Lab's quiet-speaker fixture builder. Each WAV in \`audio/\` is the same labelled
speech at one speech gain and one noise SNR, for checking that a VAD change does not drop the
first words of quiet speakers.

## Files

| file | what |
|---|---|
| \`audio/*.wav\` | the impaired recordings, 16-bit PCM mono, ${labels.sampleRateHz} Hz, ${labels.durationSec} s each |
| \`source.wav\` | the clean labelled source every WAV was made from |
| \`labels.json\`, \`labels.txt\` | ground-truth speech ranges (the same for every WAV); \`labels.txt\` imports into Audacity as a label track |
| \`fixtures.json\` | each WAV's gain, SNR, impairment recipe \`{seed, steps}\` and SHA-256 |
| \`expected.json\` | what each VAD engine scored under each threshold setting, per WAV |
| \`recipe.json\` | the recipe of the whole pack |

## Source

${sources.join('\n')}

Recordings joined in this order with digital-silence gaps of ${recipe.source.gapSec[0]}–${recipe.source.gapSec[1]} s
(seed ${recipe.source.seed}). Ground truth per recording: first to last 10 ms frame within 40 dB of its
loudest (and 10 dB over its own background), widened by 20 ms; pauses inside a recording count as speech.

## Grid

- speech gain: ${recipe.gainsDb.join(', ')} dB (applied first)
- noise: ${recipe.noise}, SNR ${recipe.snrsDb.map(db).join(', ')} dB over the active speech level (seed ${recipe.seed})
- engines: ${recipe.engines.join(', ')}
- threshold settings: ${recipe.settings.map(settingText).join('; ')}

## What is measured

- **leading-word deletion**: how far into the first labelled utterance the first detected speech
  starts (0 when a detected segment covers its onset; the whole utterance when none is detected).
  Above ${recipe.toleranceSec} s the first word counts as **missed** (short function words last 100–200 ms).
- missed speech (share of true speech frames not detected), false alarms (share of non-speech
  frames detected), segment count, frame F1 — all over 10 ms frames.

## Replay in CI

In an Audio Path Lab checkout:

\`\`\`sh
npm run cli -- vad-check ${'quiet-speaker-fixtures.zip'} [--threshold 0.35] [--gate-dbfs -40] [--tolerance-sec ${recipe.toleranceSec}]
\`\`\`

Runs Audio Path Lab's built-in VAD (\`--engine webrtc|silero\` for the others) on every WAV and exits
1 with one line per WAV whose leading-word deletion is beyond the tolerance. To replay your own VAD
instead, run it on \`audio/*.wav\` and compare its first speech onset with the first range in \`labels.json\`.

## Regenerate

In an Audio Path Lab checkout (public sources are read from its \`fixtures/\` folder; the recipe's
SHA-256s in \`fixtures.json\` tell a changed source from a changed tool):

\`\`\`sh
npm run cli -- fixtures --recipe recipe.json -o out/        # the whole pack, byte for byte
npm run cli -- impair source.wav --recipe '<a recipe from fixtures.json>' -o x.wav   # one WAV
\`\`\`

## Expected results

Leading-word deletion (s) · frame F1; ✗ = first word missed.

${resultTables(result)}`;
}
