/**
 * The page measured in headless Chromium (Debian's /usr/bin/chromium, as in the e2e tests), for
 * npm run bench and npm run bench:page: per file, opened through the page's file input,
 *   - time to the full report (page clock: from the input's change event to the report's DOM),
 *     and the worker's own "analysed in" figure;
 *   - the longest main-thread task while analysing and while drawing the report
 *     (PerformanceObserver 'longtask', installed before the page's scripts);
 *   - peak renderer memory: the largest resident set of a Chromium renderer process (the page and
 *     its workers share one), sampled from /proc every 50 ms until the report is drawn;
 *   - for compressed files, Chromium's own decodeAudioData of the same bytes in a blank page (the
 *     floor issue 6 compares with: decoding only, everything in memory at once).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildPage, launchChromium, servePage } from '../tests/e2e/harness';
import { WARM_MARK } from '../workers/marks';

export interface PageMeasurement {
  reportSec: number;
  workerSec: number;
  longestAnalysingMs: number;
  longAnalysingTasks: number;
  longestDrawingMs: number;
  peakRendererMb: number;
  /** Chromium's decodeAudioData alone, compressed files only. */
  decodeAudioDataSec: number | null;
  /** When the kernels' warm-up had handed its module to the pool, s after the page's navigation (null: it never did). */
  kernelsWarmSec: number | null;
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
async function pollFor(page: Page, expression: string, timeoutMs: number): Promise<number> {
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

/**
 * How long the page settles after load before the file is opened, as a user's would: its
 * workers start with it (~0.5 s here for the pool of two; opened 0.5 s after load, the report
 * came 0.15–0.25 s later), the kernels' warm-up worker is done ~1.7–1.9 s after load
 * (workers/warm-up.ts), and a fresh headless Chromium's preloaded WebUI renderer has stopped
 * (~1.2 CPU-s in its first two seconds). page-profile.ts waits as long.
 */
export const SETTLE_MS = 2000;

/**
 * The page's mark once its kernels' warm-up is done (WARM_MARK). A file is opened only after
 * it as well as after SETTLE_MS: on a slow day the warm-up (~0.5 s of one core here) can end
 * later than 2 s after load, and a file opened before then is analysed by workers that compile
 * their own kernels beside the warm-up still running. A user choosing a file through the file
 * dialog takes longer than either.
 */
const WARM_WAIT_MS = 20_000;

/** The mark's time (s after navigation), once made; null if not within WARM_WAIT_MS. */
export async function waitForWarmKernels(page: Page): Promise<number | null> {
  try {
    return (await pollFor(page, `performance.getEntriesByName(${JSON.stringify(WARM_MARK)})[0]?.startTime`, WARM_WAIT_MS)) / 1000;
  } catch {
    return null;
  }
}

interface LongTask {
  start: number;
  duration: number;
}

/**
 * Read `path` once, untimed, so a timed run finds it in the page cache, as every run before it
 * did: this VM gives back cold page-cache pages (497 of the 659 MB of the 48 kHz bench file were
 * still cached after a minute of other runs), and whichever tool read the file first after that
 * paid for the disk.
 */
export function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(8 << 20);
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

async function measureOne(browser: Browser, url: string, file: string, compressed: { channels: number; sampleRateHz: number } | null): Promise<PageMeasurement> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(INIT);
  // Before the page loads, so the bench's own reading does not compete with the page's start-up
  // (reading the 3-hour file beside it put the warm-up's end at 3.4–5.2 s after load, not ~0.8 s).
  warmPageCache(file);
  await page.goto(url);
  await page.waitForTimeout(SETTLE_MS);
  const kernelsWarmSec = await waitForWarmKernels(page);
  let peak = rendererRssMb();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rendererRssMb());
  }, 50);
  try {
    await page.getByLabel(/audio file/i).setInputFiles(file);
    const reportAt = await pollFor(page, 'window.__reportAt', 1_200_000);
    await page.locator('.player[data-ready="true"]').waitFor({ timeout: 300_000 });
    await page.waitForTimeout(2000);
    const drawnAt = (await page.evaluate('performance.now()')) as number;
    const openedAt = (await page.evaluate('window.__openedAt')) as number;
    const tasks = (await page.evaluate('window.__longTasks')) as LongTask[];
    const analysing = tasks.filter((t) => t.start >= openedAt && t.start < reportAt);
    const drawing = tasks.filter((t) => t.start >= reportAt && t.start < drawnAt);
    const longest = (list: LongTask[]): number => list.reduce((m, t) => Math.max(m, t.duration), 0);
    const sub = await page.locator('.report-sub').innerText();
    const worker = /analysed in ([\d.]+) s/.exec(sub);
    // The page's peak ends here: the decoder comparison below holds the whole file decoded (GBs).
    clearInterval(sampler);
    const peakRendererMb = Math.max(peak, rendererRssMb());
    await page.close();
    let decodeAudioDataSec: number | null = null;
    if (compressed) {
      const blank = await browser.newPage();
      await blank.setContent('<input type="file">');
      await blank.locator('input').setInputFiles(file);
      decodeAudioDataSec =
        ((await blank.evaluate(`(async () => {
          const f = document.querySelector('input').files[0];
          const t0 = performance.now();
          const bytes = await f.arrayBuffer();
          await new OfflineAudioContext(${compressed.channels}, 1, ${compressed.sampleRateHz}).decodeAudioData(bytes);
          return performance.now() - t0;
        })()`)) as number) / 1000;
      await blank.close();
    }
    return {
      reportSec: (reportAt - openedAt) / 1000,
      workerSec: worker ? Number(worker[1]) : NaN,
      longestAnalysingMs: longest(analysing),
      longAnalysingTasks: analysing.length,
      longestDrawingMs: longest(drawing),
      peakRendererMb,
      decodeAudioDataSec,
      kernelsWarmSec,
    };
  } finally {
    clearInterval(sampler);
    if (!page.isClosed()) await page.close();
  }
}

/** Build the page once, serve it, and measure each file in a browser of its own (no memory carried over). */
export async function measurePage(
  files: Array<{ path: string; compressed: { channels: number; sampleRateHz: number } | null }>,
  options: { build: boolean },
): Promise<PageMeasurement[]> {
  if (options.build) await buildPage();
  const served = await servePage();
  try {
    const out: PageMeasurement[] = [];
    for (const f of files) {
      const browser = await launchChromium();
      try {
        out.push(await measureOne(browser, served.url, f.path, f.compressed));
      } finally {
        await browser.close();
      }
    }
    return out;
  } finally {
    await served.close();
  }
}
