import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The page's privacy contract, enforced by the browser: scripts, workers, fetches and media come
 * only from this origin (blob: URLs are made by the page itself from local files and never touch
 * the network; the spectrogram view reads its precomputed data through one). No third-party
 * anything. Sent as a header by `vite preview` and written into the built index.html as a meta tag
 * (frame-ancestors only works as a header). Not applied to `vite dev`: its hot-reload preamble is an
 * inline script. 'wasm-unsafe-eval' lets the VAD-engines worker compile its own-origin WebAssembly
 * (WebRTC VAD, onnxruntime for Silero); it allows no JavaScript eval and no other source.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function cspMeta(): Plugin {
  return {
    name: 'audio-path-lab:csp-meta',
    apply: 'build',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }];
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: {
    format: 'es',
    rolldownOptions: {
      // V8 compiles a function when it is first called. The analysis worker's functions were
      // compiled during the first file's analysis, on the cores it needs (~90 ms of CPU on an
      // hour of 16 kHz mono, in a trace); this magic comment (V8's explicit compile hints) has
      // each worker compile its whole script as it starts, before any file: ~0.2 s more CPU per
      // worker start here, while the page waits for a file. Its script leaves out mediabunny and
      // the WASM decoders (imported when a file needs them), which a WAV's analysis never calls.
      output: { postBanner: (chunk) => (chunk.isEntry && chunk.name.startsWith('analysis.worker') ? '//# allFunctionsCalledOnLoad' : '') },
    },
  },
  // The VAD engines' ES modules are used as shipped: pre-bundling them would only move their
  // WASM-loading code, and ort is imported lazily inside a worker, where a dev-time re-optimise
  // would fail the first run ("Failed to fetch dynamically imported module").
  optimizeDeps: { exclude: ['onnxruntime-web', '@echogarden/fvad-wasm'] },
  build: {
    target: 'es2022',
    // Never inline assets as data: URLs: fixtures are fetched from this origin like any file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  preview: {
    headers: {
      'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
    },
  },
});
