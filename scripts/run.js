#!/usr/bin/env node
'use strict';
/*
 * The launcher behind `npm run synth`, `plan`, `check`, `bench` and `schema`: `node scripts/run.js <entry.js> [args]`
 * runs build/<entry.js> after bringing build/ up to date, in this same process.
 *
 * Why not `tsc && node build/main.js`: tsc costs about 2.5 s of CPU on every run even when nothing changed, and more
 * after an edit, which made a synth take seconds on the 2-core machine. Here a source is compiled only when it is
 * newer than its JavaScript (about 5 ms to stat the tree when nothing changed), and only that file, with
 * TypeScript's own transpiler (the same `typescript` 5.9.3 package, one file at a time as `isolatedModules` allows;
 * jest compiles the tests the same way). Type errors are not looked for here: `npm test` and CI run the full
 * `tsc --noEmit` first, and `npm run build` is still the whole tsc build. Syntax errors do stop the run.
 */
const fs = require('fs');
const path = require('path');

const started = process.hrtime.bigint();
const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
/** What tsconfig.json compiles (its `include`), relative to the root; outDir mirrors it under build/. */
const SOURCES = ['main.ts', 'lib', 'imports', 'bench', 'scripts'];

function walk(rel, suffix, found) {
  const full = path.join(ROOT, rel);
  let entries;
  try {
    entries = fs.readdirSync(full, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) walk(child, suffix, found);
    else if (entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts')) found.push(child);
  }
  return found;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

const sources = SOURCES.flatMap((rel) => (rel.endsWith('.ts') ? [rel] : walk(rel, '.ts', [])));
const jsOf = (source) => path.join(BUILD, source.replace(/\.ts$/, '.js'));
// A newer tsconfig.json (other emit settings) makes every file stale.
const settings = mtime(path.join(ROOT, 'tsconfig.json'));
const stale = sources.filter((source) => mtime(jsOf(source)) < Math.max(settings, mtime(path.join(ROOT, source))));

// JavaScript whose source was deleted or renamed would still load for a stale import: remove it.
const expected = new Set(sources.map(jsOf));
for (const rel of SOURCES.filter((r) => !r.endsWith('.ts'))) {
  for (const js of walk(path.join('build', rel), '.js', [])) {
    if (!expected.has(path.join(ROOT, js))) fs.rmSync(path.join(ROOT, js), { force: true });
  }
}

if (stale.length > 0) {
  const ts = require('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  // Emit settings only: where files go is decided here (build/ mirrors the sources), as tsc's rootDir/outDir would.
  const { rootDir, outDir, incremental, tsBuildInfoFile, ...compilerOptions } = config.options;
  let failed = false;
  for (const source of stale) {
    const text = fs.readFileSync(path.join(ROOT, source), 'utf8');
    const out = ts.transpileModule(text, { compilerOptions: { ...compilerOptions, isolatedModules: true }, fileName: path.join(ROOT, source), reportDiagnostics: true });
    const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      failed = true;
      for (const d of errors) {
        const { line, character } = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0) : { line: 0, character: 0 };
        console.error(`error: ${source}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
      continue;
    }
    fs.mkdirSync(path.dirname(jsOf(source)), { recursive: true });
    fs.writeFileSync(jsOf(source), out.outputText);
  }
  if (failed) {
    console.error('(nothing was synthesized: fix the syntax error above; `npm test` reports type errors too)');
    process.exit(1);
  }
}

/*
 * V8 code cache for every module this run loads (cdk8s, cdk8s-plus, ajv, yaml and build/): Node 20 has no
 * module.enableCompileCache (Node 22 does), and parsing/compiling the same ~10 MB of JavaScript on every synth was
 * about a tenth of its CPU. One cache file per module path, holding the hash of the source it was made from, so the
 * cache never grows past the number of modules and an edited or upgraded file is simply compiled afresh.
 * PLATFORM_KIT_CODE_CACHE=0 turns it off.
 */
function installCodeCache(dir) {
  const crypto = require('crypto');
  const vm = require('vm');
  const Module = require('module');
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch {
    return;
  }
  const fresh = [];
  Module.prototype._compile = function compileWithCache(content, filename) {
    const source = content.startsWith('#!') ? `//${content}` : content;
    const hash = crypto.createHash('sha1').update(source).digest();
    const file = path.join(dir, crypto.createHash('sha1').update(filename).digest('hex'));
    let cachedData;
    try {
      const stored = fs.readFileSync(file);
      if (stored.subarray(0, hash.length).equals(hash)) cachedData = stored.subarray(hash.length);
    } catch {
      // not cached yet
    }
    const script = new vm.Script(Module.wrap(source), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) fresh.push({ script, file, hash });
    const mod = this;
    const req = (id) => mod.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    req.main = process.mainModule;
    req.extensions = Module._extensions;
    req.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
  };
  // Made after the run, so the cache also holds the functions that were compiled lazily while synthesizing.
  process.once('exit', () => {
    for (const { script, file, hash } of fresh) {
      try {
        fs.writeFileSync(file, Buffer.concat([hash, script.createCachedData()]));
      } catch {
        // a cache is only an optimisation
      }
    }
  });
}

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.js <entry.js under build/> [args]');
  process.exit(2);
}
process.env.PLATFORM_KIT_COMPILE_MS = String(Number(process.hrtime.bigint() - started) / 1e6);
process.env.PLATFORM_KIT_COMPILED_FILES = String(stale.length);
if (process.env.PLATFORM_KIT_CODE_CACHE !== '0') installCodeCache(path.join(BUILD, '.code-cache'));
const file = path.join(BUILD, entry);
process.argv = [process.argv[0], file, ...process.argv.slice(3)];
require(file);
