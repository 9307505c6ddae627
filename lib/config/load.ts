import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { ProblemList, show, UserError } from '../core/errors';
import { PLATFORM_PARTS } from '../parts';
import { LoadedConfig, managedNamespaceOwners, PlatformPart, sectionOf } from '../parts/platform-part';
import { checkCluster, completeCluster } from './cluster';
import { FORMATS } from './formats';
import { PlatformConfig, platformSchemaOf } from './platform-config';

const validators = new WeakMap<readonly PlatformPart<any, any>[], ReturnType<Ajv['compile']>>();

/** The schema validator of a list of parts, compiled once per list. */
function compiled(parts: readonly PlatformPart<any, any>[]): ReturnType<Ajv['compile']> {
  let validator = validators.get(parts);
  if (!validator) {
    // useDefaults fills every default the schema documents, so the schema is the one place a default lives.
    // The schema is our own and checked against the meta-schema by a test, so synth skips that step (and Ajv's
    // code optimiser): compiling is the largest part of loading a config.
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } });
    for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: format.validate });
    validator = ajv.compile(platformSchemaOf(parts));
    validators.set(parts, validator);
  }
  return validator;
}

/** What loading needs to know: the parts whose sections the description may have. @default PLATFORM_PARTS */
export interface LoadOptions {
  readonly parts?: readonly PlatformPart<any, any>[];
}

/** Reads, validates and completes a platform.yaml; every problem is reported at once as a {@link UserError}. */
export function loadConfigFile(file: string, options: LoadOptions = {}): PlatformConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new UserError(`${file}: cannot read the platform description`, [`${reason}; pass an existing file with --config <file>.`]);
  }
  return parseConfig(text, path.basename(file), options);
}

export function parseConfig(text: string, source = 'platform.yaml', options: LoadOptions = {}): PlatformConfig {
  const parts = options.parts ?? PLATFORM_PARTS;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError(`${source}: not valid YAML`, doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
    }));
  }
  const data = doc.toJS();
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${source}: not a platform description`, ['the file must be a YAML mapping with at least a `cluster:` section (see the embedded platform.yaml).']);
  }

  const problems = new ProblemList();
  const validate = compiled(parts);
  if (!validate(data)) {
    const lineOf = (instancePath: string): string => {
      const keys = instancePath.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, '/').replace(/~0/g, '~')));
      const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : '';
    };
    for (const message of dedupe((validate.errors ?? []).map((e) => explain(e, data) + lineOf(e.instancePath)))) problems.add(message);
    problems.throwIfAny(source);
  }

  const whole: LoadedConfig = { ...data, cluster: completeCluster(data.cluster) };
  checkCluster(whole.cluster, problems);
  const namespaceOwners = managedNamespaceOwners(parts, whole);
  for (const part of parts) part.checkConfig?.(sectionOf(part, whole), { whole, problems, namespaceOwners });
  // Tenants report their own clashes (with the field to change); two other parts on one namespace are reported here.
  for (const [ns, owners] of namespaceOwners) {
    const sections = owners.filter((key) => key !== 'tenants');
    if (sections.length > 1) problems.add(`${sections.join(' and ')}: both use namespace ${JSON.stringify(ns)}; give each section its own namespace.`);
  }
  problems.throwIfAny(source);
  return whole as unknown as PlatformConfig;
}

/** `/tenants/1/quota/cpu` → `tenants[1].quota.cpu` */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let cur: any = data;
  for (const k of instancePath.split('/').slice(1)) cur = cur?.[k.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

function explain(e: ErrorObject, data: unknown): string {
  const value = valueAt(data, e.instancePath);
  const at = fieldPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(((e.parentSchema as any)?.properties ?? {}) as object);
      const guess = closest(key, allowed);
      return `${fieldPath(e.instancePath, key)}: unknown key ${show(key)}${guess ? `; did you mean ${show(guess)}?` : ''} (allowed here: ${allowed.join(', ')})`;
    }
    case 'required':
      return `${fieldPath(e.instancePath, String(e.params.missingProperty))}: is required but missing; add it (${describeSchema((e.parentSchema as any)?.properties?.[e.params.missingProperty])})`;
    case 'type':
      return `${at}: ${show(value)} is ${kindOf(value)}, expected ${e.params.type === 'integer' ? 'a whole number' : `a${/^[aeiou]/.test(String(e.params.type)) ? 'n' : ''} ${e.params.type}`}${typeof value === 'string' && e.params.type !== 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? ` (write ${value} without quotes)` : ''}`;
    case 'enum':
      return `${at}: ${show(value)} is not allowed; use one of ${(e.params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}`;
    case 'format': {
      const format = FORMATS[String(e.params.format)];
      return `${at}: ${show(value)} ${format ? format.explain : `is not a valid ${e.params.format}`}`;
    }
    case 'minimum':
    case 'maximum':
      return `${at}: ${show(value)} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${e.params.limit}`;
    case 'minItems':
      return `${at}: needs at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `${at}: items ${e.params.j} and ${e.params.i} are the same (${show((value as unknown[])[e.params.i as number])}); list each once`;
    default:
      return `${at}: ${e.message ?? 'is not valid'}`;
  }
}

function describeSchema(schema: any): string {
  if (!schema) return 'see platform.schema.json';
  const format = schema.format ? FORMATS[schema.format] : undefined;
  const example = schema.examples?.[0] ?? (format ? /example[s]?: ([^;)]*)/.exec(format.explain)?.[1] : undefined);
  return `${schema.description ?? schema.type}${example ? ` e.g. ${typeof example === 'string' && !example.startsWith('"') ? show(example) : example}` : ''}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

/** Closest allowed key within edit distance 2: the usual typo (`qouta`, `replica`). */
function closest(key: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
