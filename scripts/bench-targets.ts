/**
 * Issue 6's targets against one bench run, and how fast this machine ran the reference tools
 * compared with the issue's own measurements of them ("this machine kind", when the issue was
 * filed). The targets are absolute seconds; the tools' timings in the same run say whether the
 * machine is having a slow day, so each figure is also shown scaled to the speed the reference
 * figures were measured at. The scaling assumes our code slowed down as much as the median
 * tool did, which is only roughly true (ffmpeg, single-threaded native code, has slowed more than
 * our two threads on some days and less on others): the raw figure is the one that decides.
 */

/** The issue's reference timings, seconds, one hour of speech on the 2-core machine kind. */
export const REFERENCE_SEC = {
  ffmpeg: { wav16: 1.5, wav48: 12.2, mp3: 10.6, opus: 18.4 },
  sox: { wav16: 0.15, wav48: 1.1 },
  decodeAudioData: { mp3: 5.6, opus: 14.4 },
} as const;

export type FileKey = 'wav16' | 'wav48' | 'mp3' | 'opus';

/** One bench run's figures, by file (null where not measured). */
export interface BenchFigures {
  cliSec: Partial<Record<FileKey, number>>;
  ffmpegSec: Partial<Record<FileKey, number>>;
  soxSec: Partial<Record<'wav16' | 'wav48', number>>;
  page?: Partial<Record<FileKey, { reportSec: number; peakRendererMb: number; longestAnalysingMs: number; decodeAudioDataSec: number | null }>>;
}

/** Measured ÷ reference for every reference timing this run has, and their median (1 when none). */
export function machineSlowdown(f: BenchFigures): { ratios: Array<{ what: string; ratio: number }>; median: number } {
  const ratios: Array<{ what: string; ratio: number }> = [];
  const add = (what: string, measured: number | null | undefined, reference: number): void => {
    if (measured != null && measured > 0) ratios.push({ what, ratio: measured / reference });
  };
  for (const k of ['wav16', 'wav48', 'mp3', 'opus'] as const) add(`ffmpeg ${k}`, f.ffmpegSec[k], REFERENCE_SEC.ffmpeg[k]);
  for (const k of ['wav16', 'wav48'] as const) add(`sox ${k}`, f.soxSec[k], REFERENCE_SEC.sox[k]);
  for (const k of ['mp3', 'opus'] as const) add(`decodeAudioData ${k}`, f.page?.[k]?.decodeAudioDataSec, REFERENCE_SEC.decodeAudioData[k]);
  const sorted = ratios.map((r) => r.ratio).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? 1 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { ratios, median };
}

export interface TargetRow {
  target: string;
  /** The figure as measured, formatted. */
  measured: string;
  met: boolean;
  /** The figure at the reference run's speed (time figures only), formatted, and whether that meets the target. */
  scaled: string | null;
  metScaled: boolean | null;
}

/** Every target of issue 6 this run measured. */
export function targetRows(f: BenchFigures, slowdown: number): TargetRow[] {
  const rows: TargetRow[] = [];
  const time = (target: string, sec: number | undefined, limitSec: number): void => {
    if (sec === undefined) return;
    const scaled = sec / slowdown;
    rows.push({ target, measured: `${sec.toFixed(2)} s`, met: sec <= limitSec, scaled: `${scaled.toFixed(2)} s`, metScaled: scaled <= limitSec });
  };
  time('CLI, 16 kHz mono WAV ≤ 1 s', f.cliSec.wav16, 1);
  time('CLI, 48 kHz stereo WAV ≤ 3 s', f.cliSec.wav48, 3);
  const p = f.page;
  if (p) {
    time('page, 16 kHz mono WAV ≤ 1 s', p.wav16?.reportSec, 1);
    time('page, 48 kHz stereo WAV ≤ 3 s', p.wav48?.reportSec, 3);
    const ff = f.ffmpegSec.wav48;
    if (p.wav48 && ff !== undefined) {
      const x = ff / p.wav48.reportSec;
      rows.push({ target: 'page, 48 kHz stereo WAV ≥ 4× faster than ffmpeg', measured: `${x.toFixed(2)}×`, met: x >= 4, scaled: null, metScaled: null });
    }
    for (const k of ['mp3', 'opus'] as const) {
      const m = p[k];
      if (!m || m.decodeAudioDataSec === null) continue;
      const x = m.reportSec / m.decodeAudioDataSec;
      rows.push({ target: `page, ${k === 'mp3' ? 'MP3' : 'Opus'} ≤ 1.5× decodeAudioData`, measured: `${x.toFixed(2)}×`, met: x <= 1.5, scaled: null, metScaled: null });
    }
    const tasks = Object.values(p).map((m) => m!.longestAnalysingMs);
    const memory = Object.values(p).map((m) => m!.peakRendererMb);
    if (tasks.length > 0) {
      const worst = Math.max(...tasks);
      rows.push({ target: 'page, longest main-thread task analysing < 50 ms', measured: `${worst.toFixed(0)} ms`, met: worst < 50, scaled: null, metScaled: null });
      const most = Math.max(...memory);
      rows.push({ target: 'page, peak renderer memory ≤ 500 MB', measured: `${most.toFixed(0)} MB`, met: most <= 500, scaled: null, metScaled: null });
    }
  }
  return rows;
}

/** The two tables as printed by npm run bench. */
export function formatTargets(f: BenchFigures): string {
  const { ratios, median } = machineSlowdown(f);
  const lines: string[] = [];
  lines.push(`\nthis machine against the issue's reference timings (measured ÷ reference; the issue's figures are from a run of`);
  lines.push(`the same machine kind): ${ratios.map((r) => `${r.what} ${r.ratio.toFixed(2)}×`).join(', ') || 'none measured'}`);
  lines.push(`median ${median.toFixed(2)}×: today this machine ran the reference tools ${median >= 1 ? `${median.toFixed(2)}× slower` : `${(1 / median).toFixed(2)}× faster`} than when the issue was filed.`);
  const rows = targetRows(f, median);
  const table = [['issue 6 target', 'this run', 'met', `÷ ${median.toFixed(2)} (reference speed)`, 'met'], ...rows.map((r) => [r.target, r.measured, r.met ? 'yes' : 'NO', r.scaled ?? '—', r.metScaled === null ? '—' : r.metScaled ? 'yes' : 'no'])];
  const w = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  lines.push('');
  lines.push(...table.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ')));
  lines.push(`\n"met" is the figure as measured; the scaled column assumes our code slowed down as much as the median tool, which`);
  lines.push(`holds only roughly: read it as a hint whether a miss is the machine's day or ours.`);
  return lines.join('\n');
}

/**
 * How the launcher's first line (`#!/usr/bin/env -S -u NAME … node FLAG …`) starts Node: the
 * variables it drops and the flags it gives. The bench starts our CLI the same way, read from the
 * line itself, so the two cannot drift apart. Anything else throws: the bench would otherwise
 * time a CLI started differently from the installed command.
 */
export function launcherStart(firstLine: string): { unset: string[]; nodeFlags: string[] } {
  const m = /^#!\/usr\/bin\/env -S (.+)$/.exec(firstLine.trim());
  const words = m ? m[1].split(/\s+/) : [];
  const unset: string[] = [];
  let i = 0;
  while (words[i] === '-u' && i + 1 < words.length) {
    unset.push(words[i + 1]);
    i += 2;
  }
  const nodeFlags = words.slice(i + 1);
  if (words[i] !== 'node' || nodeFlags.some((f) => !f.startsWith('--'))) {
    throw new Error(`bin/apl.mjs's first line is not "#!/usr/bin/env -S [-u NAME]… node [--flag]…": ${firstLine}`);
  }
  return { unset, nodeFlags };
}
