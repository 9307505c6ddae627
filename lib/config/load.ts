import * as fs from 'fs';
import * as path from 'path';
import type { ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
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
import { describeYamlError, duplicateKeys } from './yaml-syntax';

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
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? `${(e as Error).message}; check the file and the --config path.`;
    throw new UserError(`${file}: cannot read the platform description`, [reason]);
  }
  return parseConfig(text, path.basename(file), options);
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
  // Duplicate keys are found by duplicateKeys (linear) rather than by the parser's uniqueKeys (quadratic).
  // logLevel 'error': the parser's warnings (a list used as a key) would go to stderr; the schema reports those keys.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const yamlErrors = [...doc.errors.map((e) => ({ at: e.pos[0], message: describeYamlError(e, text, lines) })), ...duplicateKeys(doc, text, lines)]
    .sort((a, b) => a.at - b.at)
    .map((e) => e.message);
  if (yamlErrors.length > 0) {
    throw new UserError(`${source}: not valid YAML (${yamlErrors.length} error${yamlErrors.length === 1 ? '' : 's'})`, yamlErrors);
  }
  let parsed: unknown;
  try {
    // maxAliasCount: a "billion laughs" file (aliases of aliases) would expand to gigabytes.
    parsed = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const message = (e as Error).message;
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

  const where = new SourceLines(doc, lines);
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
    const message = explain(e, data);
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

/** Whether a value contains itself (`a: &x [*x]` makes a list that is its own first item). */
function isCircular(value: unknown, ancestors: Set<object> = new Set()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const circular = Object.values(value as Record<string, unknown>).some((child) => isCircular(child, ancestors));
  ancestors.delete(value);
  return circular;
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
