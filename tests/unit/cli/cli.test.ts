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
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: root });
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

  it('rejects bad options with usage exit code 2', () => {
    expect(runCli(['analyze', fixture('generated/clean-16k-mono.wav'), '--vad-threshold', '7']).status).toBe(2);
    expect(runCli(['frobnicate']).status).toBe(2);
  });
});
