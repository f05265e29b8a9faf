/**
 * "Your audio never leaves this page", tested in real Chromium (README: "What leaves your machine").
 *
 * One recorded session drives the page the way a user does: load it, open a shipped sample, drop
 * several local files (WAV and MP3), re-analyse with other VAD settings, play and seek, export
 * summaries with and without the file name, remove a file. Every request of the session (page and
 * workers) is recorded, and the page is instrumented before its first script runs. Then:
 * - no request to another origin, none with a body, only GET/HEAD;
 * - navigator.sendBeacon, RTCPeerConnection, window.open and serviceWorker.register never called,
 *   no WebSocket opened, no service worker registered;
 * - the Content-Security-Policy (header and meta) allows connections to this origin only, and the
 *   browser really blocks fetch / WebSocket / EventSource / beacon to another origin;
 * - the exported summaries of two recordings that differ only after their first second differ
 *   only in aggregate measurements, hold no numeric array longer than 64 and no run of the
 *   recording's sample values;
 * - once loaded, the page works offline.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Summary } from '../../src/core/summary/types';
import { validateSummary } from '../../src/core/summary/validate';
import { silentMp3 } from '../hostile/compressed-bytes';
import { launchChromium, ROOT, wavBytes } from './harness';

const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
const RATE = 16000;

interface Recorded {
  url: string;
  method: string;
  resourceType: string;
  hasBody: boolean;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let dir: string;
const requests: Recorded[] = [];
const websockets: string[] = [];
const serviceWorkers: string[] = [];
const workers: string[] = [];
const problems: string[] = [];
const exported = new Map<string, Summary>();

/**
 * Runs before any of the page's own scripts: records every call that could send data somewhere
 * without being an ordinary request the network log shows, or that would outlive the tab.
 */
const INSTRUMENT = `
  window.__leaks = [];
  const note = (what) => window.__leaks.push(what);
  const beacon = navigator.sendBeacon?.bind(navigator);
  navigator.sendBeacon = (url, data) => { note('sendBeacon ' + url); return beacon ? beacon(url, data) : false; };
  if (navigator.serviceWorker) {
    const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
    navigator.serviceWorker.register = (...a) => { note('serviceWorker.register ' + a[0]); return register(...a); };
  }
  const Peer = window.RTCPeerConnection;
  if (Peer) window.RTCPeerConnection = function (...a) { note('RTCPeerConnection'); return new Peer(...a); };
  const open = window.open;
  window.open = (...a) => { note('window.open ' + a[0]); return open.apply(window, a); };
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
`;

/** 3 s of syllable-like bursts at 16 kHz; `after1s` scales everything after the first second. */
function speechLike(after1s: number, seed: number): Float32Array {
  const n = 3 * RATE;
  const x = new Float32Array(n);
  let s = 12345;
  let s2 = seed;
  const noise = (): number => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5);
  const noise2 = (): number => ((s2 = (s2 * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const on = t > 0.2 && (t - 0.2) % 0.5 < 0.3 ? 1 : 0;
    const env = on * Math.sin((Math.PI * ((t - 0.2) % 0.5)) / 0.3);
    const v = env * (0.3 * Math.sin(2 * Math.PI * 140 * t) + 0.1 * Math.sin(2 * Math.PI * 900 * t) + 0.05 * Math.sin(2 * Math.PI * 2500 * t));
    // The first second is the same in both files: the same noise sequence too.
    x[i] = t < 1 ? v + 0.003 * noise() : after1s * v + 0.003 * noise2();
  }
  return x;
}

const byName = (name: string) => page.getByTestId('file-item').filter({ has: page.locator('.file-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });

async function select(name: string): Promise<void> {
  await expect.poll(() => byName(name).getAttribute('data-status'), { timeout: 60_000, message: name }).toBe('done');
  await byName(name).getByRole('button').first().click();
  await page.locator('[data-testid="report"] .file-name', { hasText: name }).waitFor();
  await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
}

async function exportSummary(): Promise<{ fileName: string; doc: Summary }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export summary' }).click()]);
  return { fileName: download.suggestedFilename(), doc: JSON.parse(readFileSync(await download.path(), 'utf8')) as Summary };
}

/** Every array in the document, with the count of numbers directly in it. */
function arrays(value: unknown, path = '$', out: Array<{ path: string; numbers: number }> = []): Array<{ path: string; numbers: number }> {
  if (Array.isArray(value)) {
    out.push({ path, numbers: value.filter((v) => typeof v === 'number').length });
    value.forEach((v, i) => arrays(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) arrays(v, `${path}.${k}`, out);
  }
  return out;
}

/** path → leaf value, array indices included. */
function leaves(value: unknown, path = '$', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, out);
  } else out.set(path, value);
  return out;
}

const isForeign = (u: string): boolean => {
  if (u.startsWith('data:')) return false;
  const url = new URL(u);
  // blob: URLs carry the origin that made them.
  const o = url.protocol === 'blob:' ? new URL(url.pathname).origin : url.origin;
  return o !== origin;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apl-privacy-'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.on('request', (r) => {
    const post = r.postDataBuffer();
    requests.push({ url: r.url(), method: r.method(), resourceType: r.resourceType(), hasBody: post !== null && post.length > 0 });
  });
  context.on('serviceworker', (w) => serviceWorkers.push(w.url()));
  await context.addInitScript(INSTRUMENT);
  page = await context.newPage();
  page.on('websocket', (ws) => websockets.push(ws.url()));
  page.on('worker', (w) => workers.push(w.url()));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('what leaves the page', () => {
  it('is served with a content security policy that allows connections to this origin only', async () => {
    const response = await page.goto(baseUrl);
    const header = response?.headers()['content-security-policy'] ?? '';
    const meta = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    for (const csp of [header, meta]) {
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((d) => d[0])
          .map(([name, ...sources]) => [name, sources]),
      );
      expect(directives.get('default-src')).toEqual(["'self'"]);
      // WebAssembly compilation (the VAD engines' own-origin wasm), no JavaScript eval.
      expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      // Connections: this origin, and blob: URLs the page made itself from local data.
      expect(directives.get('connect-src')).toEqual(["'self'", 'blob:']);
      expect(directives.get('form-action')).toEqual(["'none'"]);
      // No directive names any other origin: no hosts, no wildcards, no http(s)/ws(s) schemes.
      const allowed = new Set(["'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'data:', 'blob:']);
      for (const [name, sources] of directives) for (const s of sources) expect(allowed.has(s), `${name} ${s}`).toBe(true);
    }
    // Nothing from another origin in the document itself.
    const foreign = await page.evaluate(() =>
      [...document.querySelectorAll('script[src], link[href], img[src], iframe[src], source[src]')]
        .map((el) => (el as HTMLScriptElement).src || (el as HTMLLinkElement).href)
        .filter((u) => u && !u.startsWith(location.origin) && !u.startsWith('data:')),
    );
    expect(foreign).toEqual([]);
  });

  it('runs a whole session: sample, dropped files, re-analysis, playback, exports, a drill', async () => {
    // A shipped sample from the picker.
    await page.getByLabel('Sample recordings').selectOption('speech/asterisk/agent-pass.wav');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await select('agent-pass.wav');

    // Local files: two recordings that differ only after their first second, and an MP3.
    const a = join(dir, 'same-start-a.wav');
    const b = join(dir, 'same-start-b.wav');
    const mp3 = join(dir, 'silence.mp3');
    writeFileSync(a, wavBytes(RATE, [speechLike(1, 777)]));
    writeFileSync(b, wavBytes(RATE, [speechLike(2, 999)]));
    writeFileSync(mp3, silentMp3(40));
    await page.getByLabel(/audio file/i).setInputFiles([a, b, mp3]);
    await select('silence.mp3');

    for (const name of ['same-start-a.wav', 'same-start-b.wav']) {
      await select(name);
      const { fileName, doc } = await exportSummary();
      expect(fileName).toBe(name.replace('.wav', '.summary.json'));
      expect(validateSummary(doc).valid).toBe(true);
      exported.set(name, doc);
    }

    // Re-analyse with other VAD settings, play, seek, zoom.
    await page.getByText('VAD settings').click();
    await page.getByLabel('Sensitivity (0–1)').fill('0.6');
    await page.getByRole('button', { name: 'Re-analyse' }).click();
    await expect.poll(async () => (await page.locator('.report .fine').allInnerTexts()).join(' '), { timeout: 30_000 }).toContain('sensitivity 0.6');
    await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
    const player = page.locator('.player');
    await player.focus();
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('+');
    await page.keyboard.press(' ');

    // Export with the name kept: the name appears in that document only.
    await page.getByLabel('Keep file name').check();
    const named = await exportSummary();
    expect(named.doc.source.name).toBe('same-start-b.wav');
    expect(JSON.stringify(exported.get('same-start-b.wav'))).not.toContain('same-start');

    // Remove a file.
    await byName('silence.mp3').getByRole('button', { name: /^Remove/ }).click();
    await expect.poll(() => byName('silence.mp3').count()).toBe(0);

    // A failure drill: impairment, both analyses and both players run in this session too.
    await page.getByRole('button', { name: 'Failure drills' }).click();
    await page.getByLabel('Scenario').selectOption('mono-silent');
    await page.getByRole('button', { name: 'Run drill' }).click();
    await page.getByTestId('drill-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Show findings and answer' }).click();
    await page.getByTestId('answer').waitFor();
    await page.getByRole('button', { name: 'Analyse files' }).click();
    expect(await page.evaluate('window.__csp')).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('made no request to another origin, none with a body, and opened no other channel', async () => {
    const leaks = (await page.evaluate('window.__leaks')) as string[];
    const registrations = await page.evaluate(async () => (navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0));
    expect(requests.length).toBeGreaterThan(5);
    // The analysis workers were started (the recorder sees their requests too: checked below).
    expect(workers.length).toBeGreaterThan(0);
    expect(requests.some((r) => r.resourceType === 'media' && r.url.startsWith('blob:'))).toBe(true);
    expect(requests.filter((r) => isForeign(r.url)).map((r) => r.url)).toEqual([]);
    expect(requests.filter((r) => r.hasBody || !['GET', 'HEAD'].includes(r.method)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(leaks).toEqual([]);
    expect(websockets).toEqual([]);
    expect(serviceWorkers).toEqual([]);
    expect(context.serviceWorkers()).toEqual([]);
    expect(registrations).toBe(0);
  });

  it('exports summaries that differ only in aggregates for files that differ only after 1 s', () => {
    const a = exported.get('same-start-a.wav');
    const b = exported.get('same-start-b.wav');
    if (!a || !b) throw new Error('the session test did not export both files');
    // Same file, as far as its format goes; different audio after 1 s, so different measurements.
    const { contentHash: hashA, ...sourceA } = a.source;
    const { contentHash: hashB, ...sourceB } = b.source;
    expect(sourceA).toEqual(sourceB);
    expect(hashA).not.toBe(hashB);
    expect(a.schema).toBe(b.schema);
    expect(a.generator).toEqual(b.generator);
    const la = leaves(a);
    const lb = leaves(b);
    const differing = [...new Set([...la.keys(), ...lb.keys()])].filter((k) => la.get(k) !== lb.get(k));
    expect(differing).toContain('$.levels.peakDbfs');
    // Every difference is an aggregate measurement (or the hash), never a new kind of field.
    const AGGREGATES = /^\$\.(source\.contentHash|levels|channels|clipping|silence|vad|snr|bandwidth|layout|findings|warnings)\b/;
    expect(differing.filter((k) => !AGGREGATES.test(k))).toEqual([]);
    for (const doc of [a, b]) {
      // No array of numbers longer than 64 anywhere (samples, peaks, spectra would be).
      const long = arrays(doc).filter((x) => x.numbers > 64);
      expect(long).toEqual([]);
      // No long opaque strings (encoded audio would be one).
      const longStrings = [...leaves(doc).entries()].filter(([, v]) => typeof v === 'string' && v.length > 400);
      expect(longStrings).toEqual([]);
      // Small and bounded: a few KiB, not proportional to 3 s of audio (96 KB).
      expect(JSON.stringify(doc).length).toBeLessThan(16 * 1024);
    }
    // No run of 4 consecutive sample values of the recording appears among the summary's numbers.
    const samples = speechLike(1, 777);
    const windows = new Set<string>();
    for (let i = 0; i + 4 <= samples.length; i++) {
      const w = samples.subarray(i, i + 4);
      if (w.every((x) => Math.abs(x) > 0.01)) windows.add([...w].map((x) => (Math.round(x * 32768) / 32768).toFixed(3)).join(','));
    }
    for (const doc of [a, b]) {
      const numbers = [...leaves(doc).values()].filter((v): v is number => typeof v === 'number');
      for (let i = 0; i + 4 <= numbers.length; i++) expect(windows.has(numbers.slice(i, i + 4).map((x) => x.toFixed(3)).join(','))).toBe(false);
    }
  });

  it('has the browser block fetch, WebSocket, EventSource and beacons to another origin', async () => {
    // A separate context: the attempts must not pollute the session's request log above.
    const probeContext = await browser.newContext();
    const seen: Recorded[] = [];
    probeContext.on('request', (r) => seen.push({ url: r.url(), method: r.method(), resourceType: r.resourceType(), hasBody: (r.postDataBuffer()?.length ?? 0) > 0 }));
    const probe = await probeContext.newPage();
    await probe.addInitScript(INSTRUMENT);
    await probe.goto(baseUrl);
    // Control: the recorder is not blind to workers. A worker's same-origin POST shows up, body and all.
    await probe.evaluate(() => {
      const code = `fetch('${location.origin}/control-from-worker', { method: 'POST', body: 'x' }).catch(() => {});`;
      new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    });
    await expect.poll(() => seen.some((r) => r.url.endsWith('/control-from-worker') && r.method === 'POST' && r.hasBody)).toBe(true);
    const other = `http://localhost:${Number(new URL(baseUrl).port) + 1}`;
    const outcome = await probe.evaluate(async (target) => {
      const result: Record<string, string> = {};
      result.fetch = await fetch(`${target}/x`, { method: 'POST', body: 'samples' }).then(
        () => 'sent',
        () => 'blocked',
      );
      result.websocket = await new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket(target.replace('http', 'ws'));
          ws.onopen = () => resolve('sent');
          ws.onerror = () => resolve('blocked');
        } catch {
          resolve('blocked');
        }
      });
      result.eventsource = await new Promise<string>((resolve) => {
        const es = new EventSource(`${target}/events`);
        es.onopen = () => resolve('sent');
        es.onerror = () => {
          es.close();
          resolve('blocked');
        };
      });
      navigator.sendBeacon(`${target}/beacon`, 'samples');
      await new Promise((r) => setTimeout(r, 300));
      return result;
    }, other);
    expect(outcome).toEqual({ fetch: 'blocked', websocket: 'blocked', eventsource: 'blocked' });
    const violations = (await probe.evaluate('window.__csp')) as string[];
    // Each attempt was stopped by the policy (connect-src), not merely by a closed port.
    for (const path of ['/x', '/events', '/beacon']) expect(violations.some((v) => v.startsWith('connect-src') && v.includes(path)), path).toBe(true);
    expect(violations.some((v) => v.startsWith('connect-src') && v.startsWith('connect-src ws'))).toBe(true);
    await probeContext.close();
  });

  it('keeps working offline once loaded', async () => {
    const file = join(dir, 'offline.wav');
    writeFileSync(file, readFileSync(join(ROOT, 'fixtures/speech/asterisk/conf-now-muted.wav')));
    const offline = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const offlineRequests: string[] = [];
    offline.on('request', (r) => offlineRequests.push(r.url()));
    const p = await offline.newPage();
    await p.goto(baseUrl);
    await p.waitForLoadState('networkidle');
    await offline.setOffline(true);
    await p.getByLabel(/audio file/i).setInputFiles(file);
    await p.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
    expect(await p.getByTestId('declared-rate').innerText()).toContain('8 kHz');
    expect(offlineRequests.filter(isForeign)).toEqual([]);
    await offline.close();
  });
});
