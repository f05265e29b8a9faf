/**
 * The CLI's threaded path (src/cli/parallel.ts: segments on worker threads and the main thread)
 * gives the same summary as one pass, through the real files and worker threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFile } from '../../../src/cli/analyze-file';
import { analyzeWavInParallel, closeAnalysisThreads } from '../../../src/cli/parallel';
import { segmentsReadingHere } from '../../../src/cli/segment-worker';
import { summarize } from '../../../src/core/summary/build';
import { encodeWav } from '../../../src/core/format/wav-encode';
import { planSegments } from '../../../src/core/analyze';

const dir = mkdtempSync(join(tmpdir(), 'apl-parallel-'));
afterAll(async () => {
  await closeAnalysisThreads();
  rmSync(dir, { recursive: true, force: true });
});

function speechLike(sampleRateHz: number, n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  let lp = 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const t = i / sampleRateHz;
    lp = 0.9 * lp + 0.1 * (s / 4294967296 - 0.5);
    const loud = t % 31 < 1 ? 4 : 1;
    x[i] = Math.max(-1, Math.min(1, (t % 6 < 4 ? 2.4 * loud * (0.5 - 0.5 * Math.cos(8 * Math.PI * t)) * lp : 0) + 0.0005 * Math.sin(i)));
  }
  return x;
}

describe('analyzeFile on threads', () => {
  it('equals one pass on 16 kHz mono and stereo WAV cut in two and three segments', { timeout: 60000 }, async () => {
    const sr = 16000;
    const n = 95 * sr + 17;
    const [, second, third] = planSegments(sr, n, 3);
    const x = speechLike(sr, n, 5);
    x.fill(0, second.start - 100, second.start + 100); // a dropout across a seam
    for (let i = third.start - 2; i < third.start + 2; i++) x[i] = 1; // a clip run across another
    const y = x.map((v, i) => 0.5 * v + 0.2 * Math.sin(i / 30));
    for (const [name, channels] of [['mono', [x]], ['stereo', [x, y]]] as const) {
      const path = join(dir, `${name}.wav`);
      writeFileSync(path, encodeWav([...channels], sr, 'pcm16'));
      const one = await analyzeFile(path, { threads: 1 });
      const two = await analyzeFile(path, { threads: 2 });
      const three = await analyzeFile(path, { threads: 3 });
      expect(one.ok && two.ok && three.ok).toBe(true);
      expect(two).toEqual(one);
      expect(three).toEqual(one);
    }
  });

  it('a thread held up gives the rest of its segment to the other (work stealing); still equals one pass', { timeout: 60000 }, async () => {
    const sr = 16000;
    const path = join(dir, 'thirty-minutes.wav');
    writeFileSync(path, encodeWav([speechLike(sr, 1800 * sr, 9)], sr, 'pcm16'));
    const one = await analyzeFile(path, { threads: 1 });
    // The main thread reads the first of the two segments: once it has started (not during the
    // set-up before, which would delay both), it is held up for 1.5 s (a busy loop, as a thread
    // the machine does not run for a while), while the worker thread reads the second. That one
    // then asks for the rest of the first, and takes it.
    const held = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (segmentsReadingHere() === 0) return;
        clearInterval(poll);
        const t = performance.now();
        while (performance.now() - t < 1500);
        resolve();
      }, 1);
    });
    const two = await analyzeWavInParallel(path, 2);
    await held;
    if (!two?.ok || !one.ok) throw new Error('expected both analyses');
    expect(two.value.segmentCount).toBeGreaterThan(2);
    const { probe, measurements, contentHash } = two.value;
    expect(summarize({ probe, measurements, contentHash, name: 'thirty-minutes.wav', keepName: false, warnings: probe.warnings ?? [] })).toEqual(one.value);
  });

  const ffmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
  it.skipIf(!ffmpeg)('a compressed file decoded here and analysed on a worker thread equals one pass', { timeout: 60000 }, async () => {
    const sr = 16000;
    const wav = join(dir, 'long.wav');
    writeFileSync(wav, encodeWav([speechLike(sr, 70 * sr, 8)], sr, 'pcm16'));
    const mp3 = join(dir, 'long.mp3');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '128k', mp3]);
    expect(statSync(mp3).size).toBeGreaterThan(1 << 20); // the threaded path's threshold
    const one = await analyzeFile(mp3, { threads: 1 });
    const two = await analyzeFile(mp3, { threads: 2 });
    expect(one.ok).toBe(true);
    expect(two).toEqual(one);
  });
});

describe('the launcher (bin/apl.mjs, what npm run cli runs)', () => {
  it('runs Node with --no-concurrent-recompilation wherever it is started from (the exit deadlock, bin/apl.mjs)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const flag = '--no-concurrent-recompilation';
    expect(readFileSync(join(root, 'bin/apl.mjs'), 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node ${flag}`);
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.cli).toBe(`node ${flag} bin/apl.mjs`);
    // Plain `node bin/apl.mjs`: the launcher starts itself again with the flag, and passes the exit status on.
    const r = spawnSync(process.execPath, [join(root, 'bin/apl.mjs'), 'analyze', join(dir, 'no-such-file.wav')], { encoding: 'utf8', cwd: root });
    expect(r.status).toBe(18);
    expect(r.stderr).toMatch(/io-error/);
  });

  it('starts Node without NODE_EXTRA_CA_CERTS (certificates it would parse at every start and never use)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const cli = join(root, 'bin/apl.mjs');
    // Node warns at start-up when the file cannot be read: so each Node that still had the
    // variable says so on stderr.
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'no-such-ca.pem') };
    const warned = (stderr: string): number => stderr.split('Ignoring extra certs').length - 1;
    // As the installed command runs it: its first line drops the variable.
    const direct = spawnSync(cli, ['analyze', join(dir, 'no-such-file.wav')], { encoding: 'utf8', cwd: root, env });
    expect(direct.status).toBe(18);
    expect(warned(direct.stderr)).toBe(0);
    // Plain `node bin/apl.mjs`: only the first Node had it; the one started again does not.
    const plain = spawnSync(process.execPath, [cli, 'analyze', join(dir, 'no-such-file.wav')], { encoding: 'utf8', cwd: root, env });
    expect(plain.status).toBe(18);
    expect(warned(plain.stderr)).toBe(1);
  });

  it('runs the bundled CLI and its bundled analysis threads: the same summary as the sources, one pass and threaded', { timeout: 120000 }, () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const sr = 16000;
    const wav = join(dir, 'launcher.wav');
    writeFileSync(wav, encodeWav([speechLike(sr, 75 * sr, 11)], sr, 'pcm16'));
    expect(planSegments(sr, 75 * sr, 2)).toHaveLength(2);
    const run = (args: string[]): string => {
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    // The flag npm run cli gives (see bin/apl.mjs); without it, the launcher starts itself again with it.
    const flag = '--no-concurrent-recompilation';
    const fromSources = run([flag, '--import', 'tsx', join(root, 'src/cli/main.ts'), 'analyze', '--json', '--threads', '1', wav]);
    expect(run([join(root, 'bin/apl.mjs'), 'analyze', '--json', '--threads', '1', wav])).toBe(fromSources);
    expect(run([flag, join(root, 'bin/apl.mjs'), 'analyze', '--json', '--threads', '2', wav])).toBe(fromSources);
    // The bundle runs with V8's code cache of its command (bin/load-bundle.cjs): one that V8
    // rejects (here, not a cache at all) changes nothing of the output, and is written anew.
    const cache = join(root, 'node_modules/.cache/audio-path-lab');
    const bundles = readdirSync(cache).filter((d) => !d.startsWith('.tmp-') && existsSync(join(cache, d, 'cli.cjs')));
    expect(bundles).toHaveLength(1);
    const analyzeCache = join(cache, bundles[0], 'cli.cjs.analyze.v8');
    expect(statSync(analyzeCache).size).toBeGreaterThan(100_000);
    writeFileSync(analyzeCache, 'not a code cache');
    expect(run([flag, join(root, 'bin/apl.mjs'), 'analyze', '--json', '--threads', '2', wav])).toBe(fromSources);
    expect(statSync(analyzeCache).size).toBeGreaterThan(100_000);
  });
});
