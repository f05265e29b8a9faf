/**
 * Agreement of src/core/levels with `sox <file> -n stats` on generated WAVs: real speech at
 * several gains, with a DC offset, hard-clipped, stereo, 24-bit and float.
 * Run alone: `npx tsx scripts/eval/sox-agreement.ts`.
 *
 * Targets: peak and RMS within 0.01 dB, DC offset within 1e-5 (SoX prints 2 and 6 decimals, so
 * its own rounding is half of that), and on the clipped cases our SoX-style peak count equal to
 * SoX's "Pk count" (which SoX prints to 3 significant figures: "6.79k" means 6785..6795).
 * `clippedSamples` (|x| ≥ 0.999) equals Pk count plus the samples that sit within 0.1 % of full
 * scale without being on the rail; the table shows both, and on the synthetic clipped sine,
 * which has no such samples, they must be equal.
 * Overall figures follow SoX: pooled peak and RMS, DC of the channel with the largest offset,
 * Pk count = mean over channels. SoX reads int PCM as x/2^(bits−1), as our decoders do; the WAVs
 * are written and read back here (private writer/reader) so both sides see identical samples.
 */
import { decodeWavBytes } from '../../src/core/format/wav';
import { encodeWav, type WavEncoding } from '../../src/core/format/wav-encode';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleStats } from '../../src/core/levels/sample-stats';

type WavFormat = WavEncoding;

export interface SoxFigures {
  peakDbfs: number | null;
  rmsDbfs: number | null;
  dcOffset: number;
  /** Samples at the min or max (SoX "Pk count"); SoX's 3-significant-figure text on the sox side. */
  pkCount: number | string;
  /** Ours only: samples with |x| ≥ 0.999. */
  clippedSamples?: number;
}

export interface SoxAgreementRow {
  case: string;
  /** 'overall', 'ch1', 'ch2', … */
  channel: string;
  ours: SoxFigures;
  sox: SoxFigures;
  pass: boolean;
  failures: string[];
}

export type SoxAgreementResult =
  | { rows: SoxAgreementRow[]; pass: boolean; skipped?: undefined }
  | { rows: SoxAgreementRow[]; pass: null; skipped: string };

export interface SoxAgreementOptions {
  print?: boolean;
}

const PEAK_RMS_TOL_DB = 0.01;
const DC_TOL = 1e-5;

// ---------------------------------------------------------------------------------------------
// WAV in and out through the core's writer and decoder.

function writeWav(path: string, channels: Float32Array[], sampleRateHz: number, format: WavFormat): void {
  writeFileSync(path, encodeWav(channels, sampleRateHz, format));
}

function readWav(path: string): { sampleRateHz: number; channels: Float32Array[] } {
  return decodeWavBytes(readFileSync(path));
}

// ---------------------------------------------------------------------------------------------
// SoX

function soxAvailable(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Parse `sox <file> -n stats` (stderr) into per-column figures: [overall, ch1, ch2, …]. */
function soxStats(path: string, channelCount: number): SoxFigures[] {
  // sox writes the stats to stderr.
  const r = spawnSync('sox', [path, '-n', 'stats'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox failed: ${r.stderr}`);
  const lines = r.stderr.split('\n');
  const field = (label: string): string[] => {
    const line = lines.find((l) => l.startsWith(label));
    if (!line) throw new Error(`sox stats: no "${label}" line`);
    return line.slice(label.length).trim().split(/\s+/);
  };
  const columns = channelCount > 1 ? channelCount + 1 : 1;
  const dc = field('DC offset');
  const pk = field('Pk lev dB');
  const rms = field('RMS lev dB');
  const count = field('Pk count');
  const num = (s: string): number | null => (s === '-inf' ? null : Number(s));
  return Array.from({ length: columns }, (_, i) => ({
    dcOffset: Number(dc[i]),
    peakDbfs: num(pk[i]),
    rmsDbfs: num(rms[i]),
    pkCount: count[i],
  }));
}

/** SoX's 3-significant-figure count ("6.79k", "2", "3.50") as a value and its half resolution. */
function parseSigFigs(text: string): { value: number; halfStep: number } {
  const m = /^(\d+)(?:\.(\d+))?([kMGTPEZY]?)$/.exec(text);
  if (!m) throw new Error(`unexpected count "${text}"`);
  const mult = 1000 ** ' kMGTPEZY'.indexOf(m[3] || ' ');
  const decimals = m[2]?.length ?? 0;
  const value = Number(`${m[1]}.${m[2] ?? '0'}`) * mult;
  return { value, halfStep: (0.5 * mult) / 10 ** decimals };
}

const countMatches = (ours: number, sox: string): boolean => {
  const { value, halfStep } = parseSigFigs(sox);
  return Math.abs(ours - value) <= halfStep + 1e-9;
};

// ---------------------------------------------------------------------------------------------
// Cases

interface Case {
  name: string;
  channels: Float32Array[];
  sampleRateHz: number;
  format: WavFormat;
  /** Compare clippedSamples with Pk count exactly (no samples near but below the rail). */
  clipExact?: boolean;
  /** Check the peak count (clipped cases). */
  clipped?: boolean;
}

const gain = (x: Float32Array, db: number): Float32Array => {
  const g = 10 ** (db / 20);
  return x.map((v) => v * g);
};
const clip = (x: Float32Array): Float32Array => x.map((v) => Math.max(-1, Math.min(1, v)));

function cases(root: string): Case[] {
  const speech = readWav(join(root, 'fixtures/speech/librivox/sense_and_sensibility_01_austen_64kb-0930.wav'));
  const phone = readWav(join(root, 'fixtures/speech/asterisk/please-try-call-later.wav'));
  const x = speech.channels[0];
  const sr = speech.sampleRateHz;
  const other = readWav(join(root, 'fixtures/speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav')).channels[0];
  const n = Math.min(x.length, other.length);
  // A 1 kHz sine of amplitude 2 at 8 kHz, clipped: every clipped sample is exactly on the rail.
  const sine = new Float32Array(8000).map((_, i) => Math.max(-1, Math.min(1, 2 * Math.sin((2 * Math.PI * 1000 * i) / 8000))));
  return [
    { name: 'speech 16k, 0 dB', channels: [x], sampleRateHz: sr, format: 'pcm16' },
    { name: 'speech 16k, −6 dB', channels: [gain(x, -6)], sampleRateHz: sr, format: 'pcm16' },
    { name: 'speech 16k, −18 dB', channels: [gain(x, -18)], sampleRateHz: sr, format: 'pcm16' },
    { name: 'speech 16k, −30 dB', channels: [gain(x, -30)], sampleRateHz: sr, format: 'pcm16' },
    { name: 'phone 8k, +0.05 DC', channels: [phone.channels[0].map((v) => v + 0.05)], sampleRateHz: phone.sampleRateHz, format: 'pcm16' },
    { name: 'speech 16k, −3 dB, −0.002 DC', channels: [gain(x, -3).map((v) => v - 0.002)], sampleRateHz: sr, format: 'pcm16' },
    { name: 'speech +20 dB hard-clipped', channels: [clip(gain(x, 20))], sampleRateHz: sr, format: 'pcm16', clipped: true },
    { name: 'sine ×2 hard-clipped', channels: [sine], sampleRateHz: 8000, format: 'pcm16', clipped: true, clipExact: true },
    {
      name: 'stereo (R −10 dB, +0.01 DC)',
      channels: [x.subarray(0, n), gain(other.subarray(0, n), -10).map((v) => v + 0.01)],
      sampleRateHz: sr,
      format: 'pcm16',
    },
    {
      name: 'stereo, L clipped',
      channels: [clip(gain(x.subarray(0, n), 14)), other.subarray(0, n)],
      sampleRateHz: sr,
      format: 'pcm16',
      clipped: true,
    },
    { name: 'speech 24-bit, −18 dB', channels: [gain(x, -18)], sampleRateHz: sr, format: 'pcm24' },
    { name: 'speech float, −6 dB', channels: [gain(x, -6)], sampleRateHz: sr, format: 'float32' },
    { name: 'speech float, −40 dB', channels: [gain(x, -40)], sampleRateHz: sr, format: 'float32' },
  ];
}

function compare(c: Case, channel: string, ours: SoxFigures, sox: SoxFigures): SoxAgreementRow {
  const failures: string[] = [];
  const dbOk = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= PEAK_RMS_TOL_DB);
  if (!dbOk(ours.peakDbfs, sox.peakDbfs)) failures.push('peak');
  if (!dbOk(ours.rmsDbfs, sox.rmsDbfs)) failures.push('rms');
  if (Math.abs(ours.dcOffset - sox.dcOffset) > DC_TOL) failures.push('dc');
  if (c.clipped && !countMatches(Number(ours.pkCount), String(sox.pkCount))) failures.push('pk count');
  if (c.clipExact && !countMatches(ours.clippedSamples ?? -1, String(sox.pkCount))) failures.push('clipped ≠ pk count');
  return { case: c.name, channel, ours, sox, pass: failures.length === 0, failures };
}

export async function soxAgreement(options: SoxAgreementOptions = {}): Promise<SoxAgreementResult> {
  if (!soxAvailable()) {
    if (options.print) console.log('\nsox agreement: skipped (sox not installed)');
    return { rows: [], pass: null, skipped: 'sox not installed' };
  }
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'sox-agreement-'));
  const rows: SoxAgreementRow[] = [];
  try {
    for (const c of cases(root)) {
      const path = join(dir, 'case.wav');
      writeWav(path, c.channels, c.sampleRateHz, c.format);
      const back = readWav(path);
      const acc = createSampleStats(back.sampleRateHz, back.channels.length);
      acc.push(back.channels);
      const s = acc.finish();
      const sox = soxStats(path, back.channels.length);
      const o = s.overall;
      rows.push(
        compare(c, 'overall', {
          peakDbfs: o.peakDbfs,
          rmsDbfs: o.rmsDbfs,
          dcOffset: o.dcOffset,
          pkCount: o.peakCount,
          clippedSamples: s.clipping.clippedSamples / back.channels.length,
        }, sox[0]),
      );
      if (back.channels.length > 1) {
        s.channelDetails.forEach((d, i) => {
          rows.push(
            compare(c, `ch${i + 1}`, {
              peakDbfs: d.peakDbfs,
              rmsDbfs: d.rmsDbfs,
              dcOffset: d.dcOffset,
              pkCount: d.peakCount,
              clippedSamples: d.clippedSamples,
            }, sox[i + 1]),
          );
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pass = rows.every((r) => r.pass);
  if (options.print) printTable(rows, pass);
  return { rows, pass };
}

function printTable(rows: SoxAgreementRow[], pass: boolean): void {
  const f = (v: number | null, d: number) => (v === null ? '-inf' : v.toFixed(d));
  const header = ['case', 'ch', 'peak dB ours/sox', 'RMS dB ours/sox', 'DC ours/sox', 'Pk count ours/sox', 'clipped', 'ok'];
  const body = rows.map((r) => [
    r.case,
    r.channel,
    `${f(r.ours.peakDbfs, 3)} / ${f(r.sox.peakDbfs, 2)}`,
    `${f(r.ours.rmsDbfs, 3)} / ${f(r.sox.rmsDbfs, 2)}`,
    `${r.ours.dcOffset.toFixed(7)} / ${r.sox.dcOffset.toFixed(6)}`,
    `${Number(r.ours.pkCount).toFixed(Number.isInteger(Number(r.ours.pkCount)) ? 0 : 1)} / ${r.sox.pkCount}`,
    r.ours.clippedSamples === undefined ? '' : String(r.ours.clippedSamples),
    r.pass ? 'yes' : `NO (${r.failures.join(', ')})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log('\nAgreement with `sox stats` (peak/RMS ±0.01 dB, DC ±1e-5, Pk count to SoX precision)');
  console.log(line(header));
  for (const b of body) console.log(line(b));
  console.log(`sox agreement: ${pass ? 'PASS' : 'FAIL'}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  soxAgreement({ print: true }).then((r) => {
    process.exitCode = r.pass === false ? 1 : 0;
  });
}
