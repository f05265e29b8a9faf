/**
 * The CLI over the whole hostile corpus in one invocation: one stderr line per unreadable file
 * (`<file>: <code>: <message>`), a summary line per readable one, the run never stops early, and
 * the exit status is the first failure's code. Each failure kind has its own exit code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/cli/run';
import { validateSummary } from '../../../src/core/summary/validate';
import type { ErrorCode } from '../../../src/core/types';
import { buildCorpus } from '../../hostile/corpus';
import { writeCase } from '../../hostile/run-case';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'src/cli/main.ts');
const corpus = await buildCorpus();
const dir = mkdtempSync(join(tmpdir(), 'apl-hostile-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paths = corpus.map((c) => writeCase(c, dir));

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'analyze', ...args], { encoding: 'utf8', cwd: root, maxBuffer: 64 << 20, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runCliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'analyze', ...args], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('CLI over the hostile corpus', () => {
  it('gives one stderr line per bad file, a summary per good one, and keeps going', () => {
    const r = runCli([...paths, '--json']);
    const errLines = r.stderr.split('\n').filter((l) => l.length > 0);
    const bad = corpus.filter((c) => c.expect.kind === 'error');
    expect(errLines).toHaveLength(bad.length);
    for (const [i, c] of bad.entries()) {
      const code = (c.expect as { code: ErrorCode }).code;
      expect(errLines[i].startsWith(`${paths[corpus.indexOf(c)]}: ${code}: `), errLines[i]).toBe(true);
      // No stack traces, no "Error:" prefixes: a message written for people.
      expect(errLines[i]).not.toMatch(/\bat .+:\d+:\d+|Error:/);
    }
    const docs = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown);
    expect(docs).toHaveLength(corpus.length - bad.length);
    for (const d of docs) expect(validateSummary(d).valid).toBe(true);
    expect(r.status).toBe(EXIT_CODES[(bad[0].expect as { code: ErrorCode }).code]);
  }, 120_000);

  it('exits with a distinct non-zero code for each kind of failure', async () => {
    const byCode = new Map<ErrorCode, string>();
    for (const [i, c] of corpus.entries()) if (c.expect.kind === 'error' && !byCode.has(c.expect.code)) byCode.set(c.expect.code, paths[i]);
    const runs = await Promise.all([...byCode].map(async ([code, path]) => ({ code, ...(await runCliAsync([path])) })));
    for (const r of runs) {
      expect(r.status, r.code).toBe(EXIT_CODES[r.code]);
      expect(r.status).toBeGreaterThan(2);
      expect(r.stderr.trim().split('\n'), r.code).toHaveLength(1);
    }
    expect(new Set(runs.map((r) => r.status)).size).toBe(byCode.size);
  }, 120_000);
});
