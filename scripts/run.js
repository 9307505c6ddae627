#!/usr/bin/env node
'use strict';
/*
 * The launcher behind `npm run synth`, `plan`, `check`, `secrets`, `bench` and `schema`:
 * `node scripts/run.js <entry.js> [args]` runs build/<entry.js> after bringing build/ up to date, in this process.
 *
 * Why not `tsc && node build/main.js`: tsc costs seconds of CPU on every run even when nothing changed, which made a
 * synth take seconds on the 2-core machine. Here, when no source is newer than its JavaScript (about 5 ms to stat
 * the tree), nothing is compiled at all. When one is, the native compiler (TypeScript 7's `tsgo`, `@typescript/native-preview`, beside
 * the pinned 5.9.3) type-checks the whole program — a type error stops the synth, as it stops `npm run build` and
 * `npm test` — and then only the changed files are emitted with 5.9.3's own transpiler, one file at a time as
 * `isolatedModules` allows (jest compiles the tests the same way).
 */
const fs = require('fs');
const path = require('path');

const started = process.hrtime.bigint();
// `--generator` (npm run schema): the entry writes generated sources (the sections' config.generated.ts), which may be
// missing or stale — the very errors it fixes — so type errors are reported but do not stop it. The files it writes
// are newer than their JavaScript, so the next run type-checks again.
const generator = process.argv[2] === '--generator';
if (generator) process.argv.splice(2, 1);
const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, 'build');
/** What tsconfig.json compiles (its `include`), relative to the root; outDir mirrors it under build/. */
const SOURCES = ['main.ts', 'extend.ts', 'lib', 'imports', 'bench', 'scripts'];

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

const sources = SOURCES.flatMap((rel) => (rel.endsWith('.ts') ? (fs.existsSync(path.join(ROOT, rel)) ? [rel] : []) : walk(rel, '.ts', [])));
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
  // Type errors stop the synth: the native compiler (TypeScript 7) checks the whole program in well under a second.
  const { spawnSync } = require('child_process');
  const check = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@typescript', 'native-preview', 'bin', 'tsgo'), '-p', path.join(ROOT, 'tsconfig.native.json')], { stdio: 'inherit' });
  if (check.status !== 0 && generator) {
    console.error('warning: the TypeScript sources have type errors (above); writing the generated files anyway (run `npm run synth` after it to see what remains).');
  } else if (check.status !== 0) {
    console.error('error: the TypeScript sources have type errors (above); nothing was synthesized.');
    process.exit(1);
  }
  // Then only the changed files are emitted, by the pinned TypeScript 5.9.3's transpiler (isolatedModules).
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
    console.error('(nothing was synthesized: fix the syntax error above)');
    process.exit(1);
  }
}

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.js <entry.js under build/> [args]');
  process.exit(2);
}
process.env.PLATFORM_KIT_COMPILE_MS = String(Number(process.hrtime.bigint() - started) / 1e6);
process.env.PLATFORM_KIT_COMPILED_FILES = String(stale.length);
const file = path.join(BUILD, entry);
process.argv = [process.argv[0], file, ...process.argv.slice(3)];
require(file);
