/**
 * Page benchmark (`npm run bench:page`): a speech-like 48 kHz stereo recording, generated, opened
 * through the built page in headless Chromium (what is measured: scripts/page-measure.ts).
 * Options: --minutes N (default 10), --format wav|flac|mp3|opus (compressed formats are made from
 * the WAV with ffmpeg), --file PATH (measure that file instead), --no-build, --keep.
 * `npm run bench` measures the page too, on its own files, beside the CLI, ffmpeg and SoX.
 */
import { wavHeader } from '../src/core/format/wav-encode';
import { execFileSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurePage } from './page-measure';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const minutes = Number(arg('--minutes') ?? 10);
const sampleRateHz = 48_000;
const channels = 2;
const format = arg('--format') ?? 'wav';
const FFMPEG_ARGS: Record<string, string[]> = {
  flac: ['-c:a', 'flac'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
  opus: ['-c:a', 'libopus', '-b:a', '64k'],
};
if (format !== 'wav' && !FFMPEG_ARGS[format]) throw new Error(`unknown --format ${format}`);

/** Speech-like bursts over a light noise floor, written in blocks so memory stays small. */
function writeWav(path: string): void {
  const frames = Math.round(minutes * 60 * sampleRateHz);
  const fd = openSync(path, 'w');
  writeSync(fd, wavHeader('pcm16', channels, sampleRateHz, frames));
  let seed = 1;
  const block = Buffer.alloc(sampleRateHz * channels * 2);
  for (let start = 0; start < frames; start += sampleRateHz) {
    const n = Math.min(sampleRateHz, frames - start);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / sampleRateHz;
      const phase = t % 1.7;
      const env = phase < 1.1 ? Math.sin((Math.PI * phase) / 1.1) : 0;
      const voice = env * (0.25 * Math.sin(2 * Math.PI * 140 * t) + 0.1 * Math.sin(2 * Math.PI * 900 * t) + 0.05 * Math.sin(2 * Math.PI * 2500 * t));
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = 0.003 * (seed / 0x7fffffff - 0.5);
      block.writeInt16LE(Math.round((voice + noise) * 32767), 4 * i);
      block.writeInt16LE(Math.round((0.7 * voice + noise) * 32767), 4 * i + 2);
    }
    writeSync(fd, block, 0, n * channels * 2);
  }
  closeSync(fd);
}

const dir = mkdtempSync(join(tmpdir(), 'apl-bench-'));
try {
  let file = arg('--file');
  if (!file) {
    const wav = join(dir, `bench-${minutes}min-48k-stereo.wav`);
    console.log(`generating ${minutes} min of 48 kHz stereo 16-bit WAV…`);
    writeWav(wav);
    file = wav;
    if (format !== 'wav') {
      file = join(dir, `bench-${minutes}min-48k-stereo.${format === 'opus' ? 'ogg' : format}`);
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', wav, ...FFMPEG_ARGS[format], file]);
    }
  }
  const compressed = !/\.wav$/i.test(file);
  console.log(`  ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB at ${file}`);
  const [m] = await measurePage([{ path: file, compressed: compressed ? { channels, sampleRateHz } : null }], { build: !args.includes('--no-build') });
  console.log('');
  console.log(`time to first report:         ${m.reportSec.toFixed(2)} s (worker's own figure ${m.workerSec.toFixed(2)} s)`);
  console.log(`longest main-thread task while analysing: ${m.longestAnalysingMs.toFixed(0)} ms (${m.longAnalysingTasks} tasks > 50 ms)`);
  console.log(`longest main-thread task while drawing:   ${m.longestDrawingMs.toFixed(0)} ms`);
  console.log(`peak renderer memory:         ${m.peakRendererMb.toFixed(0)} MB (resident, page + workers)`);
  console.log(`kernels warm:                 ${m.kernelsWarmSec === null ? 'never (the file was opened without)' : `${m.kernelsWarmSec.toFixed(2)} s after the page loaded; the file was opened after that and ≥ 2 s after load`}`);
  if (m.decodeAudioDataSec !== null) {
    console.log(`browser decodeAudioData alone: ${m.decodeAudioDataSec.toFixed(2)} s → ours / decoder = ${(m.reportSec / m.decodeAudioDataSec).toFixed(2)}× (issue 6 asks ≤ 1.5×)`);
  }
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
