/**
 * npm run cli -- vad-check <pack.zip|dir> [--engine builtin] [--threshold X] [--gate-dbfs D] [--tolerance-sec T]
 * Replays a fixture pack against a VAD with the given settings; exits 1 with one line per WAV
 * whose leading-word deletion is beyond the tolerance — the regression test for a team's CI.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { checkPack, readFixturePack } from '../core/fixture-pack/read';
import { DEFAULT_TOLERANCE_SEC } from '../core/sweep/recipe';
import type { ThresholdSetting } from '../core/sweep/types';
import { ENGINE_IDS } from '../core/vad-engines';
import type { VadEngineId } from '../core/vad-engines/types';
import { loadNodeEngines } from '../node/vad-engines';
import { CliError, joinNegativeNumbers, readBytes, runCommand } from './cli-io';
import { EXIT_CODES } from './run';

export const VAD_CHECK_USAGE = `usage: npm run cli -- vad-check <pack.zip|pack-dir> [options]

  --engine E          builtin (default), webrtc or silero
  --threshold X       the engine's threshold (builtin 0..1, default 0.35; webrtc mode 0..3; silero 0..1)
  --gate-dbfs D       an absolute energy gate in front of the VAD: 10 ms frames below D dBFS are zeroed
  --tolerance-sec T   leading-word deletion allowed, seconds (default: the pack's, else ${DEFAULT_TOLERANCE_SEC})
  --quiet             print failures only

Exit status: 0 when every WAV's first word is found within the tolerance, 1 when one is not
(one line per failing WAV on stderr), 2 usage, 18 the pack cannot be read.`;

function readDir(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(relative(dir, full).split(sep).join('/'), readBytes(full, 'pack file'));
    }
  };
  walk(dir);
  return out;
}

function numberArg(name: string, raw: string | undefined, lo: number, hi: number): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < lo || v > hi) throw new CliError(`--${name} takes a number in [${lo}, ${hi}], got "${raw}"`);
  return v;
}

const fmt = (x: number | null): string => (x === null ? '∞' : `${x}`);

export function vadCheckMain(argv: string[]): Promise<number> {
  return runCommand('vad-check', VAD_CHECK_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: joinNegativeNumbers(argv, ['--gate-dbfs', '--threshold', '--tolerance-sec']),
        allowPositionals: true,
        options: {
          engine: { type: 'string', default: 'builtin' },
          threshold: { type: 'string' },
          'gate-dbfs': { type: 'string' },
          'tolerance-sec': { type: 'string' },
          quiet: { type: 'boolean', default: false },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(`${VAD_CHECK_USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError('vad-check takes one fixture pack (a .zip or an unpacked folder)');
    const engineId = values.engine as VadEngineId;
    if (!ENGINE_IDS.includes(engineId)) throw new CliError(`--engine takes ${ENGINE_IDS.join(', ')}, got "${values.engine}"`);
    const threshold = numberArg('threshold', values.threshold, 0, engineId === 'webrtc' ? 3 : 1);
    const gateDbfs = numberArg('gate-dbfs', values['gate-dbfs'], -120, 0);
    const tolerance = numberArg('tolerance-sec', values['tolerance-sec'], 0, 10);

    const path = positionals[0];
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new CliError(`cannot read fixture pack "${path}": no such file or directory`, EXIT_CODES['io-error']);
    }
    let pack;
    try {
      pack = readFixturePack(isDir ? readDir(path) : readBytes(path, 'fixture pack'));
    } catch (error) {
      if (error instanceof RangeError) throw new CliError(`${path}: ${error.message}`, EXIT_CODES['io-error']);
      throw error;
    }
    const toleranceSec = tolerance ?? (typeof pack.recipe.toleranceSec === 'number' ? pack.recipe.toleranceSec : DEFAULT_TOLERANCE_SEC);
    const engine = (await loadNodeEngines()).find((e) => e.id === engineId);
    if (!engine) throw new CliError(`the ${engineId} engine is not available`);
    const setting: ThresholdSetting = { name: 'check', ...(threshold !== undefined ? { threshold: { [engineId]: threshold } } : {}), gateDbfs: gateDbfs ?? null };
    const checks = await checkPack(pack, engine, setting, toleranceSec);
    const failed = checks.filter((c) => !c.passed);
    const settingText = `${engineId}${threshold !== undefined ? ` threshold ${threshold}` : ''}${gateDbfs !== undefined ? `, gate ${gateDbfs} dBFS` : ''}`;
    const onset = pack.labels.speech[0]?.startSec ?? 0;
    for (const c of checks) {
      const s = c.score;
      if (!c.passed) {
        const why =
          s.leadingDeletionSec >= (pack.labels.speech[0]?.endSec ?? 0) - onset - 1e-3
            ? `no speech detected in the first utterance (${onset.toFixed(2)}–${(pack.labels.speech[0]?.endSec ?? 0).toFixed(2)} s)`
            : `first word cut: speech detected ${s.leadingDeletionSec.toFixed(3)} s after the labelled onset at ${onset.toFixed(3)} s`;
        process.stderr.write(`FAIL ${c.file} (gain ${c.gainDb} dB, SNR ${fmt(c.snrDb)} dB): ${why} (tolerance ${toleranceSec} s, ${settingText})\n`);
      } else if (!values.quiet) {
        process.stdout.write(`ok   ${c.file}: leading-word deletion ${s.leadingDeletionSec.toFixed(3)} s, F1 ${s.f1.toFixed(3)}\n`);
      }
    }
    process.stdout.write(`vad-check: ${checks.length - failed.length}/${checks.length} WAVs keep the first word within ${toleranceSec} s (${settingText})\n`);
    return failed.length > 0 ? 1 : 0;
  });
}
