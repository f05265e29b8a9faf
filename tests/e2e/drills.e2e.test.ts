/**
 * Drill mode in real Chromium: a ready-made scenario hides its answer until asked, then shows the
 * finding that appeared; a custom stack of impairments on a public recording shows its findings
 * and measurement changes; the impaired WAV can be downloaded and equals the core's output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeWavBytes } from '../../src/core/format/wav';
import { encodeWav } from '../../src/core/format/wav-encode';
import { DRILLS } from '../../src/core/impair/drills';
import { applyRecipe } from '../../src/core/impair/recipe';
import { launchChromium, ROOT } from './harness';

const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
let browser: Browser;
let context: BrowserContext;
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  context.on('request', (r) => requests.push(r.url()));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function drillPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Failure drills' }).click();
  return page;
}

async function waitForDrill(page: Page): Promise<void> {
  await page.getByTestId('drill-result').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('.drill-side .player[data-ready="true"]').count(), { timeout: 30_000 }).toBe(2);
}

describe('failure drills', () => {
  it('a scenario starts from the symptom, hides the answer, then shows the finding that appeared', async () => {
    const page = await drillPage();
    const drill = DRILLS.find((d) => d.id === 'mono-silent');
    expect(drill).toBeDefined();
    await page.getByLabel('Scenario').selectOption(drill!.id);
    expect(await page.getByTestId('symptom').innerText()).toContain('mono version');
    await page.getByRole('button', { name: 'Run drill' }).click();
    await waitForDrill(page);
    // Before the reveal: waveforms, no findings, no answer.
    expect(await page.locator('.drill-side .findings').count()).toBe(0);
    expect(await page.getByTestId('answer').count()).toBe(0);
    await page.getByRole('button', { name: 'Show findings and answer' }).click();
    expect((await page.getByTestId('answer').innerText()).toLowerCase()).toContain('phase-inverted');
    // The finding appeared after the impairment, and not before.
    expect(await page.locator('[data-appeared="phase-inverted"]').count()).toBe(1);
    expect(await page.locator('.drill-side').nth(0).locator('[data-finding="phase-inverted"]').count()).toBe(0);
    expect(await page.locator('.drill-side').nth(1).locator('[data-finding="phase-inverted"]').count()).toBe(1);
    expect(await page.locator('[data-measure="Channels / layout"] td').nth(1).innerText()).toContain('2 · phase-inverted');
    await page.close();
  });

  it('a custom stack on a public recording: findings, deltas, and the same WAV bytes as the core', async () => {
    const page = await drillPage();
    await page.getByLabel('Scenario').selectOption('custom');
    const fixture = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';
    await page.getByLabel('Shipped recording', { exact: true }).selectOption(fixture);
    // Replace the default step with gain −30 dB, then add a 50 Hz hum.
    await page.getByRole('button', { name: /Remove step 1/ }).click();
    await page.getByLabel('Impairment', { exact: true }).selectOption('gain');
    await page.getByRole('button', { name: 'Add impairment' }).click();
    await page.getByLabel('Gain (dB)').fill('-30');
    await page.getByLabel('Seed').fill('7');
    await page.getByRole('button', { name: 'Run drill' }).click();
    await waitForDrill(page);
    expect(await page.locator('[data-appeared="low-level"]').count()).toBe(1);
    const rms = page.locator('[data-measure="RMS"] td');
    const delta = await rms.nth(2).innerText();
    expect(Number(delta.replace('−', '-'))).toBeCloseTo(-30, 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the impaired WAV' }).click()]);
    const got = new Uint8Array(readFileSync(await download.path()));
    const source = decodeWavBytes(new Uint8Array(readFileSync(join(ROOT, 'fixtures', fixture))));
    const impaired = applyRecipe(source, { seed: 7, steps: [{ id: 'gain', params: { gainDb: -30 } }] });
    const want = encodeWav(impaired.channels, impaired.sampleRateHz, 'pcm16');
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
    await page.close();
  });

  it('made no request outside its origin and logged no error', () => {
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
