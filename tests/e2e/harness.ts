/**
 * Shared by the e2e tests, the screenshot script and the page benchmark: build the page, serve
 * the build with `vite preview` on 127.0.0.1 (a free port), and launch Debian's Chromium headless.
 */
import { encodeWav } from '../../src/core/format/wav-encode';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Worker } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The page as `npm run build` makes it. Vite takes NODE_ENV as it finds it, and Vitest sets it
 * to "test": the e2e suite's build was React's development build (jsxDEV, its performance
 * tracks; 851 KB of script against 611 KB), not what ships. The build runs in production here.
 */
export async function buildPage(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, mode: 'production', logLevel: 'warn', configFile: `${ROOT}/vite.config.ts` });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function servePage(): Promise<Served> {
  const port = await freePort();
  const server: PreviewServer = await preview({
    root: ROOT,
    configFile: `${ROOT}/vite.config.ts`,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => server.close(),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A 16-bit PCM WAV of planar float channels. */
export function wavBytes(sampleRateHz: number, channels: Float32Array[]): Buffer {
  return Buffer.from(encodeWav(channels, sampleRateHz, 'pcm16'));
}

/**
 * A page's worker held up for `ms` (a busy loop in it, run through DevTools), as a machine that
 * stops running it would. It settles when the loop ends; a worker terminated while held closes
 * only then, so keep holds short.
 */
export function holdWorker(worker: Worker, ms: number): Promise<void> {
  return worker.evaluate((holdMs) => {
    const t = performance.now();
    while (performance.now() - t < holdMs);
  }, ms);
}
