import { ErrorObject } from 'ajv';
import { show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { FORMATS } from './formats';
import { PathKey } from './source-lines';

/**
 * Ajv's errors as sentences a person can act on: the config path, the bad value, what is allowed, the fix.
 */

/** `/tenants/1/quota/cpu` → `['tenants', 1, 'quota', 'cpu']` */
export function pathKeys(instancePath: string): PathKey[] {
  return instancePath.split('/').slice(1).map((k) => (/^\d+$/.test(k) ? Number(k) : k.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** The keys of the field an error is about: for an unknown or missing key, that key (so its own line is found). */
export function errorKeys(e: ErrorObject): PathKey[] {
  const keys = pathKeys(e.instancePath);
  if (e.keyword === 'additionalProperties') keys.push(String(e.params.additionalProperty));
  if (e.keyword === 'required') keys.push(String(e.params.missingProperty));
  return keys;
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

/**
 * `writtenAs`: the source text of the scalar at a path, when the file has one. A number or boolean is shown as the
 * user wrote it (`0x1F`, `1.30`, `1e3`, `.inf`), not as YAML read it (31, 1.3, 1000, Infinity): the text they can find
 * in the file. Strings keep their quoted JSON form.
 */
export function explain(e: ErrorObject, data: unknown, writtenAs?: (keys: readonly PathKey[]) => string | undefined): string {
  const value = valueAt(data, e.instancePath);
  const at = fieldPath(e.instancePath);
  const shown = (typeof value === 'number' || typeof value === 'boolean' ? writtenAs?.(pathKeys(e.instancePath)) : undefined) ?? show(value);
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
      return `${at}: ${shown} is ${kindOf(value)}, expected ${e.params.type === 'integer' ? 'a whole number' : `a${/^[aeiou]/.test(String(e.params.type)) ? 'n' : ''} ${e.params.type}`}${typeHint(value, String(e.params.type))}`;
    case 'enum':
      return `${at}: ${shown} is not allowed; use one of ${(e.params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}`;
    case 'format': {
      const format = FORMATS[String(e.params.format)];
      const hint = e.params.format === 'quantity' ? quantityHint(value) : '';
      return `${at}: ${shown} ${format ? format.explain : `is not a valid ${e.params.format}`}${hint}`;
    }
    case 'minimum':
    case 'maximum':
      return `${at}: ${shown} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${e.params.limit}`;
    case 'minItems':
      return `${at}: needs at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`;
    case 'uniqueItems':
      return `${at}: items ${e.params.j} and ${e.params.i} are the same (${show((value as unknown[])[e.params.i as number])}); list each once`;
    default:
      return `${at}: ${e.message ?? 'is not valid'}`;
  }
}

/** How to write what was probably meant, when YAML read a value as another type than the one expected. */
function typeHint(value: unknown, expected: string): string {
  if (typeof value === 'string' && expected !== 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return ` (write ${value} without quotes)`;
  if (typeof value === 'string' && expected === 'boolean' && /^(yes|no|on|off|y|n)$/i.test(value)) return ' (write true or false)';
  // YAML reads 1.10 as the number 1.1 (and .inf as Infinity) and yes as a string: quoting keeps the text as written.
  if ((typeof value === 'number' || typeof value === 'boolean') && expected === 'string') return ' (put the value in quotes to keep it as written, e.g. "1.10")';
  return '';
}

/** `"1.5 GB"` → `; did you mean "1.5Gi"?` (a unit written the way people write disk sizes); '' when no guess fits. */
function quantityHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (isQuantity(value) && parseQuantity(value) < 0) return '; sizes, capacities and quotas cannot be negative';
  if (isQuantity(value)) return '; this one is too large to count with';
  const compact = value.replace(/\s+/g, '');
  const bytes = /^([0-9]+(?:\.[0-9]+)?)([KMGTPE])i?B$/i.exec(compact);
  const guess = bytes ? `${bytes[1]}${bytes[2].toUpperCase()}i` : compact !== value && isQuantity(compact) ? compact : undefined;
  return guess !== undefined ? `; did you mean ${show(guess)}?` : '';
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
