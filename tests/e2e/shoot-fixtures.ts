/**
 * Screenshot of the quiet-speaker fixture builder for the README:
 * `npx tsx tests/e2e/shoot-fixtures.ts [--no-build]` writes docs/screenshot-fixture-builder.png.
 */
import { buildPage, launchChromium, ROOT, servePage } from './harness';

const skipBuild = process.argv.includes('--no-build');
if (!skipBuild) await buildPage();
const served = await servePage();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, colorScheme: 'light', deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Failure drills' }).click();
  const panel = page.getByTestId('fixture-builder');
  await panel.getByLabel('Shipped recording for the sweep').selectOption('speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav');
  await panel.getByRole('button', { name: 'Run sweep' }).click();
  await panel.getByTestId('sweep-result').waitFor({ timeout: 300_000 });
  await panel.scrollIntoViewIfNeeded();
  const out = `${ROOT}/docs/screenshot-fixture-builder.png`;
  await panel.screenshot({ path: out });
  console.log(`wrote ${out}`);
  await page.close();
} finally {
  await browser.close();
  await served.close();
}
