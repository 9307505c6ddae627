import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';
import type { Options, ValidateFunction } from 'ajv';
import { PROJECT_ROOT } from '../core/paths';
import { FORMATS } from './formats';
import { JsonSchema } from './schema-helpers';

/**
 * The schema validator of platform.yaml, in one of two ways that validate, fill defaults and report errors alike:
 * - prebuilt: Ajv's standalone code for the default parts, generated ahead of time by `npm run schema` into
 *   {@link PREBUILT_FILE} (compiling the whole schema at run time was the largest part of loading a config, about
 *   100 ms of every synth);
 * - compiled at run time, for any other schema (extra parts from extend.ts or `LoadOptions.parts`, or a schema
 *   edited since the file was generated). Which one is used is decided by the schema itself (its digest), never by
 *   which parts are listed, so a stale generated file can only be slower, never wrong; a golden test keeps it fresh.
 */

/**
 * The options both ways share. useDefaults fills every default the schema documents, so the schema is the one place
 * a default lives; verbose puts the schema beside each error (schema-errors.ts reads it). The schema is our own and
 * checked against the meta-schema by a test, so the validator skips that step and Ajv's code optimiser (the
 * prebuilt code is then the very code a run-time compile makes).
 */
const OPTIONS: Options = { allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } };

/** An Ajv with our string formats (lib/config/formats.ts); `code` adds code-generation settings to {@link OPTIONS}'. */
function ajvWith(code: Options['code'] = {}): import('ajv').default {
  // Ajv is loaded only to compile: the prebuilt validator needs none of it, and loading it costs a synth ~30 ms.
  const { default: Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...OPTIONS, code: { ...OPTIONS.code, ...code } });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.validate });
  return ajv;
}

/**
 * What the validator's code depends on: the schema, Ajv's version and the options. The formats are not in it: the
 * prebuilt code looks them up by name in FORMATS when it runs, as a compiled validator does.
 */
export function schemaDigest(schema: JsonSchema): string {
  const ajvVersion: string = require('ajv/package.json').version;
  return createHash('sha256').update(JSON.stringify({ ajv: ajvVersion, options: OPTIONS, schema })).digest('hex');
}

/**
 * Where the prebuilt validator is kept: plain JavaScript beside the sources, loaded from there by the sources under
 * ts-jest and by build/ alike. Not TypeScript: tsc's control-flow analysis overflows its stack on the one huge
 * validation function, even under @ts-nocheck.
 */
export const PREBUILT_FILE = path.join(PROJECT_ROOT, 'lib', 'config', 'platform-validator.generated.js');

/** What {@link PREBUILT_FILE} exports. */
export interface Prebuilt {
  readonly SCHEMA_DIGEST: string;
  /** The validator, given the formats it looks up by name (so the generated file needs no import of ours). */
  readonly makeValidate: (formats: typeof FORMATS) => ValidateFunction;
}

/** Where V8's compiled code of {@link PREBUILT_FILE} is kept between runs: per machine and Node version, not committed. */
export const PREBUILT_CODE_CACHE = path.join(PROJECT_ROOT, 'build', 'cache', 'platform-validator.v8');

/** The prebuilt validator, loaded; `codeCache` says whether V8's cached code was used, written or neither. */
export interface LoadedPrebuilt {
  readonly digest: string;
  readonly validate: ValidateFunction;
  readonly codeCache: 'used' | 'written' | 'unwritable' | 'off';
}

/**
 * Loads a prebuilt validator file (undefined when there is none). V8 compiles a function when it is first called,
 * and compiling this one huge function took about as long as everything else in loading a config (~40 ms); so its
 * compiled code is cached in `cacheFile`, under a key of the file's bytes and the Node version (V8 itself refuses a
 * cache made with other flags), and written by the first run that finds none or a stale one. A cache that cannot be
 * written only costs that time again.
 * `codeCache` is off by default where this code runs in another realm than the main one (jest's sandbox): code run
 * with the cache lives in the main realm, and its objects would not be the sandbox's `Object`s and `Array`s.
 */
export function loadPrebuilt(file: string = PREBUILT_FILE, cacheFile: string = PREBUILT_CODE_CACHE, codeCache: boolean = vm.runInThisContext('Object') === Object): LoadedPrebuilt | undefined {
  if (!codeCache) {
    let exported: Prebuilt;
    try {
      exported = require(file) as Prebuilt;
    } catch (e) {
      // Missing (a checkout without it): compile instead. Anything else is a broken file, which must not hide.
      if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
      throw e;
    }
    return { digest: exported.SCHEMA_DIGEST, validate: exported.makeValidate(FORMATS), codeCache: 'off' };
  }
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  // The cache file: the key, the digest of the code, the code. V8 does not check the code (a damaged one crashes the
  // process), so the digest is checked here first.
  const key = createHash('sha256').update(`${process.version} ${process.arch}\n`).update(source).digest();
  let cached: Buffer | undefined;
  try {
    const stored = fs.readFileSync(cacheFile);
    const code = stored.subarray(64);
    if (stored.subarray(0, 32).equals(key) && stored.subarray(32, 64).equals(createHash('sha256').update(code).digest())) cached = code;
  } catch {
    // No cache yet: this run writes it.
  }
  // The file as CommonJS wraps it, compiled with the cache.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData: cached });
  const module = { exports: {} as Prebuilt };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  const validate = module.exports.makeValidate(FORMATS);
  if (cached !== undefined && !script.cachedDataRejected) return { digest: module.exports.SCHEMA_DIGEST, validate, codeCache: 'used' };
  // A first call compiles the whole function (a throwaway object takes the defaults); then its code is cached.
  validate({});
  const code = script.createCachedData();
  const written = writeAtomically(cacheFile, Buffer.concat([key, createHash('sha256').update(code).digest(), code]));
  return { digest: module.exports.SCHEMA_DIGEST, validate, codeCache: written ? 'written' : 'unwritable' };
}

/** Writes a file whole or not at all (parallel runs, jest workers, may write it at once); false when it cannot. */
function writeAtomically(file: string, bytes: Buffer): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
    return true;
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing was created where nothing can be.
    }
    return false;
  }
}

let prebuilt: LoadedPrebuilt | null | undefined;

/** The prebuilt validator when it was generated from `digest`'s schema (loaded on first use), else undefined. */
export function prebuiltValidator(digest: string): ValidateFunction | undefined {
  if (prebuilt === undefined) prebuilt = loadPrebuilt() ?? null;
  return prebuilt?.digest === digest ? prebuilt.validate : undefined;
}

/** The validator of `schema`: the prebuilt one when it was generated from this very schema, else compiled now. */
export function validatorOf(schema: JsonSchema): ValidateFunction {
  return prebuiltValidator(schemaDigest(schema)) ?? compileValidator(schema);
}

/** The validator of `schema`, compiled at run time (~100 ms for the default platform's schema). */
export function compileValidator(schema: JsonSchema): ValidateFunction {
  return ajvWith().compile(schema);
}

/**
 * {@link PREBUILT_FILE} for `schema`: Ajv's standalone code (which reads the formats from `FORMATS`) inside a
 * function that takes them, plus the digest {@link validatorOf} compares.
 */
export function renderStandaloneValidator(schema: JsonSchema): string {
  const { _ } = require('ajv') as typeof import('ajv');
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  const ajv = ajvWith({ source: true, esm: true, lines: true, formats: _`FORMATS` });
  const validate = ajv.compile(schema);
  // The ES module's exports are replaced by the factory's return; the rest is Ajv's code as it wrote it.
  const exports = `"use strict";\nexport const validate = ${validate.source?.validateName};\nexport default ${validate.source?.validateName};\n`;
  const code = standaloneCode(ajv, validate);
  if (!code.startsWith(exports)) throw new Error(`Ajv's standalone code no longer starts with ${JSON.stringify(exports)}: update renderStandaloneValidator`);
  return [
    '// Generated by `npm run schema` (scripts/write-schemas.ts) from the platform schema: do not edit. Ajv\'s standalone',
    '// validator of the default parts (lib/config/validator.ts); test/config/validator.test.ts keeps it fresh.',
    '\'use strict\';',
    `exports.SCHEMA_DIGEST = '${schemaDigest(schema)}';`,
    'exports.makeValidate = function makeValidate(FORMATS) {',
    code.slice(exports.length),
    `return ${validate.source?.validateName};`,
    '};',
    '',
  ].join('\n');
}
