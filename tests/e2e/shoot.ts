/**
 * Screenshots of the report for the README: `npx tsx tests/e2e/shoot.ts [--no-build] [fixture-path]`.
 * Writes docs/screenshot.png (light), docs/screenshot-dark.png, docs/screenshot-drill.png and
 * docs/screenshot-engines.png (`--engines`: only that one).
 */
import { buildPage, launchChromium, ROOT, servePage } from './harness';

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const fixture = args.find((a) => !a.startsWith('--')) ?? 'generated/clipped-16k.wav';
const enginesOnly = args.includes('--engines');

if (!skipBuild) await buildPage();
const served = await servePage();
const browser = await launchChromium();
try {
  // VAD engines side by side: WebRTC and Silero run, lanes under the waveform, light and dark.
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1100 }, colorScheme: scheme, deviceScaleFactor: 1 });
    await page.goto(served.url);
    await page.getByLabel('Sample recordings').selectOption('speech/asterisk/check-number-dial-again.wav');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await page.locator('.player[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Run WebRTC and Silero' }).click();
    await page.locator('[data-engine="silero"][data-status="done"]').waitFor({ timeout: 90_000 });
    await page.waitForTimeout(800);
    const out = `${ROOT}/docs/${scheme === 'light' ? 'screenshot-engines.png' : 'screenshot-engines-dark.png'}`;
    await page.locator('.wave-card').screenshot({ path: out });
    console.log(`wrote ${out}`);
    await page.close();
  }
  if (!enginesOnly) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1360, height: 1100 }, colorScheme: scheme, deviceScaleFactor: 1 });
      page.on('console', (m) => console.log(`[${scheme}] ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[${scheme}] pageerror: ${e.message}`));
      await page.goto(served.url);
      await page.getByLabel('Sample recordings').selectOption(fixture);
      await page.getByRole('button', { name: 'Load sample' }).click();
      await page.locator('.player[data-ready="true"]').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      const out = `${ROOT}/docs/${scheme === 'light' ? 'screenshot.png' : 'screenshot-dark.png'}`;
      await page.screenshot({ path: out, fullPage: args.includes('--full') });
      console.log(`wrote ${out}`);
      await page.close();
    }
    // Drill mode: a scenario, run and revealed.
    const page = await browser.newPage({ viewport: { width: 1440, height: 1200 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Failure drills' }).click();
    await page.getByLabel('Scenario').selectOption('still-distorted');
    await page.getByRole('button', { name: 'Run drill' }).click();
    await page.getByTestId('drill-result').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Show findings and answer' }).click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ROOT}/docs/screenshot-drill.png`, fullPage: true });
    console.log(`wrote ${ROOT}/docs/screenshot-drill.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await served.close();
}
