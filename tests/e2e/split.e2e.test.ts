/**
 * A long WAV split across the page's worker pool (src/client/analysis-client.ts): the exported
 * summary equals the CLI's single pass (`--threads 1`), the segments really ran on several
 * workers, a worker held up gives the rest of its segment to the others, and Cancel terminates
 * every worker of the job. The page is told it has 4 cores, so
 * the pool (and the split) is the same on any machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { PAGE_SEGMENTS_PER_WORKER, planSegments } from '../../src/core/analyze';
import { READING_SEGMENT_MARK, WARM_MARK } from '../../workers/marks';
import { holdWorker, launchChromium, ROOT, wavBytes } from './harness';

const run = promisify(execFile);
const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
const CORES = 4;

let browser: Browser;
let context: BrowserContext;
let dir: string;
const requests: string[] = [];

/** Speech-like bursts in light noise, stereo (right 6 dB down), with a clipped stretch and a dropout. */
function longSpeechLike(sr: number, seconds: number): Float32Array[] {
  const n = Math.round(seconds * sr);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  let seed = 4321;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const phase = t % 1.7;
    const env = phase < 1.1 ? Math.sin((Math.PI * phase) / 1.1) : 0;
    const gain = t > 61 && t < 62 ? 4 : 1; // clipped for a second
    const v = gain * env * (0.3 * Math.sin(2 * Math.PI * 150 * t) + 0.15 * Math.sin(2 * Math.PI * 700 * t) + 0.08 * Math.sin(2 * Math.PI * 2200 * t));
    const dropout = t >= 95 && t < 95.05;
    const bg = 0.002 * noise();
    left[i] = dropout ? 0 : Math.max(-1, Math.min(1, v + bg));
    right[i] = dropout ? 0 : Math.max(-1, Math.min(1, 0.5 * v + bg));
  }
  return [left, right];
}

async function newPage(cores = CORES): Promise<{ page: Page; workers: Worker[]; closed: Worker[]; peak: { alive: number } }> {
  const page = await context.newPage();
  const workers: Worker[] = [];
  const closed: Worker[] = [];
  const peak = { alive: 0 };
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  page.on('worker', (w) => {
    workers.push(w);
    peak.alive = Math.max(peak.alive, workers.length - closed.length);
    w.on('close', () => closed.push(w));
  });
  await page.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${cores} });`);
  await page.goto(baseUrl);
  // The kernels' warm-up worker (workers/warm-up.ts) hands its module to the pool and goes; the
  // tests count the pool's workers only.
  await expect.poll(() => closed.length, { timeout: 20_000 }).toBe(1);
  workers.splice(workers.indexOf(closed[0]), 1);
  closed.length = 0;
  peak.alive = workers.length;
  return { page, workers, closed, peak };
}

/**
 * The user-timing measures every worker leaves (workers/segments.ts: `segment …` per segment;
 * `prepare merge`, `merge`, `display merge`, `relay: …`), from a Chromium trace of the browser while the job runs,
 * so a worker stopped right after its work (the display's helper is) is counted too. `stop()`
 * gives, for a name prefix, the count per thread (the threads in one order for every prefix).
 */
async function traceMeasures(): Promise<{ stop(): Promise<(prefix: string) => number[]> }> {
  const cdp = await browser.newBrowserCDPSession();
  const events: Array<{ cat: string; ph: string; name: string; pid: number; tid: number }> = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as typeof events)));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['blink.user_timing'] }, transferMode: 'ReportEvents' } as never);
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      const begins = events.filter((e) => e.cat === 'blink.user_timing' && (e.ph === 'b' || e.ph === 'X'));
      const threads = [...new Set(begins.map((e) => `${e.pid}:${e.tid}`))].sort();
      return (prefix) => threads.map((t) => begins.filter((e) => `${e.pid}:${e.tid}` === t && e.name.startsWith(prefix)).length);
    },
  };
}

async function cliSummary(file: string, flags: string[]): Promise<unknown> {
  const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/cli/main.ts'), 'analyze', file, '--json', ...flags], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n')[0]) as unknown;
}

function withoutGenerator(doc: unknown): unknown {
  const { generator: _generator, ...rest } = doc as Record<string, unknown>;
  return rest;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apl-e2e-split-'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a long WAV split across workers', () => {
  it('gives the summary of the CLI single pass, from segments on several workers', async () => {
    const file = join(dir, 'three-minutes-44k.wav');
    writeFileSync(file, wavBytes(44100, longSpeechLike(44100, 180)));
    const { page, workers } = await newPage();
    // Every worker of the pool took the kernels the warm-up worker compiled (workers/warm-up.ts).
    expect(workers.length).toBe(CORES);
    await expect.poll(() => Promise.all(workers.map((w) => w.evaluate(() => performance.getEntriesByName('kernels: shared').length)))).toEqual(workers.map(() => 1));
    // And the page marked it (what npm run bench waits for before it opens a file).
    expect(await page.evaluate((name) => performance.getEntriesByName(name).length, WARM_MARK)).toBe(1);
    const trace = await traceMeasures();
    await page.getByLabel(/audio file/i).setInputFiles(file);
    // Progress counts audio across all segments.
    const detail = page.getByTestId('file-item').getByTestId('progress-detail');
    await expect.poll(async () => (await detail.allInnerTexts()).join(''), { timeout: 30_000 }).toMatch(/of 3:00 audio/);
    await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
    const measures = await trace.stop();
    const perWorker = measures('segment');
    // 180 s in segments of at least 30 s on the 8.8 s grid of 44.1 kHz, spread over the 4 workers.
    const count = planSegments(44100, 180 * 44100, PAGE_SEGMENTS_PER_WORKER * CORES).length;
    expect(count).toBe(Math.min(5, PAGE_SEGMENTS_PER_WORKER * CORES));
    // (More when a worker that ran out took the rest of another's: work stealing.)
    expect(perWorker.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(count);
    expect(perWorker.filter((k) => k > 0).length).toBeGreaterThan(1);
    // The analysis and the display were merged at the same time, on two workers.
    const merged = measures('merge');
    const displayMerged = measures('display merge');
    expect(merged.reduce((a, b) => a + b, 0)).toBe(1);
    expect(displayMerged.reduce((a, b) => a + b, 0)).toBe(1);
    expect(merged.indexOf(1)).not.toBe(displayMerged.indexOf(1));
    // The merge's memory was made beforehand, once, by the worker that then merged (the first
    // to find nothing left to take while others still ran theirs: prepareMerge), or not at all
    // when every segment had ended by the time one found that (asking a running segment for its
    // rest takes a round trip).
    const prepared = measures('prepare merge');
    expect([merged, merged.map(() => 0)]).toContainEqual(prepared);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export summary' }).click()]);
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8')) as unknown;
    const cli = await cliSummary(file, ['--threads', '1']);
    expect(withoutGenerator(doc)).toEqual(withoutGenerator(cli));
    await page.close();
  });

  it('a worker held up gives the rest of its segment to another (work stealing); the summary is still the single pass', async () => {
    const file = join(dir, 'thirty-minutes-16k.wav');
    writeFileSync(file, wavBytes(16000, [longSpeechLike(16000, 1800)[0]]));
    // Two workers, each with 15 minutes: the rest given away is long enough to be worth a
    // segment however fast the machine (~0.14 s of a worker here, at the fastest rates seen).
    const { page, workers } = await newPage(2);
    const planned = planSegments(16000, 1800 * 16000, PAGE_SEGMENTS_PER_WORKER * 2).length;
    expect(planned).toBe(2);
    const trace = await traceMeasures();
    await page.getByLabel(/audio file/i).setInputFiles(file);
    // The first worker seen reading its segment (its `reading segment` mark) is held up for 3 s
    // there, as a worker the machine does not run for a while: the other finishes its own
    // segment long before, and asks it for the rest of its. (Holding a worker before the file was
    // chosen left it to chance which one: when it was the one that reads the header, both
    // segments started after the hold, ended together, and nothing was worth stealing.)
    const reading = (w: Worker): Promise<boolean> =>
      w.evaluate((prefix) => performance.getEntriesByType('mark').some((m) => m.name.startsWith(prefix)), READING_SEGMENT_MARK);
    let victim: Worker | undefined;
    await expect
      .poll(async () => {
        for (const w of workers) if (!victim && (await reading(w))) victim = w;
        return victim !== undefined;
      }, { interval: 5, timeout: 30_000 })
      .toBe(true);
    const held = holdWorker(victim!, 3000);
    await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
    await held;
    const perWorker = (await trace.stop())('segment');
    // The planned segments and at least one rest given away, run by a worker that had run one already.
    expect(perWorker.reduce((a, b) => a + b, 0)).toBeGreaterThan(planned);
    expect(Math.max(...perWorker)).toBeGreaterThan(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export summary' }).click()]);
    const doc = JSON.parse(readFileSync(await download.path(), 'utf8')) as unknown;
    expect(withoutGenerator(doc)).toEqual(withoutGenerator(await cliSummary(file, ['--threads', '1'])));
    await page.close();
  });

  it('Cancel terminates every worker of the job, and the next file still runs', async () => {
    const file = join(dir, 'an-hour-16k.wav');
    // (what it holds does not matter here: 10 s of speech-like audio repeated, cheap to make)
    const piece = longSpeechLike(16000, 10)[0];
    const hour = new Float32Array(3600 * 16000);
    for (let at = 0; at < hour.length; at += piece.length) hour.set(piece.subarray(0, hour.length - at), at);
    writeFileSync(file, wavBytes(16000, [hour]));
    const { page, workers, closed } = await newPage();
    await page.getByLabel(/audio file/i).setInputFiles(file);
    const item = page.getByTestId('file-item');
    await expect.poll(async () => (await item.getByTestId('progress-detail').allInnerTexts()).join(''), { timeout: 30_000 }).toMatch(/of 1:00:00 audio/);
    // The pool is full: the job holds every worker.
    await expect.poll(() => workers.length - closed.length, { timeout: 10_000 }).toBe(CORES);
    const before = workers.length;
    // Held in a busy loop for 2 s from here (as a machine that stops running them), so the
    // analysis cannot end before the click (an hour of 16 kHz takes the page about a second here;
    // a file that ended first would leave no Cancel to click, as the page test's 3-minute file
    // once did). A worker held through DevTools closes only when the loop ends, so the hold is
    // short.
    const held = workers.filter((w) => !closed.includes(w)).map((w) => holdWorker(w, 2_000).catch(() => undefined));
    await item.getByRole('button', { name: /^Cancel/ }).click();
    await expect.poll(() => item.getAttribute('data-status')).toBe('cancelled');
    // Every worker alive at the cancel goes, and the pool never holds more than its size. Those
    // on the job go at once; in about one run in four here one or two go ~1 s later and are
    // replaced as they go (a worker renewed at the end of its idle second), so the count of
    // workers started is not fixed.
    const atCancel = workers.slice(0, before);
    await expect.poll(() => atCancel.filter((w) => closed.includes(w)).length, { timeout: 10_000 }).toBe(CORES);
    expect(workers.length - closed.length).toBeLessThanOrEqual(CORES);
    // A short file afterwards gets a fresh worker and its report.
    await page.getByLabel('Sample recordings').selectOption('speech/asterisk/vm-leavemsg.wav');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.close();
    await Promise.all(held);
  });

  it('shares the pool: two long files and a short one opened together all finish', async () => {
    const a = join(dir, 'two-minutes-16k.wav');
    const b = join(dir, 'three-minutes-8k.wav');
    writeFileSync(a, wavBytes(16000, [longSpeechLike(16000, 120)[0]]));
    writeFileSync(b, wavBytes(8000, longSpeechLike(8000, 180)));
    const short = join(ROOT, 'fixtures/speech/asterisk/vm-leavemsg.wav');
    const { page, peak } = await newPage();
    const trace = await traceMeasures();
    await page.getByLabel(/audio file/i).setInputFiles([a, b, short]);
    const items = page.getByTestId('file-item');
    await expect.poll(() => items.count()).toBe(3);
    await expect
      .poll(async () => Promise.all([0, 1, 2].map((i) => items.nth(i).getAttribute('data-status'))), { timeout: 60_000 })
      .toEqual(['done', 'done', 'done']);
    // Never more workers alive than the pool holds.
    expect(peak.alive).toBeLessThanOrEqual(CORES);
    const perWorker = (await trace.stop())('segment');
    expect(perWorker.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(
      planSegments(16000, 120 * 16000, PAGE_SEGMENTS_PER_WORKER * CORES).length + planSegments(8000, 180 * 8000, PAGE_SEGMENTS_PER_WORKER * CORES).length,
    );
    await page.close();
  });

  it('sent no request outside the origin', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
  });
});

describe("the analysis worker's script, as built", () => {
  it('asks V8 to compile it whole as the worker starts, and leaves the compressed-format readers to their own chunks', () => {
    // The page these tests drive was built by global-setup.ts into dist/.
    const assets = join(ROOT, 'dist/assets');
    const name = readdirSync(assets).find((f) => /^analysis\.worker-.*\.js$/.test(f));
    expect(name).toBeDefined();
    const script = readFileSync(join(assets, name!), 'utf8');
    expect(script.split('\n')[0]).toBe('//# allFunctionsCalledOnLoad');
    // mediabunny's Matroska reader and the MP3 decoder's glue are not in it (the compressed
    // file below is read through them, imported when it needs them).
    expect(script).not.toMatch(/matroska|mpg123/i);
    expect(script.length).toBeLessThan(600_000);
    const others = readdirSync(assets).filter((f) => f.endsWith('.js') && f !== name).map((f) => readFileSync(join(assets, f), 'utf8'));
    expect(others.some((o) => /mpg123/.test(o))).toBe(true);
    expect(others.filter((o) => o.startsWith('//# allFunctionsCalledOnLoad'))).toEqual([]);
  });

  it("is the production build the page ships, whatever NODE_ENV the test runner set (React's production runtime)", () => {
    const assets = join(ROOT, 'dist/assets');
    const page = readdirSync(assets).find((f) => /^index-.*\.js$/.test(f));
    expect(page).toBeDefined();
    const script = readFileSync(join(assets, page!), 'utf8');
    // The development runtime's JSX entry and its performance-track labels are not in it.
    expect(script).not.toMatch(/jsxDEV|Cascading Update/);
  });
});

describe('a long compressed file on two workers', () => {
  it('decodes in one worker, analyses in another, and gives the CLI summary — a stream that turns to garbage too', async () => {
    const wav = join(dir, 'hundred-seconds.wav');
    writeFileSync(wav, wavBytes(44100, longSpeechLike(44100, 100)));
    const made = [
      { name: 'long.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '128k'] },
      { name: 'long.opus', args: ['-c:a', 'libopus', '-b:a', '64k', '-f', 'ogg'] },
    ];
    for (const m of made) await run('ffmpeg', ['-loglevel', 'error', '-y', '-i', wav, ...m.args, join(dir, m.name)]);
    // The MP3 with its second half overwritten by noise: decoding stops there, with a warning.
    const mp3 = readFileSync(join(dir, 'long.mp3'));
    let seed = 99;
    for (let i = mp3.length >> 1; i < mp3.length; i++) mp3[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    writeFileSync(join(dir, 'broken.mp3'), mp3);
    made.push({ name: 'broken.mp3', args: [] });

    for (const m of made) {
      const { page } = await newPage();
      const trace = await traceMeasures();
      await page.getByLabel(/audio file/i).setInputFiles(join(dir, m.name));
      await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 90_000 });
      const measures = await trace.stop();
      const [d, a] = [measures('relay: decoding'), measures('relay: analysis')];
      const decoder = d.findIndex((k) => k > 0);
      const analyser = a.findIndex((k) => k > 0);
      expect([decoder >= 0, analyser >= 0, decoder !== analyser]).toEqual([true, true, true]);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export summary' }).click()]);
      const doc = JSON.parse(readFileSync(await download.path(), 'utf8')) as { warnings: string[]; vad: { lastSpeechEndSec: number | null } };
      expect(withoutGenerator(doc)).toEqual(withoutGenerator(await cliSummary(join(dir, m.name), [])));
      // Speech to the end (bursts every 1.7 s), or to where the garbage starts.
      const lastSpeech = doc.vad.lastSpeechEndSec ?? 0;
      if (m.name === 'broken.mp3') {
        expect(doc.warnings.join(' ')).toMatch(/Decoding stopped at/);
        expect(lastSpeech).toBeLessThan(55);
      } else expect(lastSpeech).toBeGreaterThan(97);
      await page.close();
    }
  });
});
