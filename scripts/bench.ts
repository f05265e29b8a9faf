/**
 * npm run bench — the CLI and the page side by side with ffmpeg and SoX on one hour of generated
 * speech-like audio (issues 2 and 6): 16 kHz mono WAV, 48 kHz stereo WAV, and MP3 and Opus made
 * from the latter by ffmpeg. For each file, in one run:
 *   - our CLI (`analyze --json`, every analysis), wall time and peak RSS, on all threads and on one
 *     (`--threads 1`);
 *   - `ffmpeg -af astats,silencedetect,ebur128 -f null -` (levels, silence, loudness) and
 *     `sox <f> -n stats` (levels), wall time;
 *   - on the WAVs, our peak/RMS (±0.01 dB) and DC offset (±1e-5, SoX's printed precision) against
 *     SoX's, and our clipped-sample count against SoX's "Pk count" (the generator puts every
 *     clipped sample on the rail, so the two must be equal);
 *   - the page in headless Chromium (scripts/page-measure.ts): time to the full report, peak
 *     renderer memory, the longest main-thread tasks, and for MP3/Opus Chromium's own
 *     decodeAudioData of the same bytes (the decoding floor).
 * Wall time and peak RSS come from GNU time (`/usr/bin/time`, Debian package "time") around each
 * process; every tool runs in a fresh process. Other work on the machine makes the figures noisy:
 * compare runs made back to back.
 *   npm run bench                  # 1 h files (~1.3 GB in a temp dir, a few minutes)
 *   npm run bench -- --quick       # 10 min files
 *   npm run bench -- --dir <path>  # keep the generated files there (reused when present)
 *   npm run bench -- --no-page     # the CLI and the tools only
 */
import { wavHeader } from '../src/core/format/wav-encode';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { formatTargets, launcherStart, type BenchFigures, type FileKey } from './bench-targets';
import { measurePage, warmPageCache } from './page-measure';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Source {
  label: string;
  sampleRateHz: number;
  channels: number;
}

/**
 * Speech-like test signal: syllable-rate AM noise bursts, 4 s of talk and 2 s of pause, over a low
 * noise floor; every 61 s one 2 s phrase is 12 dB too loud and clipped (every sample at or above
 * 0.999 FS put on the rail, as a hard clipper does). The right channel of stereo is the left
 * inverted. Deterministic.
 */
function writeSpeechLikeWav(path: string, s: Source, durationSec: number): void {
  const fd = openSync(path, 'w');
  const frames = Math.round(durationSec * s.sampleRateHz);
  writeSync(fd, wavHeader('pcm16', s.channels, s.sampleRateHz, frames));
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const blockFrames = s.sampleRateHz; // 1 s per write
  const pcm = new Int16Array(blockFrames * s.channels);
  let lp = 0;
  for (let start = 0; start < frames; start += blockFrames) {
    const n = Math.min(blockFrames, frames - start);
    for (let i = 0; i < n; i++) {
      const t = (start + i) / s.sampleRateHz;
      const phrase = t % 6 < 4;
      const syllable = 0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t);
      lp = 0.9 * lp + 0.1 * rand();
      const loud = t % 61 >= 30 && t % 61 < 32 ? 4 : 1;
      let x = (phrase ? 0.6 * syllable * lp * 8 * loud : 0) + 0.0005 * rand();
      if (x >= 0.999) x = 1;
      else if (x <= -0.999) x = -1;
      const v = Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
      for (let ch = 0; ch < s.channels; ch++) pcm[i * s.channels + ch] = ch === 1 ? Math.max(-32767, Math.min(32767, -v)) : v;
    }
    writeSync(fd, new Uint8Array(pcm.buffer, 0, n * s.channels * 2));
  }
  closeSync(fd);
}

interface Timed {
  sec: number;
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
  status: number | null;
}

const hasGnuTime = existsSync('/usr/bin/time');

/** Run a command in a fresh process: wall time and peak RSS (GNU time's %e and %M). */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  if (!hasGnuTime) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env });
    return { sec: (performance.now() - t0) / 1000, peakRssMb: null, stdout: r.stdout, stderr: r.stderr, status: r.status };
  }
  const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env });
  const m = /@@time ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  return {
    sec: m ? Number(m[1]) : NaN,
    peakRssMb: m ? Number(m[2]) / 1024 : null,
    stdout: r.stdout,
    stderr: m ? r.stderr.slice(0, m.index) : r.stderr,
    status: r.status,
  };
}

/** How bin/apl.mjs's first line starts Node (the variables it drops, the flags it gives): the bench starts the CLI the same way. */
const LAUNCHER = launcherStart(readFileSync(fileURLToPath(new URL('../bin/apl.mjs', import.meta.url)), 'utf8').split('\n')[0]);

/**
 * The environment our CLI runs in: this one without what the launcher's first line drops
 * (NODE_EXTRA_CA_CERTS), as that line (and the start again under plain `node`) runs it. A
 * sandbox behind a TLS proxy sets it (this one does, to the system's 140-odd CAs), and Node then
 * parses every one of those certificates as it starts, before any code of ours: `node -e 0` took
 * 0.09–0.14 s here with it, 0.03–0.08 s without. The CLI makes no TLS connection. The bench
 * prints Node's bare start-up both ways (nodeStartup), so the difference stays visible.
 */
const CLI_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !LAUNCHER.unset.includes(name)));

/** Median wall time of `node -e 0` in `env`, s (Node's own start-up and exit, nothing of ours). */
function nodeStartup(env: NodeJS.ProcessEnv): number {
  const runs = Array.from({ length: 5 }, () => timed(process.execPath, ['-e', '0'], env).sec).sort((a, b) => a - b);
  return runs[2];
}

const have = (tool: string): boolean => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0 || spawnSync(tool, ['-version']).status === 0;

interface SoxStats {
  peakDb: number;
  rmsDb: number;
  dc: number;
  pkCount: string;
}

/** The Overall column of `sox stats` (the first column for mono). */
function parseSoxStats(text: string): SoxStats | null {
  const field = (name: string): string | null => {
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line ? line.slice(name.length).trim().split(/\s+/)[0] : null;
  };
  const peak = field('Pk lev dB');
  const rms = field('RMS lev dB');
  const dc = field('DC offset');
  const pk = field('Pk count');
  if (peak === null || rms === null || dc === null || pk === null) return null;
  return { peakDb: Number(peak), rmsDb: Number(rms), dc: Number(dc), pkCount: pk };
}

/** SoX prints counts to 3 significant figures ("6.79k"): does `n` print the same? */
function soxCountMatches(n: number, text: string): boolean {
  const m = /^([\d.]+)([kMG]?)$/.exec(text);
  if (!m) return false;
  const scale = { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2]] as number;
  const decimals = m[1].includes('.') ? m[1].split('.')[1].length : 0;
  return Math.abs(n / scale - Number(m[1])) <= 0.5 * 10 ** -decimals + 1e-9;
}

interface OurLevels {
  peakDbfs: number | null;
  rmsDbfs: number | null;
  dcOffset: number;
  clippedSamples: number;
  channels: number;
}

/** When the page's kernels were warm, per file, as printed ("never" where the warm-up did not end). */
function warmAt(measured: ReadonlyArray<{ kernelsWarmSec: number | null }>): string {
  return measured.map((m) => (m.kernelsWarmSec === null ? 'never' : m.kernelsWarmSec.toFixed(2))).join(' / ');
}

async function run(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const durationSec = quick ? 600 : 3600;
  const span = quick ? '10 min' : '1 h';
  const root = fileURLToPath(new URL('..', import.meta.url));
  // The CLI as a user runs it, without npm's start-up: its launcher (bundled once, then cached),
  // as its first line starts it (its Node flags, CLI_ENV), with this Node.
  const cli = join(root, 'bin/apl.mjs');
  const node = (...args: string[]): [string, string[]] => [process.execPath, [...LAUNCHER.nodeFlags, cli, ...args]];
  spawnSync(...node('--help')); // builds the bundle once, outside the timings
  const ffmpeg = have('ffmpeg');
  const sox = have('sox');
  const dirArg = process.argv.indexOf('--dir');
  const keep = dirArg > 0 ? process.argv[dirArg + 1] : undefined;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'apl-bench-'));
  const mono16: Source = { label: '16 kHz mono', sampleRateHz: 16000, channels: 1 };
  const stereo48: Source = { label: '48 kHz stereo', sampleRateHz: 48000, channels: 2 };
  const files: Array<{ label: string; path: string; wav: boolean; key: FileKey }> = [];
  try {
    for (const s of [mono16, stereo48]) {
      const path = join(dir, `${span.replace(' ', '')}-${s.sampleRateHz}-${s.channels}.wav`);
      if (!keep || !existsSync(path)) writeSpeechLikeWav(path, s, durationSec);
      files.push({ label: `${span} ${s.label} WAV`, path, wav: true, key: s.channels === 1 ? 'wav16' : 'wav48' });
    }
    if (ffmpeg) {
      const src = files[1].path;
      const mp3 = src.replace(/\.wav$/, '.mp3');
      const opus = src.replace(/\.wav$/, '.opus');
      if (!keep || !existsSync(mp3)) spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-c:a', 'libmp3lame', '-b:a', '128k', mp3]);
      if (!keep || !existsSync(opus)) spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-c:a', 'libopus', '-b:a', '64k', opus]);
      if (existsSync(mp3)) files.push({ label: `${span} 48 kHz stereo MP3 128k`, path: mp3, wav: false, key: 'mp3' });
      if (existsSync(opus)) files.push({ label: `${span} 48 kHz stereo Opus 64k`, path: opus, wav: false, key: 'opus' });
    } else console.log('ffmpeg not found: no MP3/Opus cases and no ffmpeg timings (apt-get install -y ffmpeg)');
    if (!sox) console.log('sox not found: no SoX timings or agreement (apt-get install -y sox)');
    // One untimed run of `analyze` after the build, as a CI job's earlier runs would have done:
    // it writes the bundle's code cache for the command (bin/load-bundle.cjs).
    const short = join(dir, 'code-cache-10s.wav');
    writeSpeechLikeWav(short, mono16, 10);
    spawnSync(...node('analyze', '--json', short), { env: CLI_ENV });
    rmSync(short, { force: true });

    const rows: string[][] = [['file', 'MB', 'ours', 'peak RSS', 'ours 1 thread', 'peak RSS', 'ffmpeg', 'sox', 'ffmpeg ÷ ours', 'agrees with SoX']];
    let agreementOk = true;
    // Issue 6's targets are for the 1 h files (--quick's 10 min files are not compared).
    const figures: BenchFigures = { cliSec: {}, ffmpegSec: {}, soxSec: {} };
    for (const f of files) {
      const mb = statSync(f.path).size / 1e6;
      // Each run starts with the file in the page cache (warmPageCache).
      const warmed = (run: () => Timed): Timed => {
        warmPageCache(f.path);
        return run();
      };
      const ours = warmed(() => timed(...node('analyze', '--json', f.path), CLI_ENV));
      if (ours.status !== 0) throw new Error(`our CLI failed on ${f.label}: ${ours.stderr}`);
      const one = warmed(() => timed(...node('analyze', '--json', '--threads', '1', f.path), CLI_ENV));
      const ff = ffmpeg ? warmed(() => timed('ffmpeg', ['-hide_banner', '-nostats', '-i', f.path, '-af', 'astats,silencedetect,ebur128', '-f', 'null', '-'])) : null;
      // SoX has no Opus reader in Debian's build, nor an MP3 one (it fails at once: no timing then).
      const soxRun = sox && !f.path.endsWith('.opus') ? warmed(() => timed('sox', [f.path, '-n', 'stats'])) : null;
      const sx = soxRun?.status === 0 ? soxRun : null;
      let agrees = '—';
      if (f.wav && soxRun && !sx) {
        agrees = `NO: sox failed (${soxRun.stderr.trim().split('\n')[0]})`;
        agreementOk = false;
      } else if (f.wav && sx) {
        const summary = JSON.parse(ours.stdout.trim().split('\n').pop() ?? '{}') as { levels: OurLevels & Record<string, unknown>; clipping: { clippedSamples: number }; source: { channels: number } };
        const o = summary.levels;
        const st = parseSoxStats(sx.stderr);
        if (!st) agrees = 'no sox stats';
        else {
          const fails: string[] = [];
          if (o.peakDbfs === null || Math.abs(o.peakDbfs - st.peakDb) > 0.01) fails.push(`peak ${o.peakDbfs} vs ${st.peakDb}`);
          if (o.rmsDbfs === null || Math.abs(o.rmsDbfs - st.rmsDb) > 0.01) fails.push(`RMS ${o.rmsDbfs} vs ${st.rmsDb}`);
          if (Math.abs(o.dcOffset - st.dc) > 1e-5) fails.push(`DC ${o.dcOffset} vs ${st.dc}`);
          // SoX's overall Pk count is the mean over channels; ours counts every channel's clipped samples.
          const clippedPerChannel = summary.clipping.clippedSamples / summary.source.channels;
          if (!soxCountMatches(clippedPerChannel, st.pkCount)) fails.push(`clipped ${clippedPerChannel} vs Pk count ${st.pkCount}`);
          agrees = fails.length === 0 ? `yes (clipped ${summary.clipping.clippedSamples})` : `NO: ${fails.join('; ')}`;
          if (fails.length > 0) agreementOk = false;
        }
      }
      figures.cliSec[f.key] = ours.sec;
      if (ff) figures.ffmpegSec[f.key] = ff.sec;
      if (sx && (f.key === 'wav16' || f.key === 'wav48')) figures.soxSec[f.key] = sx.sec;
      const s = (t: Timed | null): string => (t ? `${t.sec.toFixed(2)} s` : '—');
      const rss = (t: Timed | null): string => (t?.peakRssMb != null ? `${t.peakRssMb.toFixed(0)} MB` : '—');
      rows.push([
        f.label,
        mb.toFixed(0),
        s(ours),
        rss(ours),
        s(one),
        rss(one),
        s(ff),
        s(sx),
        ff ? `${(ff.sec / ours.sec).toFixed(2)}×` : '—',
        agrees,
      ]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(rows.map((r) => r.map((v, c) => (c === 0 || c === r.length - 1 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ')).join('\n'));
    console.log(
      `\nours = bin/apl.mjs analyze --json <file> as its first line runs it (${['node', ...LAUNCHER.nodeFlags].join(' ')}, no ${LAUNCHER.unset.join(', no ')}):` +
        `\nevery analysis; WAV cut into segments on ${availableParallelism()} threads (the CPUs` +
        `\navailable), compressed files decoded on one thread and analysed on another; "1 thread" adds --threads 1.` +
        `\nffmpeg = ffmpeg -af astats,silencedetect,ebur128 -f null -;` +
        `\nsox = sox <file> -n stats (—: this SoX cannot read the file). Every run starts with the file in the page cache (read once, untimed).` +
        `\nLoad average at the end: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs.`,
    );
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    console.log(
      `Node's own start-up (node -e 0, median of 5): ${nodeStartup(CLI_ENV).toFixed(2)} s` +
        (extraCa
          ? `; ${nodeStartup(process.env).toFixed(2)} s with this shell's NODE_EXTRA_CA_CERTS=${extraCa},` +
            `\nwhich bin/apl.mjs's first line drops (Node parses those certificates as it starts; the CLI makes no TLS connection).`
          : '.'),
    );
    if (!process.argv.includes('--no-page')) {
      console.log('\nthe page, headless Chromium (Debian /usr/bin/chromium), the same files:');
      const measured = await measurePage(
        files.map((f) => ({ path: f.path, compressed: f.wav ? null : { channels: 2, sampleRateHz: 48000 } })),
        { build: true },
      );
      const page: string[][] = [['file', 'full report', 'ffmpeg ÷ page', 'peak renderer', 'longest task analysing', 'longest task drawing', 'decodeAudioData', 'page ÷ decoder']];
      figures.page = {};
      files.forEach((f, i) => {
        const m = measured[i];
        figures.page![f.key] = m;
        const ff = figures.ffmpegSec[f.key] ?? null;
        page.push([
          f.label,
          `${m.reportSec.toFixed(2)} s`,
          ff !== null ? `${(ff / m.reportSec).toFixed(2)}×` : '—',
          `${m.peakRendererMb.toFixed(0)} MB`,
          `${m.longestAnalysingMs.toFixed(0)} ms`,
          `${m.longestDrawingMs.toFixed(0)} ms`,
          m.decodeAudioDataSec !== null ? `${m.decodeAudioDataSec.toFixed(2)} s` : '—',
          m.decodeAudioDataSec !== null ? `${(m.reportSec / m.decodeAudioDataSec).toFixed(2)}×` : '—',
        ]);
      });
      const w = page[0].map((_, c) => Math.max(...page.map((r) => r[c].length)));
      console.log(page.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  ')).join('\n'));
      console.log(
        '\nfull report = from choosing the file to the report on the page (page clock); peak renderer = largest resident set of a' +
          '\nrenderer process (page and workers) until the report is drawn; tasks = longest main-thread task (PerformanceObserver);' +
          "\ndecodeAudioData = Chromium's own decoder on the same bytes, alone (`--no-page` skips the page)." +
          `\nEach file is chosen ≥ 2 s after the page loads and after its kernels' warm-up is done (done ${warmAt(measured)} s after load).`,
      );
    }
    if (!quick) console.log(formatTargets(figures));
    if (!agreementOk) process.exitCode = 1;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await run();
