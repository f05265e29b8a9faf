/**
 * audio-path-lab CLI (the runnable entry is main.ts): the same analysis core as the page, for terminals and CI.
 *   npm run cli -- analyze <file…> [--json] [--keep-name] [--vad-threshold 0.5] ...
 */
import { parseArgs } from 'node:util';
import type { ErrorCode } from '../core/types';
import type { Severity, VadSettings } from '../core/summary/types';
import { DEFAULT_THRESHOLDS, type FindingThresholds } from '../core/findings/thresholds';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { sniffContainer } from '../core/format/sniff';
import { analyzeFile } from './analyze-file';
import { defaultThreads, prestartAnalysisThreads } from './parallel';
import { formatSummaryTable } from './format-table';

/** One distinct exit code per failure kind, so scripts can tell them apart. */
export const EXIT_CODES: Record<ErrorCode | 'usage' | 'findings', number> = {
  usage: 2,
  findings: 3,
  'empty-file': 10,
  'not-audio': 11,
  truncated: 12,
  'unsupported-codec': 13,
  'absurd-header': 14,
  'too-many-channels': 15,
  'too-long': 16,
  'decode-failed': 17,
  'io-error': 18,
  aborted: 19,
};

const USAGE = `usage: npm run cli -- analyze <file…> [options]

  --json                 one summary JSON document per line (default: a readable table)
  --keep-name            include the file name in the summary (default: a content hash only)
  --vad-threshold R      VAD sensitivity 0..1 between noise floor and speech level
  --vad-min-speech S     shortest speech segment kept, seconds
  --vad-min-silence S    shortest pause that splits segments, seconds
  --vad-pad S            padding added around segments, seconds
  --vad-floor-dbfs DB    absolute gate: frames quieter than this are never speech (off by default)
  --fail-on LEVEL        exit 3 when any file has a finding at LEVEL or worse (warn | critical)
  --threshold NAME=VALUE override a detector threshold (repeatable; names in docs/findings.md)
  --threads N            analysis threads for long WAV files (default: the CPUs available; 1 = one pass)

Exit status: 0 when every file was analysed (and, with --fail-on, nothing reached LEVEL);
otherwise the code of the first unreadable file (10 empty, 11 not audio, 12 truncated,
13 unsupported codec, 14 absurd header, 15 too many channels, 16 too long, 17 decode failed,
18 i/o error), else 3 when --fail-on tripped; 2 usage.

Other commands (each prints its own usage with --help):
  npm run cli -- impair <in.wav> --recipe <json|file> -o <out.wav>     apply an impairment recipe
  npm run cli -- fixtures --recipe <json|file> -o <dir|pack.zip>       build a quiet-speaker fixture pack
  npm run cli -- vad-check <pack.zip|dir> [--threshold X] …            replay a pack; exit 1 on first-word loss`;

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} takes a number, got "${raw}"`);
  return value;
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'keep-name': { type: 'boolean', default: false },
        'vad-threshold': { type: 'string' },
        'vad-min-speech': { type: 'string' },
        'vad-min-silence': { type: 'string' },
        'vad-pad': { type: 'string' },
        'vad-floor-dbfs': { type: 'string' },
        'fail-on': { type: 'string' },
        threshold: { type: 'string', multiple: true },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return EXIT_CODES.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...files] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : EXIT_CODES.usage;
  }
  if (command !== 'analyze') {
    process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
    return EXIT_CODES.usage;
  }
  if (files.length === 0) {
    process.stderr.write(`analyze needs at least one file\n${USAGE}\n`);
    return EXIT_CODES.usage;
  }

  let vad: Partial<VadSettings>;
  let threads: number | undefined;
  try {
    vad = Object.fromEntries(
      Object.entries({
        threshold: numberOption('vad-threshold', values['vad-threshold']),
        minSpeechSec: numberOption('vad-min-speech', values['vad-min-speech']),
        minSilenceSec: numberOption('vad-min-silence', values['vad-min-silence']),
        padSec: numberOption('vad-pad', values['vad-pad']),
        absoluteFloorDbfs: numberOption('vad-floor-dbfs', values['vad-floor-dbfs']),
      }).filter(([, v]) => v !== undefined),
    );
    if (vad.threshold !== undefined && (vad.threshold < 0 || vad.threshold > 1)) {
      throw new UsageError('--vad-threshold must be between 0 and 1');
    }
    threads = numberOption('threads', values.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError('--threads takes a whole number ≥ 1');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT_CODES.usage;
  }

  let thresholds: Partial<FindingThresholds>;
  let failOn: Severity[] = [];
  try {
    thresholds = parseThresholds(values.threshold ?? []);
    const level = values['fail-on'];
    if (level !== undefined) {
      if (level !== 'warn' && level !== 'critical') throw new UsageError(`--fail-on takes warn or critical, got "${level}"`);
      failOn = level === 'warn' ? ['warn', 'critical'] : ['critical'];
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}
`);
    return EXIT_CODES.usage;
  }

  // Long WAV files are split across threads: boot them while the first file is opened.
  const threadCount = threads ?? defaultThreads();
  if (threadCount > 1 && files.some(mayBeSplit)) void prestartAnalysisThreads(threadCount).catch(() => undefined);
  let exitCode = 0;
  let tripped = false;
  for (const file of files) {
    const result = await analyzeFile(file, { keepName: values['keep-name'], vad, thresholds, threads });
    if (!result.ok) {
      process.stderr.write(`${file}: ${result.error.code}: ${result.error.message}\n`);
      if (exitCode === 0) exitCode = EXIT_CODES[result.error.code];
      continue;
    }
    if (values.json) process.stdout.write(`${JSON.stringify(result.value)}\n`);
    else process.stdout.write(`${formatSummaryTable(file, result.value)}\n`);
    const gating = result.value.findings.filter((f) => failOn.includes(f.severity));
    if (gating.length > 0) {
      tripped = true;
      process.stderr.write(`${file}: --fail-on ${values['fail-on']}: ${gating.map((f) => `${f.id} (${f.severity})`).join(', ')}\n`);
    }
  }
  return exitCode !== 0 ? exitCode : tripped ? EXIT_CODES.findings : 0;
}

/** Bytes of a WAV file worth splitting: a minute of 16 kHz 16-bit mono is ~1.9 MB (shorter files stay one pass). */
const PRESTART_BYTES = 2 << 20;

/** A WAV file long enough that it will probably be split across threads (a cheap look: size and magic). */
function mayBeSplit(path: string): boolean {
  let fd: number | null = null;
  try {
    if (statSync(path).size < PRESTART_BYTES) return false;
    fd = openSync(path, 'r');
    const head = new Uint8Array(64);
    return sniffContainer(head.subarray(0, readSync(fd, head, 0, head.length, 0))) === 'wav';
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** `name=value` pairs → threshold overrides; names and values are checked. */
function parseThresholds(pairs: string[]): Partial<FindingThresholds> {
  const out: Partial<FindingThresholds> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (eq < 0 || !(name in DEFAULT_THRESHOLDS)) {
      throw new UsageError(`--threshold takes NAME=VALUE with NAME one of: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}; got "${pair}"`);
    }
    const value = Number(pair.slice(eq + 1));
    if (!Number.isFinite(value)) throw new UsageError(`--threshold ${name} needs a number, got "${pair.slice(eq + 1)}"`);
    out[name as keyof FindingThresholds] = value;
  }
  return out;
}
