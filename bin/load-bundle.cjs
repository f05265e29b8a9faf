/**
 * Runs the CLI's CommonJS bundle (bin/apl.mjs builds it) with V8's code cache kept beside it
 * (`<bundle>.<name>.v8`, one per command: what an `analyze` run compiles is not what `--help`
 * does): the functions a run compiled, ready for the next run of that command, which then
 * neither parses the bundle nor compiles them again (`analyze` on a 1 s file: ~0.03 s less here).
 * V8 checks a cache against the source and its own version and flags, and rejects one that does
 * not match; a missing or rejected cache is written by `save`, which the launcher calls at the
 * exit of a run that succeeded, once it has compiled what the command uses. Written aside and
 * renamed into place: CLIs started together never read half a cache. One that cannot be written
 * (a read-only install) is not.
 */
'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire, Module } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/** Run `file` as Node would `require` it; `save()` writes its code cache `name` if V8 took none. */
function loadBundle(file, name) {
  const cacheFile = `${file}.${name}.v8`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // (the bundle's first line may be a shebang, which a function body cannot start with)
  const source = Module.wrap(readFileSync(file, 'utf8').replace(/^#!/, '//'));
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    // import() in the bundle (its ES module packages) as in any CommonJS module
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let stale = cachedData === undefined || script.cachedDataRejected === true;
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return {
    save() {
      if (!stale) return;
      stale = false;
      const tmp = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    },
  };
}

module.exports = { loadBundle };
