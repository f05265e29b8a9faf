/**
 * The lab page in real Chromium, against the production build served by `vite preview`.
 * Every request of every page in the run is recorded; the last test asserts none left the origin.
 * The privacy contract itself (CSP, request bodies, beacons, sockets, offline, what the export
 * holds) is tested in privacy.e2e.test.ts; the page under hostile input in hostile.e2e.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Summary } from '../../src/core/summary/types';
import { validateSummary } from '../../src/core/summary/validate';
import { holdWorker, launchChromium, ROOT, wavBytes } from './harness';

const run = promisify(execFile);
const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;

let browser: Browser;
let context: BrowserContext;
let dir: string;
const requests: string[] = [];

/** 44.1 kHz stereo: syllable-like tone bursts (left) and the same, 6 dB down (right), in light noise. */
function stereoSpeechLike(): Float32Array[] {
  const sr = 44100;
  const n = Math.round(3.5 * sr);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    // Bursts of 300 ms every 600 ms after 0.5 s, with a 150 Hz "voice" and two formant-ish partials.
    const on = t > 0.5 && t < 3.1 && (t - 0.5) % 0.6 < 0.3 ? 1 : 0;
    const env = on * Math.sin((Math.PI * ((t - 0.5) % 0.6)) / 0.3);
    const v = env * (0.3 * Math.sin(2 * Math.PI * 150 * t) + 0.15 * Math.sin(2 * Math.PI * 700 * t) + 0.08 * Math.sin(2 * Math.PI * 2200 * t));
    const bg = 0.002 * noise();
    left[i] = v + bg;
    right[i] = 0.5 * v + bg;
  }
  return [left, right];
}

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  // Anything the page's CSP blocks would break silently: record it.
  await page.addInitScript(
    "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));",
  );
  await page.goto(baseUrl);
  return page;
}

async function cspViolations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__csp')) as string[];
}

async function loadFixture(page: Page, path: string): Promise<void> {
  await page.getByLabel('Sample recordings').selectOption(path);
  await page.getByRole('button', { name: 'Load sample' }).click();
}

/** Wait until the selected file's report (and its waveform) is on screen. */
async function waitForReport(page: Page): Promise<void> {
  await page.locator('[data-testid="report"] .player[data-ready="true"]').waitFor({ timeout: 60_000 });
}

async function exportSummary(page: Page): Promise<unknown> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export summary' }).click()]);
  const path = await download.path();
  return { fileName: download.suggestedFilename(), doc: JSON.parse(readFileSync(path, 'utf8')) as unknown };
}

async function cliSummary(file: string, flags: string[] = []): Promise<unknown> {
  const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/cli/main.ts'), 'analyze', file, '--json', ...flags], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n')[0]) as unknown;
}

/** "m:ss.d / m:ss.d" (the player's clock) → seconds of the first part. */
function clockSec(text: string): number {
  const m = /^(\d+):(\d+(?:\.\d+)?)/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** The summary minus the fields that describe the program rather than the audio. */
function withoutGenerator(doc: unknown): unknown {
  const { generator: _generator, ...rest } = doc as Record<string, unknown>;
  return rest;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apl-e2e-'));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the lab page', () => {
  it('loads a shipped speech fixture from the picker, shows its format and draws VAD regions', async () => {
    const page = await newPage();
    await loadFixture(page, 'speech/asterisk/agent-pass.wav');
    const attribution = await page.getByTestId('fixture-attribution').innerText();
    expect(attribution).toContain('Allison Smith');
    expect(attribution).toContain('CC-BY-SA-3.0');
    await waitForReport(page);
    expect(await page.getByTestId('declared-rate').innerText()).toContain('8 kHz');
    expect(await page.getByTestId('decoded-rate').innerText()).toContain('8 kHz');
    expect(await page.getByTestId('channels').innerText()).toMatch(/^Channels\s+1/);
    const regions = Number(await page.locator('.player').getAttribute('data-vad-regions'));
    expect(regions).toBeGreaterThan(0);
    // The regions are really in the waveform's DOM (wavesurfer renders in an open shadow root).
    expect(await page.locator('.wave [part~="region"][part*="vad-"]').count()).toBe(regions);
    // Waveform, spectrogram and timeline all drew under the CSP.
    expect(await page.locator('.wave canvas').count()).toBeGreaterThan(1);
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('opens a local 44.1 kHz stereo WAV through the file input and exports the same summary as the CLI', async () => {
    const file = join(dir, 'stereo-44k.wav');
    writeFileSync(file, wavBytes(44100, stereoSpeechLike()));
    const page = await newPage();
    await page.getByLabel(/audio file/i).setInputFiles(file);
    await waitForReport(page);
    expect(await page.getByTestId('declared-rate').innerText()).toContain('44.1 kHz');
    expect(await page.getByTestId('decoded-rate').innerText()).toContain('44.1 kHz');
    expect(await page.getByTestId('channels').innerText()).toMatch(/^Channels\s+2/);
    expect(await page.getByTestId('bit-depth').innerText()).toContain('16-bit');

    // What leaves the page is shown before export, and is exactly what is exported.
    const shown = JSON.parse(await page.getByTestId('summary-json').innerText()) as unknown;
    const { fileName, doc } = (await exportSummary(page)) as { fileName: string; doc: Record<string, unknown> };
    expect(fileName).toBe('stereo-44k.summary.json');
    expect(doc).toEqual(shown);
    const checked = validateSummary(doc);
    expect(checked.valid ? [] : checked.errors).toEqual([]);
    // File names stay out unless asked for.
    expect(JSON.stringify(doc)).not.toContain('stereo-44k');
    expect((doc.source as Record<string, unknown>).name).toBeUndefined();

    const cli = await cliSummary(file);
    expect(withoutGenerator(doc)).toEqual(withoutGenerator(cli));

    await page.getByLabel('Keep file name').check();
    const named = (await exportSummary(page)) as { doc: { source: { name?: string } } };
    expect(named.doc.source.name).toBe('stereo-44k.wav');
    expect(await cspViolations(page)).toEqual([]);
    await page.close();
  });

  it('exports the same summary as the CLI for a shipped fixture', async () => {
    const page = await newPage();
    await loadFixture(page, 'generated/clipped-16k.wav');
    await waitForReport(page);
    const { doc } = (await exportSummary(page)) as { doc: unknown };
    const checked = validateSummary(doc);
    expect(checked.valid ? [] : checked.errors).toEqual([]);
    const cli = await cliSummary(join(ROOT, 'fixtures/generated/clipped-16k.wav'));
    expect(withoutGenerator(doc)).toEqual(withoutGenerator(cli));
    await page.close();
  });

  it('re-analyses with other VAD settings and exports what the CLI prints with the same flags', async () => {
    const page = await newPage();
    const fixture = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0890.wav';
    await loadFixture(page, fixture);
    await waitForReport(page);
    await page.getByText('VAD settings').click();
    await page.getByLabel('Sensitivity (0–1)').fill('0.6');
    await page.getByLabel('Min silence (s)').fill('0.5');
    await page.getByRole('button', { name: 'Re-analyse' }).click();
    await expect.poll(async () => (await page.locator('.report .fine').allInnerTexts()).join(' '), { timeout: 30_000 }).toContain('sensitivity 0.6');
    await waitForReport(page);
    const { doc } = (await exportSummary(page)) as { doc: { vad: { settings: { threshold: number; minSilenceSec: number } } } };
    expect(doc.vad.settings.threshold).toBe(0.6);
    expect(doc.vad.settings.minSilenceSec).toBe(0.5);
    expect(await page.locator('.export code').innerText()).toContain('--vad-threshold 0.6 --vad-min-silence 0.5');
    const cli = await cliSummary(join(ROOT, 'fixtures', fixture), ['--vad-threshold', '0.6', '--vad-min-silence', '0.5']);
    expect(withoutGenerator(doc)).toEqual(withoutGenerator(cli));
    await page.close();
  });

  it('decodes compressed formats in the page at their native rate, FLAC/MP3/Vorbis exactly as the CLI', async () => {
    const source = join(ROOT, 'fixtures/speech/librivox/sense_and_sensibility_01_austen_64kb-0920.wav');
    const made = [
      { name: 'speech.flac', args: [], codec: 'FLAC', rate: '16 kHz', channels: 1 },
      { name: 'speech.mp3', args: ['-ar', '44100', '-ac', '2', '-b:a', '128k'], codec: 'MP3', rate: '44.1 kHz', channels: 2 },
      { name: 'speech.ogg', args: ['-c:a', 'libvorbis'], codec: 'Vorbis', rate: '16 kHz', channels: 1 },
      { name: 'speech.webm', args: ['-c:a', 'libopus', '-b:a', '32k'], codec: 'Opus', rate: '48 kHz', channels: 1 },
    ];
    for (const m of made) await run('ffmpeg', ['-loglevel', 'error', '-y', '-i', source, ...m.args, join(dir, m.name)]);
    const page = await newPage();
    await page.getByLabel(/audio file/i).setInputFiles(made.map((m) => join(dir, m.name)));
    const items = page.getByTestId('file-item');
    await expect.poll(() => items.count()).toBe(made.length);
    for (const m of made) {
      const item = items.filter({ hasText: m.name });
      await expect.poll(() => item.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
      await item.getByRole('button').first().click();
      await waitForReport(page);
      expect(await page.getByTestId('codec').innerText()).toContain(m.codec);
      expect(await page.getByTestId('decoded-rate').innerText()).toContain(m.rate);
      expect(await page.getByTestId('channels').innerText()).toMatch(new RegExp(`^Channels\\s+${m.channels}`));
      const { doc } = (await exportSummary(page)) as { doc: unknown };
      const checked = validateSummary(doc);
      expect(checked.valid ? [] : checked.errors).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      if (m.name !== 'speech.webm') {
        // FLAC, MP3 and Vorbis are decoded by the CLI's own WASM decoders in the page too: the
        // same samples, so the same summary, number for number.
        expect(withoutGenerator(doc)).toEqual(withoutGenerator(await cliSummary(join(dir, m.name))));
      }
    }
    await page.close();
  });

  it('shows a specific error next to a corrupt file while the good file beside it gets its report', async () => {
    const corrupt = join(dir, 'corrupt.wav');
    // A RIFF/WAVE header whose fmt chunk claims 0 channels, then noise.
    const bad = Buffer.alloc(2000);
    bad.write('RIFF', 0, 'ascii');
    bad.writeUInt32LE(bad.length - 8, 4);
    bad.write('WAVEfmt ', 8, 'ascii');
    bad.writeUInt32LE(16, 16);
    bad.writeUInt16LE(1, 20);
    bad.writeUInt16LE(0, 22);
    bad.writeUInt32LE(16000, 24);
    for (let i = 36; i < bad.length; i++) bad[i] = (i * 7919) & 0xff;
    writeFileSync(corrupt, bad);
    const garbage = join(dir, 'notes.wav');
    writeFileSync(garbage, 'These are meeting notes, not audio.\n'.repeat(20));
    const good = join(dir, 'good <b>name.wav');
    writeFileSync(good, readFileSync(join(ROOT, 'fixtures/speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav')));

    const page = await newPage();
    await page.getByLabel(/audio file/i).setInputFiles([corrupt, garbage, good]);
    const items = page.getByTestId('file-item');
    await expect.poll(() => items.count()).toBe(3);
    const badItem = items.filter({ hasText: 'corrupt.wav' });
    const notAudio = items.filter({ hasText: 'notes.wav' });
    const goodItem = items.filter({ hasText: 'good <b>name.wav' });
    await expect.poll(() => goodItem.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => badItem.getAttribute('data-status'), { timeout: 30_000 }).toBe('error');
    await expect.poll(() => notAudio.getAttribute('data-status'), { timeout: 30_000 }).toBe('error');
    const badError = badItem.getByTestId('file-error');
    expect(await badError.getAttribute('data-code')).toMatch(/absurd-header|not-audio|truncated|unsupported-codec|decode-failed/);
    expect(await notAudio.getByTestId('file-error').getAttribute('data-code')).toMatch(/not-audio|unsupported-codec/);
    // One readable line: no stack trace.
    for (const e of [badError, notAudio.getByTestId('file-error')]) {
      const text = await e.innerText();
      expect(text).not.toMatch(/\bat .+:\d+:\d+|Error:\s/);
      expect(text.length).toBeGreaterThan(10);
    }
    // The file name is text, never markup.
    expect(await page.locator('.file-list b').count()).toBe(0);
    await goodItem.getByRole('button').first().click();
    await waitForReport(page);
    expect(await page.getByTestId('declared-rate').innerText()).toContain('16 kHz');
    await page.close();
  });

  it('groups findings by plane, worst first, and a finding\'s time range moves the playhead there', async () => {
    const page = await newPage();
    await loadFixture(page, 'generated/clipped-16k.wav');
    await waitForReport(page);
    const cli = (await cliSummary(join(ROOT, 'fixtures/generated/clipped-16k.wav'))) as Summary;
    const headings = await page.locator('.plane-group .plane-heading').allInnerTexts();
    // One group per plane the CLI's findings touch; the critical clipping group comes first.
    expect(new Set(headings.map((h) => h.replace(/\s*\d+$/, ''))).size).toBe(new Set(cli.findings.map((f) => f.plane)).size);
    expect(headings[0]).toMatch(/^clipping/i);
    const clip = cli.findings.find((f) => f.id === 'clipping');
    const target = clip?.ranges?.[3];
    expect(target).toBeDefined();
    await page.locator('[data-finding="clipping"] .finding-ranges button').nth(3).click();
    const want = (target as { startSec: number }).startSec;
    // The clock shows tenths of a second.
    await expect.poll(async () => Math.abs(clockSec(await page.locator('.clock').innerText()) - want)).toBeLessThanOrEqual(0.051);
    await page.close();
  });

  it('plays and seeks from the keyboard and zooms', async () => {
    const page = await newPage();
    await loadFixture(page, 'speech/librivox/sense_and_sensibility_01_austen_64kb-0870.wav');
    await waitForReport(page);
    const player = page.locator('.player');
    await player.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.clock').innerText(), { timeout: 10_000 }).toMatch(/^0:02\.0/);
    await page.keyboard.press('Shift+ArrowLeft');
    await expect.poll(() => page.locator('.clock').innerText(), { timeout: 10_000 }).toMatch(/^0:00\.0/);
    await page.keyboard.press('+');
    await expect.poll(() => page.getByLabel('Zoom', { exact: true }).inputValue(), { timeout: 10_000 }).toBe('1');
    await page.keyboard.press('0');
    await expect.poll(() => page.getByLabel('Zoom', { exact: true }).inputValue(), { timeout: 10_000 }).toBe('0');
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count(), { timeout: 10_000 }).toBe(1);
    await page.close();
  });

  it('cancels a running analysis and keeps the page usable', async () => {
    const long = join(dir, 'long-48k.wav');
    const sr = 48000;
    const n = 600 * sr;
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = 0.2 * Math.sin((2 * Math.PI * 440 * i) / sr) * (Math.floor(i / sr) % 2);
    writeFileSync(long, wavBytes(sr, [a, a]));
    const page = await newPage();
    await page.getByLabel(/audio file/i).setInputFiles(long);
    const item = page.getByTestId('file-item');
    await expect.poll(() => item.getAttribute('data-status')).toBe('running');
    // Progress in audio time: "m:ss of 10:00 audio", the part done within the file.
    const detail = item.getByTestId('progress-detail');
    await expect.poll(async () => (await detail.allInnerTexts()).join(''), { interval: 20, timeout: 20_000 }).toMatch(/^\d+:\d\d of 10:00 audio/);
    // The page's workers are then held for 2 s (a busy loop in each, as a machine that stops
    // running them), so the analysis cannot end before the click: 10 minutes of 48 kHz stereo
    // take about half a second here, and a 3-minute file once ended first, leaving no Cancel to
    // click.
    const held = page.workers().map((w) => holdWorker(w, 2_000).catch(() => undefined));
    const [m, ss] = (await detail.innerText()).split(' ')[0].split(':').map(Number);
    expect(60 * m + ss).toBeLessThanOrEqual(600);
    await item.getByRole('button', { name: /^Cancel/ }).click();
    await expect.poll(() => item.getAttribute('data-status')).toBe('cancelled');
    // Another file still works after the cancel.
    await loadFixture(page, 'speech/asterisk/vm-leavemsg.wav');
    await waitForReport(page);
    await page.close();
    await Promise.all(held);
  });

  it('switches between light and dark themes', async () => {
    const page = await newPage();
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(15, 19, 24)');
    await page.getByLabel('Theme').selectOption('auto');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    await page.close();
  });

  it('made no request outside its own origin during the whole run', () => {
    expect(requests.length).toBeGreaterThan(0);
    const foreign = requests.filter((u) => {
      if (u.startsWith('data:')) return false;
      const url = new URL(u);
      // blob: URLs carry the origin that made them.
      const o = url.protocol === 'blob:' ? new URL(url.pathname).origin : url.origin;
      return o !== origin;
    });
    expect(foreign).toEqual([]);
  });
});
