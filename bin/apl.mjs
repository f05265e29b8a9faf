#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node --no-concurrent-recompilation
/**
 * The CLI's launcher (`npm run cli -- …`, or `node bin/apl.mjs …` without npm's own start-up).
 * It runs an esbuild bundle of src/cli (with its analysis threads' bundle beside it), kept in
 * node_modules/.cache/audio-path-lab/<sources' newest mtime>/ and rebuilt when a source file or
 * the lockfile changes, and run with V8's code cache (load-bundle.cjs): `analyze` on a 1 s file
 * takes ~0.1 s here, instead of ~0.9 s compiling TypeScript per run.
 * The bundles are CommonJS, one file each: Node 20 loads them ~25 ms sooner than the same code
 * as ES modules in chunks (its ES module loader resolves, reads and links each chunk in turn).
 * The modules loaded on demand (compressed decoding, the VAD engines) are inside, evaluated only
 * when imported; the packages stay outside (required, or imported where they are ES modules).
 *
 * It runs with V8's `--no-concurrent-recompilation` (the line above, `npm run cli`), and starts
 * itself again with it when run without. Without it, about 1 run in 60 of `analyze` on a short
 * file never ended here (Node 20): exiting, the main thread waits for V8's background threads to
 * finish, while one of them, optimising JavaScript, waits for the main thread to collect garbage
 * (nodejs/node#54918; seen with gdb, and also when the event loop just runs out). With the flag
 * JavaScript is optimised on the thread that runs it: 0 hangs in 750 runs, and no slower on an
 * hour of audio (the analysis runs in WebAssembly, which the flag does not touch).
 *
 * It runs without NODE_EXTRA_CA_CERTS (the line above; and the start again). Where a shell sets
 * it (a sandbox behind a TLS proxy, some company machines), Node reads and parses every
 * certificate in that file as it starts, before any code runs: ~0.07 s on every run here with
 * the system's CA bundle (`node -e 0`: 0.09–0.14 s with it, 0.03 s without). The CLI opens no
 * network connection, so the certificates are never used.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'audio-path-lab');
const entries = { cli: join(root, 'src/cli/main.ts'), 'segment-worker': join(root, 'src/cli/segment-worker.ts') };
const BUNDLE_VERSION = 'cjs1'; // bundles of another format or layout are rebuilt

/** The newest modification time of what the bundle is made of. */
function newestSource() {
  let newest = statSync(join(root, 'package-lock.json')).mtimeMs;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      // (not path.join: ~150 calls made V8 optimise its normalising, ~4 ms of every start here)
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'schema'));
  return newest;
}

const SAFE_EXIT_FLAG = '--no-concurrent-recompilation';
if (!process.execArgv.includes(SAFE_EXIT_FLAG)) {
  // `node bin/apl.mjs …`: once more, with the flag (~0.03 s: Node's own start-up), and without
  // the extra certificates (see above).
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
  const again = spawnSync(process.execPath, [SAFE_EXIT_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exitCode = again.status ?? (again.signal ? 128 + (constants.signals[again.signal] ?? 0) : 1);
} else {
  const build = join(cache, `${Math.floor(newestSource()).toString(36)}-${BUNDLE_VERSION}`);
  if (!existsSync(join(build, 'cli.cjs'))) {
    const esbuild = await import('esbuild');
    // Built aside and renamed into place, so CLIs started together never read half a bundle.
    const tmp = join(cache, `.tmp-${process.pid}`);
    mkdirSync(cache, { recursive: true });
    await esbuild.build({
      entryPoints: entries,
      outdir: tmp,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      // The sources locate files next to themselves (the analysis threads' bundle, the fixtures):
      // here, next to the bundle.
      define: { 'import.meta.url': '__bundleUrl' },
      banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
      logLevel: 'error',
    });
    try {
      renameSync(tmp, build);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another CLI got there first
    }
    // Bundles of older sources.
    for (const old of readdirSync(cache)) if (join(cache, old) !== build && !old.startsWith('.tmp-')) rmSync(join(cache, old), { recursive: true, force: true });
  }

  // Run as a CommonJS module, not imported: import() of a CommonJS file first scans all of it for
  // its export names (cjs-module-lexer, ~20 ms on this bundle here), which a program that exports
  // nothing does not need. With V8's code cache (load-bundle.cjs), one per command (`analyze`,
  // `impair`…; `other` for a first argument that is an option), written at the exit of a run
  // that succeeded when there was none (one that failed early compiled little of the command).
  const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const { save } = createRequire(import.meta.url)('./load-bundle.cjs').loadBundle(join(build, 'cli.cjs'), command);
  process.once('exit', (code) => code === 0 && save());
}
