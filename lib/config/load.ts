import * as fs from 'fs';
import * as path from 'path';
import type { ValidateFunction } from 'ajv';
import { Composer, Document, Parser, YAMLParseError } from 'yaml';
import { ProblemList, UserError } from '../core/errors';
import { PLATFORM_PARTS } from '../parts';
import { LoadedConfig, managedNamespaceOwners, PlatformPart, sectionOf } from '../parts/platform-part';
import { checkCluster, completeCluster } from './cluster';
import { PlatformConfig, platformSchemaOf } from './platform-config';
import { quantitiesAsStrings } from './quantities';
import { checkExposedHosts, checkNodePortClients, checkReferencesToDisabledParts } from './references';
import { errorKeys, explain } from './schema-errors';
import { leadingFieldPath, LineIndex, parseFieldPath, PathKey, SourceLines } from './source-lines';
import { validatorOf } from './validator';
import { decodeConfig } from './encoding';
import { aliasProblems, controlCharacters, describeYamlError, duplicateKeys, MAX_NESTING, tokenProblems } from './yaml-syntax';

type Parts = readonly PlatformPart<any, any>[];
const validators = new WeakMap<Parts, ValidateFunction>();

/** The schema validator of a list of parts, made once per list (prebuilt for the default parts: validator.ts). */
function compiled(parts: Parts): ValidateFunction {
  let validator = validators.get(parts);
  if (!validator) {
    validator = validatorOf(platformSchemaOf(parts));
    validators.set(parts, validator);
  }
  return validator;
}

/** Why a config file cannot be read, in words, for the errors a user can meet (never the "looks like a bug" text). */
const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file; pass an existing file with --config <file>.',
  EACCES: 'permission denied; make the file readable by you (chmod u+r) or run as its owner.',
  EPERM: 'the operation is not permitted; check the file\'s permissions.',
  EISDIR: 'is a directory; pass the platform.yaml file inside it with --config <dir>/platform.yaml.',
  ENOTDIR: 'a part of the path is not a directory; check the --config path.',
  ELOOP: 'too many symbolic links (a link loop?); pass the real file with --config.',
  EBUSY: 'the file is busy (locked by another program); close it there and run again.',
  ENOSPC: 'no space left on the device; free some space and run again.',
  EMFILE: 'too many open files; close some programs and run again.',
  EIO: 'an input/output error from the disk; check the device and run again.',
  ERR_FS_FILE_TOO_LARGE: 'the file is far too large to be a platform description.',
};

/** What loading needs to know: the parts whose sections the description may have. @default PLATFORM_PARTS */
export interface LoadOptions {
  readonly parts?: Parts;
}

/** Reads, validates and completes a platform.yaml; every problem is reported at once as a {@link UserError}. */
export function loadConfigFile(file: string, options: LoadOptions = {}): PlatformConfig {
  let bytes: Buffer;
  try {
    // A device, FIFO or socket would be read forever (/dev/zero) or block until a writer comes (a FIFO). stat follows
    // symbolic links, so a link to a file is fine; when stat fails, the read below fails alike and says why.
    const stat = statOrUndefined(file);
    if (stat && !stat.isFile() && !stat.isDirectory()) {
      throw new UserError(`${file}: cannot read the platform description`, [`not a regular file but ${kindOfFile(stat)}; pass the platform.yaml file itself with --config <file>.`]);
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? `${(e as Error).message}; check the file and the --config path.`;
    throw new UserError(`${file}: cannot read the platform description`, [reason]);
  }
  return parseConfig(decodeConfig(bytes, path.basename(file)), path.basename(file), options);
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function kindOfFile(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'something other than a file';
}

/**
 * Cross-field checks, run after the schema: the cluster's, every part's own (`checkConfig`, with the namespaces
 * every part manages), namespaces two parts claim, and the checks across sections. They run even when the schema
 * found problems elsewhere, so one run reports every problem instead of one stage at a time (see {@link parseConfig}).
 */
function crossChecks(parts: Parts, tolerant: boolean): ReadonlyArray<(config: LoadedConfig, problems: ProblemList) => void> {
  return [
    (c, p) => checkCluster(c.cluster, p),
    ...parts.map((part) => (c: LoadedConfig, p: ProblemList) => part.checkConfig?.(sectionOf(part, c), { whole: c, problems: p, namespaceOwners: managedNamespaceOwners(parts, c, tolerant) })),
    (c, p) => {
      // Tenants report their own clashes (with the field to change); two other parts on one namespace are reported here.
      for (const [ns, owners] of managedNamespaceOwners(parts, c, tolerant)) {
        const sections = owners.filter((key) => key !== 'tenants');
        if (sections.length > 1) p.add(`${sections.join(' and ')}: both use namespace ${JSON.stringify(ns)}; give each section its own namespace.`);
      }
    },
    (c, p) => checkExposedHosts(c as unknown as PlatformConfig, p),
    (c, p) => checkReferencesToDisabledParts(c as unknown as PlatformConfig, p),
    (c, p) => checkNodePortClients(c as unknown as PlatformConfig, p),
  ];
}

export function parseConfig(text: string, source = 'platform.yaml', options: LoadOptions = {}): PlatformConfig {
  const parts = options.parts ?? PLATFORM_PARTS;
  const lines = new LineIndex(text);
  refuseIfAny(source, controlCharacters(text, lines));
  const doc = readDocument(text, source, lines);
  const yamlErrors = [...doc.errors.map((e) => ({ at: e.pos[0], message: describeYamlError(e, text, lines) })), ...duplicateKeys(doc, text, lines)]
    .sort((a, b) => a.at - b.at)
    .map((e) => e.message);
  if (yamlErrors.length > 0) {
    throw new UserError(`${source}: not valid YAML (${yamlErrors.length} error${yamlErrors.length === 1 ? '' : 's'})`, yamlErrors);
  }
  let parsed: unknown;
  try {
    parsed = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = (e as Error).message;
    // The parser's error names no line; the aliases it refused are found again with theirs.
    if (/Excessive alias count|Unresolved alias/.test(message)) refuseIfAny(source, aliasProblems(doc, text, lines, MAX_ALIAS_COUNT));
    if (e instanceof RangeError) throw tooDeep(source);
    // Should the replay not find the alias (a count it does not model), the plain words without a line.
    const reason = /Excessive alias count/.test(message)
      ? 'the file uses aliases ("*name") so heavily that it would expand enormously (a "billion laughs" file); write the values out, or use fewer aliases'
      : /Unresolved alias/.test(message)
        ? `${message.replace(/^Unresolved alias/, 'an alias refers to no anchor')}; define "&name" before using "*name"`
        : message;
    throw new UserError(`${source}: not valid YAML`, [reason]);
  }
  if (isCircular(parsed)) {
    throw new UserError(`${source}: not valid YAML`, ['an alias ("*name") is used inside its own anchor ("&name"), so the value would be infinite; write the value out instead']);
  }
  if (parsed === null || parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`${source}: not a platform description`, ['the file must be a YAML mapping with at least a `cluster:` section (see the embedded platform.yaml).']);
  }
  const data = quantitiesAsStrings(platformSchemaOf(parts), parsed, doc) as Record<string, unknown>;

  const where = new SourceLines(doc, lines, text);
  // Each problem with the line it is about, so the list reads top to bottom like the file.
  const found: Array<{ line: number; message: string }> = [];
  const report = (message: string, keys: readonly PathKey[]) => {
    const line = where.lineOf(keys);
    found.push({ line: line ?? Number.MAX_SAFE_INTEGER, message: line === undefined ? message : `${message} (line ${line})` });
  };
  const validate = compiled(parts);
  const schemaValid = validate(data);
  const refused: PathKey[][] = [];
  const seen = new Set<string>();
  for (const e of schemaValid ? [] : validate.errors ?? []) {
    const keys = errorKeys(e);
    const message = explain(e, data, (keys) => where.writtenAs(keys));
    if (!seen.has(`${message}@${keys.join('/')}`)) report(message, keys);
    seen.add(`${message}@${keys.join('/')}`);
    refused.push(keys);
  }

  // The cross-field checks also run on a config the schema refused. There they may meet values of the wrong type:
  // a check that throws on one is skipped (the schema has already reported the value), and a message about a field
  // the schema refused (or one inside or around it) is dropped as a repeat of that problem. On a schema-valid
  // config nothing is caught: an exception there is a bug and keeps its stack trace.
  const config = { ...data, cluster: guarded(!schemaValid, () => completeCluster(data.cluster), data.cluster) } as unknown as LoadedConfig;
  for (const check of crossChecks(parts, !schemaValid)) {
    const crossChecked = new ProblemList();
    guarded(!schemaValid, () => check(config, crossChecked), undefined);
    for (const message of crossChecked.all) {
      const field = leadingFieldPath(message);
      const keys = field !== undefined ? parseFieldPath(field) : [];
      if (field !== undefined && refused.some((r) => isPrefix(r, keys) || isPrefix(keys, r))) continue;
      report(message, keys);
    }
  }
  const problems = new ProblemList();
  for (const { message } of found.sort((a, b) => a.line - b.line)) problems.add(message);
  problems.throwIfAny(source);
  return config as unknown as PlatformConfig;
}

/** maxAliasCount: a "billion laughs" file (aliases of aliases) would expand to gigabytes. */
const MAX_ALIAS_COUNT = 100;

/**
 * The document of a text whose characters passed: parsed to tokens first (the parser keeps a stack of its own), so
 * nesting too deep for the composer (which recurses per level) and Unicode spaces in the indentation are refused with
 * their line before it runs. What parseDocument does, in two steps.
 */
function readDocument(text: string, source: string, lines: LineIndex): Document {
  try {
    const tokens = [...new Parser().parse(text)];
    refuseIfAny(source, tokenProblems(tokens, text, lines));
    // Duplicate keys are found by duplicateKeys (linear) rather than by the parser's uniqueKeys (quadratic).
    // logLevel 'error': the parser's warnings (a list used as a key) would go to stderr; the schema reports those keys.
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
    let doc: Document | undefined;
    for (const next of composer.compose(tokens, true, text.length)) {
      if (!doc) doc = next as Document;
      else {
        doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
        break;
      }
    }
    return doc!;
  } catch (e) {
    // The check above keeps the composer's recursion shallow; this is the net under it.
    if (e instanceof RangeError) throw tooDeep(source);
    throw e;
  }
}

function refuseIfAny(source: string, problems: ReadonlyArray<{ at: number; message: string }>): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.at - b.at).map((p) => p.message);
  throw new UserError(`${source}: not valid YAML (${sorted.length} error${sorted.length === 1 ? '' : 's'})`, sorted);
}

/** The net under the depth check: the yaml package ran out of stack (no line: the parser's error has none). */
function tooDeep(source: string): UserError {
  return new UserError(`${source}: not valid YAML`, [`lists and mappings nest too deeply to read (a platform description needs far fewer than ${MAX_NESTING} levels); this is a generated or broken file: flatten it, or check that every "[" and "{" is closed where you meant`]);
}

/**
 * Whether a value contains itself (`a: &x [*x]` makes a list that is its own first item). A stack of its own rather
 * than recursion: the value may be as deep as {@link MAX_NESTING} allows, and more through aliases.
 */
function isCircular(value: unknown): boolean {
  const ancestors = new Set<object>();
  const stack: Array<{ value: unknown; leave?: boolean }> = [{ value }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.leave) {
      ancestors.delete(next.value);
      continue;
    }
    if (ancestors.has(next.value)) return true;
    ancestors.add(next.value);
    stack.push({ value: next.value, leave: true });
    for (const child of Object.values(next.value as Record<string, unknown>)) stack.push({ value: child });
  }
  return false;
}

/** `run()`, or — only when `tolerant` — `fallback` if it throws. */
function guarded<T>(tolerant: boolean, run: () => T, fallback: T): T {
  if (!tolerant) return run();
  try {
    return run();
  } catch {
    return fallback;
  }
}

function isPrefix(prefix: readonly PathKey[], keys: readonly PathKey[]): boolean {
  return prefix.length <= keys.length && prefix.every((k, i) => String(k) === String(keys[i]));
}
