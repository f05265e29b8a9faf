/**
 * The quiet-speaker fixture builder in real Chromium: sweep a public recording in the worker, see
 * a heat map per engine and setting (real tables, numbers in the cells), download the fixture
 * pack, unzip it, check what it holds, and check its bytes equal the CLI's for the same recipe.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { PackFixture, PackLabels } from '../../src/core/fixture-pack/pack';
import type { SweepRecipe } from '../../src/core/sweep/types';
import { launchChromium, ROOT } from './harness';

const baseUrl = inject('baseUrl');
const origin = new URL(baseUrl).origin;
const FIXTURE = 'speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav';
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

describe('quiet-speaker fixture builder', () => {
  let zip: Uint8Array;
  let recipe: SweepRecipe;

  it('sweeps a public recording in a worker and shows a heat map per engine and setting', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Failure drills' }).click();
    const panel = page.getByTestId('fixture-builder');
    await panel.getByLabel('Shipped recording for the sweep').selectOption(FIXTURE);
    await panel.getByLabel('Speech gains, dB').fill('-6 -30');
    await panel.getByLabel('Noise SNRs, dB (∞ = none)').fill('∞ 20');
    await panel.getByRole('button', { name: 'Run sweep' }).click();
    await panel.getByTestId('sweep-result').waitFor({ timeout: 90_000 });

    // 3 engines × 2 settings, each a table with 2 gain rows × 2 SNR columns, numbers in the cells.
    const maps = panel.locator('table.heat-map');
    expect(await maps.count()).toBe(6);
    const oldBuiltin = panel.locator('table.heat-map[data-engine="builtin"][data-setting="old"]');
    expect(await oldBuiltin.locator('caption').innerText()).toMatch(/Built-in · “old” \(gate −40 dBFS\)/);
    expect(await oldBuiltin.locator('thead th').allInnerTexts()).toEqual(['gain \\ SNR', '∞ dB', '20 dB']);
    const rows = oldBuiltin.locator('tbody tr');
    expect(await rows.nth(0).locator('th').innerText()).toBe('−6 dB');
    // The −40 dBFS gate of "old" drops the −30 dB speaker: ✗ in both of its cells; −6 dB keeps the first word.
    for (const cell of await rows.nth(1).locator('td').all()) {
      expect(await cell.innerText()).toMatch(/^✗ \d+\.\d\d$/);
      expect(await cell.getAttribute('style')).toMatch(/background/);
    }
    for (const cell of await rows.nth(0).locator('td').all()) expect(await cell.innerText()).toMatch(/^0\.\d\d$/);
    for (const cell of await panel.locator('table.heat-map[data-engine="builtin"][data-setting="new"] td').all()) expect(await cell.innerText()).toBe('0.00');
    // F1 instead of deletion.
    await panel.getByLabel('frame F1').check();
    expect(await oldBuiltin.locator('tbody tr').nth(1).locator('td').first().innerText()).toBe('0.00');

    const command = await panel.locator('.fb-command').innerText();
    recipe = JSON.parse(/--recipe '(.*)' -o/.exec(command)?.[1] ?? 'null') as SweepRecipe;
    expect(recipe.source.files).toEqual([FIXTURE]);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download fixture pack' }).click()]);
    expect(download.suggestedFilename()).toBe('quiet-speaker-fixtures.zip');
    zip = new Uint8Array(readFileSync(await download.path()));
    await page.close();
  });

  it('the downloaded pack holds the WAVs, labels, recipe, expected results and README', () => {
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual(
      ['README.md', 'recipe.json', 'labels.json', 'labels.txt', 'fixtures.json', 'expected.json', 'source.wav', 'audio/gain-m6db_clean.wav', 'audio/gain-m6db_snr-p20db.wav', 'audio/gain-m30db_clean.wav', 'audio/gain-m30db_snr-p20db.wav'].sort(),
    );
    const doc = <T>(p: string): T => JSON.parse(new TextDecoder().decode(entries[p])) as T;
    expect(doc<SweepRecipe>('recipe.json')).toEqual(recipe);
    const labels = doc<PackLabels>('labels.json');
    expect(labels.sampleRateHz).toBe(16000);
    expect(labels.speech).toHaveLength(1);
    expect(labels.speech[0].source).toBe(FIXTURE);
    expect(new TextDecoder().decode(entries['labels.txt'])).toMatch(/^\d+\.\d{6}\t\d+\.\d{6}\tspeech: sense_and_sensibility_01_austen_64kb-0880\.wav\n$/);
    for (const f of doc<{ fixtures: PackFixture[] }>('fixtures.json').fixtures) {
      const wav = entries[f.file];
      const v = new DataView(wav.buffer, wav.byteOffset);
      expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
      expect(new TextDecoder().decode(wav.subarray(8, 12))).toBe('WAVE');
      expect(v.getUint16(20, true)).toBe(1);
      expect(v.getUint32(24, true)).toBe(16000);
      expect(v.getUint16(34, true)).toBe(16);
      expect(v.getUint32(40, true)).toBe(wav.length - 44);
    }
    const readme = new TextDecoder().decode(entries['README.md']);
    expect(readme).toContain('Licence: Public domain (LibriVox)');
    expect(readme).toContain('vad-check');
  });

  it('is byte-identical to the CLI\'s pack for the same recipe', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apl-e2e-pack-'));
    const out = join(dir, 'cli.zip');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'fixtures', '--recipe', JSON.stringify(recipe), '-o', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const cli = readFileSync(out);
    expect(cli.length).toBe(zip.length);
    expect(cli.equals(Buffer.from(zip))).toBe(true);
  });

  it('your own file: swept only after opting in, downloaded only after confirming', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Failure drills' }).click();
    const panel = page.getByTestId('fixture-builder');
    await panel.getByLabel('My own WAV file').check();
    const run = panel.getByRole('button', { name: 'Run sweep' });
    expect(await run.isDisabled()).toBe(true);
    await panel.getByLabel('Your WAV file for the sweep').setInputFiles({ name: 'my-call.wav', mimeType: 'audio/wav', buffer: readFileSync(join(ROOT, 'fixtures', FIXTURE)) });
    expect(await run.isDisabled()).toBe(true);
    await panel.getByLabel(/Use my file/).check();
    await panel.getByLabel('Speech gains, dB').fill('-30');
    await panel.getByLabel('Noise SNRs, dB (∞ = none)').fill('∞');
    await panel.getByLabel('WebRTC', { exact: true }).uncheck();
    await panel.getByLabel('Silero', { exact: true }).uncheck();
    await run.click();
    await panel.getByTestId('sweep-result').waitFor({ timeout: 60_000 });
    expect(await panel.locator('table.heat-map').count()).toBe(2);
    const save = panel.getByRole('button', { name: 'Download fixture pack' });
    expect(await save.isDisabled()).toBe(true);
    await panel.getByLabel('I want to save audio made from my own file').check();
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const own = JSON.parse(new TextDecoder().decode(entries['recipe.json'])) as SweepRecipe;
    // The file's name stays in the tab: the pack calls it own-recording.wav.
    expect(own.source).toMatchObject({ files: ['own-recording.wav'], public: false });
    expect(new TextDecoder().decode(entries['README.md'])).toContain('(your own recording)');
    expect(JSON.stringify(Object.keys(entries))).not.toContain('my-call');
    await page.close();
  });

  it('made no request outside its origin and logged no error', () => {
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
