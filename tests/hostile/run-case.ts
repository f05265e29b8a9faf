/**
 * Run one corpus case through the Node path (the CLI's analyzeFile: probe, decode, analyse,
 * summarise) and compare with what it should give. Shared by the unit test and the table script.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../src/cli/analyze-file';
import type { Summary } from '../../src/core/summary/types';
import { validateSummary } from '../../src/core/summary/validate';
import type { Result } from '../../src/core/types';
import { describeExpectation, type Expectation, type HostileCase } from './corpus';

export interface CaseOutcome {
  name: string;
  expected: string;
  got: string;
  ms: number;
  /** Empty when the case passed. */
  problems: string[];
  result: Result<Summary> | null;
}

/** Where the case's file is written under `dir` (one folder per case: file names may repeat). */
export function writeCase(c: HostileCase, dir: string): string {
  const folder = join(dir, c.name);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, c.fileName);
  writeFileSync(path, c.bytes);
  return path;
}

export function describeResult(r: Result<Summary>): string {
  if (!r.ok) return `error ${r.error.code}`;
  const s = r.value.source;
  const w = r.value.warnings.length;
  return `ok ${s.container} ${s.sampleRateHz} Hz ${s.channels} ch ${s.durationSec.toFixed(3)} s${w > 0 ? ` (${w} warning${w === 1 ? '' : 's'})` : ''}`;
}

/** Every number in a document, with its path. */
function numbersIn(value: unknown, path = '$', out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === 'number') out.push([path, value]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, out);
  return out;
}

/** What is wrong with `r` given `e` (empty: nothing). */
export function checkResult(r: Result<Summary>, e: Expectation, fileName?: string): string[] {
  const problems: string[] = [];
  if (e.kind === 'error') {
    if (r.ok) problems.push(`expected error ${e.code}, got a summary`);
    else {
      if (r.error.code !== e.code) problems.push(`expected ${e.code}, got ${r.error.code} (${r.error.message})`);
      if (r.error.message.length < 10 || r.error.message.includes('\n')) problems.push(`message is not one readable line: ${JSON.stringify(r.error.message)}`);
    }
    return problems;
  }
  if (!r.ok) return [`expected a summary, got ${r.error.code}: ${r.error.message}`];
  const s = r.value;
  const checked = validateSummary(s);
  if (!checked.valid) problems.push(`schema: ${checked.errors.join('; ')}`);
  const eq = (what: string, got: unknown, want: unknown): void => {
    if (got !== want) problems.push(`${what}: expected ${String(want)}, got ${String(got)}`);
  };
  eq('container', s.source.container, e.container);
  if (e.codec !== undefined) eq('codec', s.source.codec, e.codec);
  eq('sampleRateHz', s.source.sampleRateHz, e.sampleRateHz);
  eq('channels', s.source.channels, e.channels);
  eq('channel summaries', s.channels.length, e.channels);
  const tol = e.durationTolSec ?? 0.002;
  if (!(Math.abs(s.source.durationSec - e.durationSec) <= tol)) problems.push(`durationSec: expected ${e.durationSec} ± ${tol}, got ${s.source.durationSec}`);
  if (e.peakDbfs !== undefined) {
    const got = s.levels.peakDbfs;
    const ok = e.peakDbfs === null ? got === null : got !== null && Math.abs(got - e.peakDbfs) <= (e.peakTolDb ?? 0.05);
    if (!ok) problems.push(`peakDbfs: expected ${e.peakDbfs}, got ${got}`);
  }
  if (e.nonFiniteSamples !== undefined) eq('nonFiniteSamples', s.levels.nonFiniteSamples, e.nonFiniteSamples);
  else eq('nonFiniteSamples', s.levels.nonFiniteSamples, 0);
  for (const re of e.warnings ?? []) if (!s.warnings.some((w) => re.test(w))) problems.push(`no warning matches ${re}: ${JSON.stringify(s.warnings)}`);
  if (e.noWarnings && s.warnings.length > 0) problems.push(`expected no warnings, got ${JSON.stringify(s.warnings)}`);
  if (fileName !== undefined && s.source.name !== undefined) eq('source.name', s.source.name, fileName);
  // Every number in the document is finite: NaN/Infinity samples must not leak into measurements
  // (JSON.stringify would quietly turn them into null).
  const nonFinite = numbersIn(s).filter(([, x]) => !Number.isFinite(x));
  if (nonFinite.length > 0) problems.push(`non-finite numbers in the summary: ${nonFinite.map(([p]) => p).join(', ')}`);
  return problems;
}

/** Analyse the case's file from disk within `timeoutMs`; anything thrown is a problem, not a crash. */
export async function runCase(c: HostileCase, dir: string, timeoutMs = 10_000): Promise<CaseOutcome> {
  const path = writeCase(c, dir);
  const started = performance.now();
  let result: Result<Summary> | null = null;
  const problems: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    result = await Promise.race([
      analyzeFile(path, { keepName: true }),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    if (result === null) problems.push(`no answer within ${timeoutMs} ms`);
  } catch (error) {
    problems.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  if (result !== null) problems.push(...checkResult(result, c.expect, c.fileName));
  return {
    name: c.name,
    expected: describeExpectation(c.expect),
    got: result === null ? (problems[0] ?? 'nothing') : describeResult(result),
    ms,
    problems,
    result,
  };
}
