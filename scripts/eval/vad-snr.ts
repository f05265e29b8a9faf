/**
 * VAD frame F1, active-speech SNR and WADA-SNR error, and effective bandwidth on the labelled set
 * of scripts/eval/dataset.ts. Run alone: `npx tsx scripts/eval/vad-snr.ts [--set asterisk]`.
 *
 * Sets: asterisk (8 kHz) is the tuning set; librivox (16 kHz) and espeak (22.05 kHz, other gap
 * lengths) are held out. Acceptance (issue): F1 ≥ 0.90 in every cell with SNR ≥ 10 dB (and no
 * noise), ≥ 0.80 at 5 dB; active-speech SNR mean absolute error ≤ 3 dB over true SNR 0–20 dB;
 * bandwidth of 8 kHz speech upsampled to 48 kHz in 3.5–4.3 kHz, native 16 kHz ≥ 7 kHz.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFrameAnalysis } from '../../src/core/frames/frame-analysis';
import { deriveFrameMeasurements } from '../../src/core/frames/derive';
import type { FrameTable } from '../../src/core/frames/types';
import { createWadaSnr } from '../../src/core/snr/wada';
import type { VadSettings } from '../../src/core/summary/types';
import type { VadTuning } from '../../src/core/vad/vad';
import { buildSequence, cells, readWav16Mono, stressCases, truthFrames, type Cell, type SetName } from './dataset';

export interface CellResult {
  set: SetName;
  gainDb: number;
  noise: string;
  snrDb: number | null;
  f1: number;
  precision: number;
  recall: number;
  /** Estimated − true, dB (null when the truth is noise-free or the estimate is missing). */
  snrErrorDb: number | null;
  wadaErrorDb: number | null;
  snrEstimateDb: number | null;
  wadaDb: number | null;
  target: number | null;
  pass: boolean;
}

export interface BandwidthResult {
  label: string;
  effectiveHz: number | null;
  fractionOfNyquist: number | null;
  range: [number, number];
  pass: boolean;
}

export interface StressResult {
  label: string;
  kind: 'f1' | 'no-speech';
  f1: number | null;
  speechRatio: number;
  snrErrorDb: number | null;
}

export interface VadSnrEvalResult {
  cells: CellResult[];
  /** Harder conditions outside the acceptance grid: reported, not part of `pass`. */
  stress: StressResult[];
  snrMaeDb: Record<SetName, number>;
  wadaMaeDb: Record<SetName, number>;
  bandwidth: BandwidthResult[];
  pass: boolean;
}

export interface VadSnrEvalOptions {
  print?: boolean;
  sets?: SetName[];
  vad?: Partial<VadSettings>;
  tuning?: Partial<VadTuning>;
  /** Run the stress cases too (default true). */
  stress?: boolean;
}

export function analyse(samples: Float32Array, sampleRateHz: number): FrameTable {
  const acc = createFrameAnalysis(sampleRateHz, 1);
  acc.push([samples]);
  return acc.finish();
}

function frameScores(decisions: Uint8Array, truth: Uint8Array): { f1: number; precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const d = decisions[i];
    if (d && truth[i]) tp++;
    else if (d) fp++;
    else if (truth[i]) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall };
}

function scoreCell(cell: Cell, opts: VadSnrEvalOptions): CellResult {
  const table = analyse(cell.samples, cell.sampleRateHz);
  const m = deriveFrameMeasurements(table, opts.vad, opts.tuning);
  const wada = createWadaSnr(1);
  wada.push([cell.samples]);
  const wadaDb = wada.finish().snrDb;
  const truth = truthFrames(cell.speech, table.hopSamples, table.frameCount);
  const { f1, precision, recall } = frameScores(m.frameDecisions, truth);
  const target = cell.snrDb === null || cell.snrDb >= 10 ? 0.9 : cell.snrDb >= 5 ? 0.8 : null;
  const est = m.snr.db;
  return {
    set: cell.set,
    gainDb: cell.gainDb,
    noise: cell.noise,
    snrDb: cell.snrDb,
    f1,
    precision,
    recall,
    snrEstimateDb: est,
    wadaDb,
    snrErrorDb: cell.snrDb !== null && est !== null ? est - cell.snrDb : null,
    wadaErrorDb: cell.snrDb !== null && wadaDb !== null ? wadaDb - cell.snrDb : null,
    target,
    pass: target === null || f1 >= target,
  };
}

function stressResults(opts: VadSnrEvalOptions): StressResult[] {
  return stressCases().map(({ label, cell, kind }) => {
    const table = analyse(cell.samples, cell.sampleRateHz);
    const m = deriveFrameMeasurements(table, opts.vad, opts.tuning);
    const truth = truthFrames(cell.speech, table.hopSamples, table.frameCount);
    return {
      label,
      kind,
      f1: kind === 'f1' ? frameScores(m.frameDecisions, truth).f1 : null,
      speechRatio: m.vad.speechRatio,
      snrErrorDb: cell.snrDb !== null && m.snr.db !== null ? m.snr.db - cell.snrDb : null,
    };
  });
}

function bandwidthCases(): BandwidthResult[] {
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'apl-bw-'));
  const out: BandwidthResult[] = [];
  try {
    const run = (label: string, samples: Float32Array, sr: number, range: [number, number]): void => {
      const m = deriveFrameMeasurements(analyse(samples, sr));
      const hz = m.bandwidth.effectiveHz;
      out.push({
        label,
        effectiveHz: hz,
        fractionOfNyquist: m.bandwidth.fractionOfNyquist,
        range,
        pass: hz !== null && hz >= range[0] && hz <= range[1],
      });
    };
    // Real 8 kHz speech (the whole asterisk sequence), upsampled to 48 kHz with SoX.
    const seq8 = buildSequence('asterisk', 7, 1);
    const in8 = join(dir, 'in8.wav');
    const up = join(dir, 'up48.wav');
    writeFileSync(in8, wav16(seq8.samples, 8000));
    execFileSync('sox', [in8, '-r', '48000', up]);
    const up48 = readWav16Mono(readFileSync(up));
    run('asterisk 8k → 48k (sox)', up48.samples, up48.sampleRateHz, [3500, 4300]);
    const seq16 = buildSequence('librivox', 7, 1);
    run('librivox native 16k', seq16.samples, 16000, [7000, 8000]);
    for (const f of ['upsampled-8k-to-48k.wav', 'clean-16k-mono.wav']) {
      const w = readWav16Mono(readFileSync(join(root, 'fixtures', 'generated', f)));
      run(`fixture ${f}`, w.samples, w.sampleRateHz, f.startsWith('up') ? [3500, 4300] : [7000, 8000]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function wav16(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRateHz, 24);
  buf.writeUInt32LE(sampleRateHz * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), 44 + 2 * i);
  }
  return buf;
}

const fmt = (v: number | null, d = 1): string => (v === null ? '—' : v.toFixed(d));

function printTable(r: VadSnrEvalResult): void {
  for (const set of new Set(r.cells.map((c) => c.set))) {
    const rows = r.cells.filter((c) => c.set === set);
    console.log(`\n[${set}] VAD frame F1 (P/R) · active-speech SNR estimate · WADA`);
    console.log('gain  noise  SNR   F1     P     R     target  snrEst  err    wada   err');
    for (const c of rows) {
      console.log(
        [
          String(c.gainDb).padStart(4),
          c.noise.padEnd(5),
          (c.snrDb === null ? '∞' : String(c.snrDb)).padStart(4),
          c.f1.toFixed(3),
          c.precision.toFixed(2),
          c.recall.toFixed(2),
          (c.target === null ? '—' : c.target.toFixed(2)).padStart(6) + (c.pass ? ' ' : '✗'),
          fmt(c.snrEstimateDb).padStart(6),
          fmt(c.snrErrorDb).padStart(6),
          fmt(c.wadaDb).padStart(6),
          fmt(c.wadaErrorDb).padStart(6),
        ].join('  '),
      );
    }
    const f1s = rows.map((c) => c.f1);
    console.log(
      `min F1 ${Math.min(...f1s).toFixed(3)}, mean F1 ${(f1s.reduce((a, b) => a + b, 0) / f1s.length).toFixed(3)}; ` +
        `active-speech SNR MAE (0–20 dB) ${r.snrMaeDb[set].toFixed(2)} dB; WADA MAE ${r.wadaMaeDb[set].toFixed(2)} dB`,
    );
  }
  if (r.stress.length > 0) {
    console.log('\nStress cases (not tuned on, not part of pass/fail)');
    for (const x of r.stress) {
      console.log(
        `${x.label.padEnd(56)} ${x.kind === 'f1' ? `F1 ${fmt(x.f1, 3)}` : '        '}  speech ratio ${x.speechRatio.toFixed(3)}` +
          (x.snrErrorDb !== null ? `  SNR err ${x.snrErrorDb.toFixed(1)} dB` : ''),
      );
    }
  }
  console.log('\nEffective bandwidth');
  for (const b of r.bandwidth) {
    console.log(
      `${b.label.padEnd(40)} ${fmt(b.effectiveHz, 0).padStart(6)} Hz  (${fmt(b.fractionOfNyquist, 3)} of Nyquist)  target ${b.range[0]}–${b.range[1]}  ${b.pass ? 'ok' : 'FAIL'}`,
    );
  }
  console.log(`\nvad-snr: ${r.pass ? 'PASS' : 'FAIL'}`);
}

export async function vadSnrEval(options: VadSnrEvalOptions = {}): Promise<VadSnrEvalResult> {
  const sets = options.sets ?? (['asterisk', 'librivox', 'espeak'] as SetName[]);
  const results: CellResult[] = [];
  for (const set of sets) for (const cell of cells(set)) results.push(scoreCell(cell, options));
  const mae = (key: 'snrErrorDb' | 'wadaErrorDb', set: SetName): number => {
    const errs = results
      .filter((c) => c.set === set && c.snrDb !== null && c.snrDb >= 0 && c.snrDb <= 20)
      .map((c) => (c[key] === null ? Infinity : Math.abs(c[key] as number)));
    return errs.length > 0 ? errs.reduce((a, b) => a + b, 0) / errs.length : NaN;
  };
  const snrMaeDb = {} as Record<SetName, number>;
  const wadaMaeDb = {} as Record<SetName, number>;
  for (const set of sets) {
    snrMaeDb[set] = mae('snrErrorDb', set);
    wadaMaeDb[set] = mae('wadaErrorDb', set);
  }
  const bandwidth = bandwidthCases();
  const stress = options.stress === false ? [] : stressResults(options);
  const pass =
    results.every((c) => c.pass) &&
    sets.every((s) => snrMaeDb[s] <= 3) &&
    bandwidth.every((b) => b.pass);
  const result: VadSnrEvalResult = { cells: results, stress, snrMaeDb, wadaMaeDb, bandwidth, pass };
  if (options.print) printTable(result);
  return result;
}

function parseArgs(argv: string[]): VadSnrEvalOptions {
  const opts: VadSnrEvalOptions = { print: true, vad: {}, tuning: {} };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    const val = argv[i + 1];
    if (key === 'set') {
      opts.sets = val.split(',') as SetName[];
      i++;
    } else if (['threshold', 'minSpeechSec', 'minSilenceSec', 'padSec'].includes(key)) {
      (opts.vad as Record<string, number>)[key] = Number(val);
      i++;
    } else if (['offsetRatio', 'noiseRadiusSec', 'candidateMarginDb', 'maxRangeDb', 'minCandidateSec'].includes(key)) {
      (opts.tuning as Record<string, number>)[key] = Number(val);
      i++;
    }
  }
  return opts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  vadSnrEval(parseArgs(process.argv.slice(2))).then((r) => {
    process.exitCode = r.pass ? 0 : 1;
  });
}
