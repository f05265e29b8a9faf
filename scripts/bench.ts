/**
 * npm run bench — speed and memory of the CLI path (streaming decode + full analysis) on long,
 * generated WAV files. Prints seconds, × real time, MB/s and peak RSS. Each case runs in a fresh
 * Node process so peak RSS belongs to that case alone.
 *   npm run bench            # 1 h 16 kHz mono, 10 min 48 kHz stereo
 *   npm run bench -- --quick # 10 min 16 kHz mono only
 */
import { wavHeader } from '../src/core/format/wav-encode';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Case {
  label: string;
  sampleRateHz: number;
  channels: number;
  durationSec: number;
}

/** Speech-like test signal: syllable-rate AM noise bursts with pauses, plus a low noise floor. Deterministic. */
function writeSpeechLikeWav(path: string, c: Case): void {
  const fd = openSync(path, 'w');
  const frames = Math.round(c.durationSec * c.sampleRateHz);
  const header = wavHeader('pcm16', c.channels, c.sampleRateHz, frames);
  writeSync(fd, header);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const blockFrames = c.sampleRateHz; // 1 s per write
  const buf = Buffer.alloc(blockFrames * c.channels * 2);
  let lp = 0;
  for (let start = 0; start < frames; start += blockFrames) {
    const n = Math.min(blockFrames, frames - start);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / c.sampleRateHz;
      const phrase = t % 6 < 4; // 4 s talk, 2 s pause
      const syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
      lp = 0.9 * lp + 0.1 * rand();
      const x = (phrase ? 0.6 * syllable * lp * 8 : 0) + 0.0005 * rand();
      const s = Math.max(-32768, Math.min(32767, Math.round(x * 32767)));
      for (let ch = 0; ch < c.channels; ch++) buf.writeInt16LE(ch === 1 ? Math.min(32767, -s) : s, (i * c.channels + ch) * 2);
    }
    writeSync(fd, buf, 0, n * c.channels * 2);
  }
  closeSync(fd);
}

function run(): void {
  const quick = process.argv.includes('--quick');
  const cases: Case[] = quick
    ? [{ label: '10 min 16 kHz mono WAV', sampleRateHz: 16000, channels: 1, durationSec: 600 }]
    : [
        { label: '1 h 16 kHz mono WAV', sampleRateHz: 16000, channels: 1, durationSec: 3600 },
        { label: '10 min 48 kHz stereo WAV', sampleRateHz: 48000, channels: 2, durationSec: 600 },
      ];
  const dir = mkdtempSync(join(tmpdir(), 'apl-bench-'));
  const child = fileURLToPath(new URL('./bench-child.ts', import.meta.url));
  const rows: string[] = [];
  try {
    for (const c of cases) {
      const path = join(dir, `${c.sampleRateHz}-${c.channels}.wav`);
      writeSpeechLikeWav(path, c);
      const bytes = statSync(path).size;
      // Each case in a fresh process, so its peak RSS is that case's alone.
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, path], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`analysis failed on ${c.label}: ${r.stderr}`);
      const { sec, peakRssMb } = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sec: number; peakRssMb: number };
      rows.push(
        `${c.label.padEnd(26)} ${sec.toFixed(2).padStart(7)} s  ${(c.durationSec / sec).toFixed(0).padStart(6)}× RT  ${(bytes / 1e6 / sec).toFixed(0).padStart(5)} MB/s  peak RSS ${peakRssMb.toFixed(0)} MB  (${(bytes / 1e6).toFixed(0)} MB file)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`case                        wall time   speed      rate      memory\n${rows.join('\n')}`);
}

run();
