/**
 * VAD engines on the page, in real Chromium: WebRTC and Silero run in the engines worker on a
 * shipped recording and their lanes appear under the waveform with the same segments the Node
 * engines (src/node/vad-engines.ts, the same core code) give for the same file — within a hop or
 * two; the lanes follow the waveform's zoom; the wasm binaries and the model come from the app's
 * own origin, and no request leaves it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeWavBytes } from '../../src/core/format/wav';
import { loadNodeEngines } from '../../src/node/vad-engines';
import type { VadEngine, VadEngineId } from '../../src/core/vad-engines/types';
import type { TimeRange } from '../../src/core/types';
import { analyzePcm } from '../../src/core/analyze';
import { launchChromium, ROOT } from './harness';

const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
let browser: Browser;
let context: BrowserContext;
let engines: Record<VadEngineId, VadEngine>;
const requests: Array<{ url: string; method: string }> = [];
const errors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1360, height: 1100 } });
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
  const list = await loadNodeEngines();
  engines = Object.fromEntries(list.map((e) => [e.id, e])) as Record<VadEngineId, VadEngine>;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function openFixture(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Long tasks on the main thread while the engines run (they run in a worker).
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.goto(baseUrl);
  await page.getByLabel('Sample recordings').selectOption(path);
  await page.getByRole('button', { name: 'Load sample' }).click();
  await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
  return page;
}

async function lane(page: Page, id: string): Promise<{ label: string; segments: TimeRange[] }> {
  const row = page.locator(`[data-testid="engine-rows"] [data-engine="${id}"]`);
  const raw = (await row.getAttribute('data-segments')) ?? 'null';
  const pairs = JSON.parse(raw) as Array<[number, number]>;
  return { label: (await row.getAttribute('aria-label')) ?? '', segments: pairs.map(([startSec, endSec]) => ({ startSec, endSec })) };
}

function expectSameSegments(page: readonly TimeRange[], node: readonly TimeRange[], toleranceSec: number, endToleranceSec = toleranceSec): void {
  expect(page.length).toBe(node.length);
  page.forEach((s, i) => {
    expect(Math.abs(s.startSec - node[i].startSec)).toBeLessThanOrEqual(toleranceSec);
    expect(Math.abs(s.endSec - node[i].endSec)).toBeLessThanOrEqual(endToleranceSec);
  });
}

describe.each([
  // 16 kHz audiobook: both engines at their own rate.
  'speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav',
  // 8 kHz telephony: WebRTC at 8 kHz, Silero through the resampler.
  'speech/asterisk/please-try-call-later.wav',
])('VAD engine lanes for %s', (fixture) => {
  it('shows built-in, WebRTC and Silero lanes with the Node engines’ segments', async () => {
    const page = await openFixture(fixture);
    const rows = page.getByTestId('engine-rows');
    expect(await rows.locator('[data-engine="builtin"]').getAttribute('data-status')).toBe('done');
    expect(await rows.locator('[data-engine="silero"]').getAttribute('data-status')).toBe('idle');
    // Long tasks from here on: the engines run in their worker, the page only draws the lanes.
    await page.evaluate('window.__longTasks.length = 0');
    await page.getByRole('button', { name: 'Run WebRTC and Silero' }).click();
    await rows.locator('[data-engine="silero"][data-status="done"]').waitFor({ timeout: 90_000 });
    await rows.locator('[data-engine="webrtc"][data-status="done"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);

    const bytes = new Uint8Array(readFileSync(join(ROOT, 'fixtures', fixture)));
    const { sampleRateHz, channels } = decodeWavBytes(bytes);
    const audio = { sampleRateHz, channels };
    const node = {
      builtin: analyzePcm(audio).vad.segments,
      webrtc: (await engines.webrtc.run(audio)).segments,
      silero: (await engines.silero.run(audio)).segments,
    };
    // The page rounds times to 1 ms; "a hop or two" of each engine.
    expectSameSegments((await lane(page, 'builtin')).segments, node.builtin, 0.011);
    expectSameSegments((await lane(page, 'webrtc')).segments, node.webrtc, 0.021);
    expectSameSegments((await lane(page, 'silero')).segments, node.silero, 0.065);
    expect(node.silero.length).toBeGreaterThan(0);

    // The text summary says what the lane shows.
    const silero = await lane(page, 'silero');
    expect(silero.label).toMatch(/^Silero \(Silero VAD v5, p ≥ 0\.5\): speech \d+\.\d %, first onset \d+\.\d\d s, \d+ segments?/);
    expect(silero.label).toContain(`${node.silero.length} segment`);
    expect(await rows.locator('[data-engine="disagree"]').count()).toBe(1);
    expect(await rows.getByText('where the engines disagree').count()).toBe(1);

    const longTasks = (await page.evaluate('window.__longTasks')) as number[];
    expect(Math.max(0, ...longTasks), `main-thread long tasks: ${longTasks.join(', ')}`).toBeLessThan(200);
    await page.close();
  });
});

describe('compressed files', () => {
  it('decodes FLAC and Opus in the engines worker (WebCodecs) and gives the WAV’s segments', async () => {
    const fixture = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0920.wav';
    const dir = mkdtempSync(join(tmpdir(), 'apl-engines-'));
    try {
      const made = [
        // Lossless: the same samples (to Chromium's 1/32767 scaling), so the same segments.
        { name: 'speech.flac', args: [] as string[], startSec: { webrtc: 0.021, silero: 0.065 }, endSec: { webrtc: 0.021, silero: 0.065 } },
        // Opus decodes at 48 kHz: WebRTC runs at 48 kHz, Silero through the resampler. Onsets
        // check the time axis (encoder delay trimmed); lossy coding of the last word's decay moves
        // Silero's end by up to ~0.2 s.
        { name: 'speech.webm', args: ['-c:a', 'libopus', '-b:a', '48k'], startSec: { webrtc: 0.03, silero: 0.065 }, endSec: { webrtc: 0.06, silero: 0.25 } },
      ];
      for (const m of made) execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', join(ROOT, 'fixtures', fixture), ...m.args, join(dir, m.name)]);
      const { sampleRateHz, channels } = decodeWavBytes(new Uint8Array(readFileSync(join(ROOT, 'fixtures', fixture))));
      const audio = { sampleRateHz, channels };
      const node = { webrtc: (await engines.webrtc.run(audio)).segments, silero: (await engines.silero.run(audio)).segments };
      for (const m of made) {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(baseUrl);
        await page.getByLabel(/audio file/i).setInputFiles(join(dir, m.name));
        await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
        await page.getByRole('button', { name: 'Run WebRTC and Silero' }).click();
        const rows = page.getByTestId('engine-rows');
        await rows.locator('[data-engine="silero"][data-status="done"]').waitFor({ timeout: 90_000 });
        expectSameSegments((await lane(page, 'webrtc')).segments, node.webrtc, m.startSec.webrtc, m.endSec.webrtc);
        expectSameSegments((await lane(page, 'silero')).segments, node.silero, m.startSec.silero, m.endSec.silero);
        await page.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engine settings', () => {
  it('runs WebRTC and Silero with the mode and threshold chosen on the page, as the Node engines do', async () => {
    const fixture = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0930.wav';
    const page = await openFixture(fixture);
    await page.getByLabel('WebRTC mode').selectOption('3');
    await page.getByLabel('Silero threshold').selectOption('0.8');
    await page.getByRole('button', { name: 'Run WebRTC and Silero' }).click();
    const rows = page.getByTestId('engine-rows');
    await rows.locator('[data-engine="silero"][data-status="done"]').waitFor({ timeout: 90_000 });
    const { sampleRateHz, channels } = decodeWavBytes(new Uint8Array(readFileSync(join(ROOT, 'fixtures', fixture))));
    const audio = { sampleRateHz, channels };
    const webrtc = await lane(page, 'webrtc');
    const silero = await lane(page, 'silero');
    expect(webrtc.label).toContain('mode 3');
    expect(silero.label).toContain('p ≥ 0.8');
    expectSameSegments(webrtc.segments, (await engines.webrtc.run(audio, { threshold: 3 })).segments, 0.021);
    expectSameSegments(silero.segments, (await engines.silero.run(audio, { threshold: 0.8 })).segments, 0.065);
    await page.close();
  });
});

describe('engine lanes and the waveform', () => {
  it('follow the waveform’s zoom (the lanes show the same time window)', async () => {
    const page = await openFixture('speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav');
    const rows = page.getByTestId('engine-rows');
    const duration = Number(await rows.getAttribute('data-view-end'));
    expect(duration).toBeGreaterThan(6);
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(async () => Number(await rows.getAttribute('data-view-end')), { timeout: 10_000 }).toBeLessThan(duration * 0.5);
    // The window is the one the waveform's scroll container shows.
    const shown = await page.evaluate(() => {
      const rowsEl = document.querySelector('[data-testid="engine-rows"]') as HTMLElement;
      return Number(rowsEl.dataset.viewEnd) - Number(rowsEl.dataset.viewStart);
    });
    expect(shown).toBeGreaterThan(0.2);
    await page.getByRole('button', { name: 'Fit' }).click();
    await expect.poll(async () => Number(await rows.getAttribute('data-view-end')), { timeout: 10_000 }).toBeCloseTo(duration, 1);
    await page.close();
  });

  it('loaded the engines from this origin and sent nothing anywhere', async () => {
    const urls = requests.map((r) => r.url);
    // The wasm binaries and the model were fetched, from the app itself.
    for (const pattern of [/\/assets\/fvad-[^/]+\.wasm$/, /\/assets\/ort-wasm-simd-threaded-[^/]+\.wasm$/, /\/assets\/silero_vad_v5-[^/]+\.onnx$/]) {
      const hit = urls.filter((u) => pattern.test(u));
      expect(hit.length, String(pattern)).toBeGreaterThan(0);
      for (const u of hit) expect(new URL(u).origin).toBe(origin);
    }
    const foreign = urls.filter((u) => {
      const url = new URL(u);
      const o = url.protocol === 'blob:' ? new URL(url.pathname).origin : url.origin;
      return o !== origin;
    });
    expect(foreign).toEqual([]);
    expect(requests.filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
