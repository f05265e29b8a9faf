/**
 * Page benchmark (`npm run bench:page`): a 10-minute 48 kHz stereo WAV, opened through the built
 * page in headless Chromium. Prints the time to the first report and the longest main-thread task
 * (PerformanceObserver 'longtask', installed before the page loads) while analysing and while
 * drawing the report. Options: --minutes N, --format wav|flac|mp3|opus (compressed formats are
 * made with ffmpeg and decoded by the page's decodeAudioData), --no-build, --keep.
 * For compressed formats it also times Chromium's own decodeAudioData on the same file (the floor).
 * Peak renderer memory: the largest resident set of a Chromium renderer process (the page and its
 * workers share one), sampled from /proc every 50 ms.
 */
import { wavHeader } from '../src/core/format/wav-encode';
import { execFileSync } from 'node:child_process';
import { openSync, writeSync, closeSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPage, launchChromium, servePage } from '../tests/e2e/harness';

const args = process.argv.slice(2);
const minutesArg = args.indexOf('--minutes');
const minutes = minutesArg >= 0 ? Number(args[minutesArg + 1]) : 10;
const sampleRateHz = 48_000;
const channels = 2;
const formatArg = args.indexOf('--format');
const format = formatArg >= 0 ? args[formatArg + 1] : 'wav';
const FFMPEG_ARGS: Record<string, string[]> = {
  flac: ['-c:a', 'flac'],
  mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
  opus: ['-c:a', 'libopus', '-b:a', '64k'],
};
if (format !== 'wav' && !FFMPEG_ARGS[format]) throw new Error(`unknown --format ${format}`);

/** Speech-like bursts over a light noise floor, written in blocks so memory stays small. */
function writeWav(path: string): number {
  const frames = Math.round(minutes * 60 * sampleRateHz);
  const dataBytes = frames * channels * 2;
  const header = wavHeader('pcm16', channels, sampleRateHz, frames);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
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
  return 44 + dataBytes;
}

const INIT = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') window.__openedAt = performance.now();
  }, true);
  new MutationObserver(() => {
    if (window.__reportAt === undefined && document.querySelector('[data-testid="report"]')) window.__reportAt = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

/** Poll a page expression (evaluated over CDP, which the page's CSP does not restrict). */
async function pollFor(page: import('playwright-core').Page, expression: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = (await page.evaluate(expression)) as number | undefined;
    if (typeof v === 'number') return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${expression}`);
}

/** Largest VmRSS (MB) among Chromium renderer processes right now (Linux /proc). */
function rendererRssMb(): number {
  let max = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) max = Math.max(max, Number(m[1]) / 1024);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return max;
}

interface LongTask {
  start: number;
  duration: number;
}

const dir = mkdtempSync(join(tmpdir(), 'apl-bench-'));
const wav = join(dir, `bench-${minutes}min-48k-stereo.wav`);
console.log(`generating ${minutes} min of 48 kHz stereo 16-bit WAV…`);
let bytes = writeWav(wav);
let file = wav;
if (format !== 'wav') {
  file = join(dir, `bench-${minutes}min-48k-stereo.${format === 'opus' ? 'ogg' : format}`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', wav, ...FFMPEG_ARGS[format], file]);
  bytes = statSync(file).size;
}
console.log(`  ${(bytes / 1024 / 1024).toFixed(1)} MiB at ${file}`);
if (!args.includes('--no-build')) {
  console.log('building the page…');
  await buildPage();
}
const served = await servePage();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(INIT);
  await page.goto(served.url);
  let peakRssMb = rendererRssMb();
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rendererRssMb());
  }, 50);
  const wallStart = Date.now();
  await page.getByLabel(/audio file/i).setInputFiles(file);
  const reportAt = await pollFor(page, 'window.__reportAt', 600_000);
  const wallMs = Date.now() - wallStart;
  await page.locator('.player[data-ready="true"]').waitFor({ timeout: 120_000 });
  await page.waitForTimeout(2000);
  clearInterval(sampler);
  const drawnAt = (await page.evaluate('performance.now()')) as number;
  const openedAt = (await page.evaluate('window.__openedAt')) as number;
  const tasks = (await page.evaluate('window.__longTasks')) as LongTask[];
  const analysing = tasks.filter((t) => t.start >= openedAt && t.start < reportAt);
  const drawing = tasks.filter((t) => t.start >= reportAt && t.start < drawnAt);
  const longest = (list: LongTask[]): number => list.reduce((m, t) => Math.max(m, t.duration), 0);
  const elapsedText = await page.locator('.report-sub').innerText();
  console.log('');
  console.log(`file:                         ${minutes} min, 48 kHz, 2 ch, ${format.toUpperCase()} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
  console.log(`time to first report:         ${((reportAt - openedAt) / 1000).toFixed(2)} s (page clock; wall ${(wallMs / 1000).toFixed(2)} s)`);
  console.log(`worker analysis (report):     ${elapsedText.replace(/.*analysed in /, '')}`);
  console.log(`longest main-thread task while analysing: ${longest(analysing).toFixed(0)} ms (${analysing.length} tasks > 50 ms)`);
  console.log(`longest main-thread task while drawing:   ${longest(drawing).toFixed(0)} ms (${drawing.length} tasks > 50 ms)`);
  console.log(`peak renderer memory:         ${peakRssMb.toFixed(0)} MB (resident, page + workers)`);
  console.log(`real-time factor:             ${((minutes * 60) / ((reportAt - openedAt) / 1000)).toFixed(0)}×`);
  await page.close();
  if (format !== 'wav') {
    // The floor for compressed files: Chromium's own decoder on the same bytes, in a blank page
    // (decodeAudioData at the file's rate, everything in memory at once, nothing else done).
    const blank = await browser.newPage();
    await blank.setContent('<input type="file">');
    await blank.locator('input').setInputFiles(file);
    const decodeMs = (await blank.evaluate(`(async () => {
      const f = document.querySelector('input').files[0];
      const t0 = performance.now();
      const bytes = await f.arrayBuffer();
      await new OfflineAudioContext(${channels}, 1, ${sampleRateHz}).decodeAudioData(bytes);
      return performance.now() - t0;
    })()`)) as number;
    const oursMs = reportAt - openedAt;
    console.log(`browser decodeAudioData alone: ${(decodeMs / 1000).toFixed(2)} s → ours / decoder = ${(oursMs / decodeMs).toFixed(2)}× (issue 6 asks ≤ 1.5×)`);
    await blank.close();
  }
} finally {
  await browser.close();
  await served.close();
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
