import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseDocument } from 'yaml';
import { ProblemList, UserError } from '../core/errors';
import { appsNamespaces, checkAppsConfig } from '../apps/config';
import { checkGitOpsConfig, gitopsNamespaces } from '../gitops/config';
import { checkMySqlConfig, mysqlNamespaces } from '../mysql/config';
import { checkObservabilityConfig, observabilityNamespaces } from '../observability/config';
import { checkTenants } from '../tenancy/config';
import { checkCluster, completeCluster } from './cluster';
import { FORMATS } from './formats';
import { PlatformConfig, platformSchema } from './platform-config';
import { quantitiesAsStrings } from './quantities';
import { checkExposedHosts, checkNodePortClients, checkReferencesToDisabledParts } from './references';
import { errorKeys, explain } from './schema-errors';
import { leadingFieldPath, LineIndex, parseFieldPath, PathKey, SourceLines } from './source-lines';
import { describeYamlError, duplicateKeys } from './yaml-syntax';

let validator: ReturnType<Ajv['compile']> | undefined;

function compiled(): ReturnType<Ajv['compile']> {
  if (!validator) {
    // useDefaults fills every default the schema documents, so the schema is the one place a default lives.
    // The schema is our own and checked against the meta-schema by a test, so synth skips that step (and Ajv's
    // code optimiser): compiling is the largest part of loading a config.
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } });
    for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.validate });
    validator = ajv.compile(platformSchema);
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

/** Reads, validates and completes a platform.yaml; every problem is reported at once as a {@link UserError}. */
export function loadConfigFile(file: string): PlatformConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? `${(e as Error).message}; check the file and the --config path.`;
    throw new UserError(`${file}: cannot read the platform description`, [reason]);
  }
  return parseConfig(text, path.basename(file));
}

/**
 * Cross-field checks, run after the schema. They run even when the schema found problems elsewhere, so one run
 * reports every problem instead of one stage at a time (see {@link parseConfig}).
 */
const CROSS_CHECKS: ReadonlyArray<(config: PlatformConfig, problems: ProblemList) => void> = [
  (c, p) => checkCluster(c.cluster, p),
  (c, p) => checkMySqlConfig(c, p),
  (c, p) => checkObservabilityConfig(c, p),
  (c, p) => checkAppsConfig(c, p),
  (c, p) => checkGitOpsConfig(c, p),
  (c, p) => checkTenants(c.tenants, reservedNamespaces(c), p),
  checkExposedHosts,
  checkReferencesToDisabledParts,
  checkNodePortClients,
];

export function parseConfig(text: string, source = 'platform.yaml'): PlatformConfig {
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
  const data = quantitiesAsStrings(platformSchema, parsed, doc) as Record<string, unknown>;

  const where = new SourceLines(doc, lines);
  // Each problem with the line it is about, so the list reads top to bottom like the file.
  const found: Array<{ line: number; message: string }> = [];
  const report = (message: string, keys: readonly PathKey[]) => {
    const line = where.lineOf(keys);
    found.push({ line: line ?? Number.MAX_SAFE_INTEGER, message: line === undefined ? message : `${message} (line ${line})` });
  };
  const validate = compiled();
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
  const config = { ...data, cluster: guarded(!schemaValid, () => completeCluster(data.cluster), data.cluster) } as unknown as PlatformConfig;
  for (const check of CROSS_CHECKS) {
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
  return config;
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

/** Namespaces tenants may not take besides Kubernetes' and the add-ons' (tenancy's takenNamespace): the sections'. */
function reservedNamespaces(config: PlatformConfig): Map<string, string> {
  const reserved = new Map<string, string>();
  const sections: Array<[string, () => string[]]> = [
    ['mysql', () => mysqlNamespaces(config)], ['observability', () => observabilityNamespaces(config)],
    ['apps', () => appsNamespaces(config)], ['gitops', () => gitopsNamespaces(config)],
  ];
  for (const [section, namespaces] of sections) for (const n of namespaces()) reserved.set(n, `used by the ${section} section`);
  // Optional: a config without a (valid) cluster section still gets its tenants checked.
  const ingress = config.cluster?.ingress?.controllerNamespace;
  if (ingress !== undefined) reserved.set(ingress, 'the ingress controller namespace (cluster.ingress)');
  return reserved;
}
