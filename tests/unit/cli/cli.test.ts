import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateSummary } from '../../../src/core/summary/validate';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'src/cli/main.ts');
const fixture = (p: string): string => join(root, 'fixtures', p);

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--no-concurrent-recompilation', '--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI analyze', () => {
  it('prints one schema-valid JSON summary per line with --json', () => {
    const r = runCli(['analyze', fixture('generated/clean-16k-mono.wav'), fixture('generated/dual-mono-16k.wav'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const docs = lines.map((l) => JSON.parse(l) as unknown);
    for (const doc of docs) expect(validateSummary(doc)).toEqual(expect.objectContaining({ valid: true }));
    const [mono, stereo] = docs as Array<{ source: { sampleRateHz: number; channels: number; name?: string } }>;
    expect(mono.source).toMatchObject({ sampleRateHz: 16000, channels: 1 });
    expect(stereo.source).toMatchObject({ sampleRateHz: 16000, channels: 2 });
    expect(mono.source.name).toBeUndefined();
  });

  it('keeps the file name with --keep-name', () => {
    const r = runCli(['analyze', fixture('generated/clean-16k-mono.wav'), '--json', '--keep-name']);
    expect((JSON.parse(r.stdout) as { source: { name: string } }).source.name).toBe('clean-16k-mono.wav');
  });

  it('reports an unreadable file in one line, exits non-zero, and still analyses the good one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apl-cli-'));
    const bad = join(dir, 'not-audio.wav');
    writeFileSync(bad, 'this is a text file pretending to be audio\n'.repeat(20));
    const r = runCli(['analyze', bad, fixture('generated/clean-16k-mono.wav'), '--json']);
    expect(r.status).toBe(11);
    const errLines = r.stderr.trim().split('\n');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/not-audio\.wav: not-audio: /);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['analyze', fixture('generated/clean-16k-mono.wav')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/declared 16000 Hz, decoded 16000 Hz/);
    expect(r.stdout).toMatch(/peak \/ RMS/);
  });

  it('--fail-on gates CI on findings (exit 3), --threshold moves a detector\'s threshold', () => {
    const clipped = fixture('generated/clipped-16k.wav');
    const clean = fixture('generated/clean-16k-mono.wav');
    // The clean reading has only info findings: no gate trips at warn.
    expect(runCli(['analyze', clean, '--json', '--fail-on', 'warn']).status).toBe(0);
    const r = runCli(['analyze', clipped, clean, '--json', '--fail-on', 'critical']);
    expect(r.status).toBe(3);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/clipped-16k\.wav: --fail-on critical: clipping \(critical\)/);
    // 8.4 % of its samples are clipped: with the critical ratio moved above that, nothing is critical.
    expect(runCli(['analyze', clipped, '--json', '--fail-on', 'critical', '--threshold', 'clippingCriticalRatio=0.5']).status).toBe(0);
    // An unreadable file's code wins over the findings gate.
    const dir = mkdtempSync(join(tmpdir(), 'apl-cli-'));
    const empty = join(dir, 'empty.wav');
    writeFileSync(empty, '');
    expect(runCli(['analyze', clipped, empty, '--json', '--fail-on', 'warn']).status).toBe(10);
    expect(runCli(['analyze', clean, '--fail-on', 'info']).status).toBe(2);
    expect(runCli(['analyze', clean, '--threshold', 'nope=1']).status).toBe(2);
    expect(runCli(['analyze', clean, '--threshold', 'edgeSec=abc']).status).toBe(2);
  });

  it('rejects bad options with usage exit code 2', () => {
    expect(runCli(['analyze', fixture('generated/clean-16k-mono.wav'), '--vad-threshold', '7']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
  });
});
