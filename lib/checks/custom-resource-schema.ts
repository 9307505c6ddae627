import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubernetesSchema } from './kubernetes-schema';
import { show } from '../core/errors';
import { isDnsLabel, isDnsSubdomain } from '../core/validate';
import { CRD_DIR } from '../core/paths';
import { SynthesizedObject } from '../output/synthesized';

type Schema = Record<string, any>;

export { CRD_DIR };
export const CRD_VERSIONS_FILE = 'crd-versions.json';

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** ObjectMeta fields a manifest may set (the rest are written by the API server). */
const METADATA_FIELDS = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences'];

/** One served version of one CRD: the kind, its scope and its openAPIV3Schema. */
export interface CrdVersion {
  readonly crd: string;
  readonly file: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly schema: Schema;
}

/**
 * Validation of custom resources against their CRD's structural schema, the way the API server treats them:
 * types (with `x-kubernetes-int-or-string`), `required`, `enum`, `format` (int32/int64/date-time), string and
 * array bounds, `pattern`, `anyOf`, maps (`additionalProperties`). Where an object lists `properties` and does not
 * set `x-kubernetes-preserve-unknown-fields`, any other field is an error: the API server would silently drop it
 * (pruning), which is exactly the typo this check exists to catch. `metadata` is checked as ObjectMeta.
 */
export class CrdCatalog {
  private static readonly cache = new Map<string, CrdCatalog>();

  /**
   * The catalog synth uses: `crd-versions.json`, the served versions of every CRD in `dir`, precomputed by
   * `npm run schema` because parsing the 300 KB Application CRD as YAML takes longer than the rest of a synth.
   * A test keeps it equal to {@link CrdCatalog.fromYamlFiles}.
   */
  static load(dir: string = CRD_DIR): CrdCatalog {
    let catalog = CrdCatalog.cache.get(dir);
    if (!catalog) {
      catalog = new CrdCatalog(JSON.parse(fs.readFileSync(path.join(dir, CRD_VERSIONS_FILE), 'utf8')));
      CrdCatalog.cache.set(dir, catalog);
    }
    return catalog;
  }

  /**
   * Every CRD document in the `*.yaml` files of `dir` and of its folders one level down (a project's whole CRD set,
   * like `velero-v1.14.1/`, stays together) — the source of `crd-versions.json`.
   */
  static fromYamlFiles(dir: string = CRD_DIR): CrdCatalog {
    const versions: CrdVersion[] = [];
    const folders = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const files = [
      ...fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)),
      ...folders.flatMap((d) => fs.readdirSync(path.join(dir, d)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${d}/${f}`)),
    ].sort();
    for (const file of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        versions.push(...crdVersions(doc.toJS(), file));
      }
    }
    return new CrdCatalog(versions);
  }

  /** `crd-versions.json` as committed. */
  render(): string {
    return `${JSON.stringify(this.versions)}\n`;
  }

  private readonly byKey: Map<string, CrdVersion>;

  constructor(public readonly versions: readonly CrdVersion[]) {
    this.byKey = new Map(versions.map((v) => [`${v.group}/${v.version}/${v.kind}`, v]));
  }

  /** The CRD version serving `apiVersion`/`kind`, if the catalog has one. */
  find(apiVersion: string, kind: string): CrdVersion | undefined {
    return this.byKey.get(`${apiVersion}/${kind}`);
  }

  /** Every problem with a custom resource (empty when valid); `field: what is wrong`. */
  validate(manifest: any): string[] {
    const crd = this.find(String(manifest?.apiVersion), String(manifest?.kind));
    if (!crd) return [`apiVersion/kind: no CustomResourceDefinition for ${show(manifest?.apiVersion)} ${show(manifest?.kind)} in schemas/crds`];
    const errors: string[] = [];
    checkMetadata(manifest.metadata, crd, errors);
    const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = manifest;
    // metadata is ObjectMeta, checked above (the CRD schema says only `type: object` for it); apiVersion and kind chose
    // this CRD version, and the API server takes them whether or not the schema lists them (Istio's list only spec
    // and status, so a closed-object check would call them unknown).
    const root: Schema = {
      ...crd.schema,
      properties: { ...(crd.schema.properties ?? {}) },
      required: (crd.schema.required ?? []).filter((r: string) => r !== 'metadata'),
    };
    delete root.properties.metadata;
    checkValue(rest, root, '', errors);
    return errors;
  }
}

function crdVersions(doc: any, file: string): CrdVersion[] {
  if (doc?.kind !== 'CustomResourceDefinition' || !String(doc.apiVersion).startsWith('apiextensions.k8s.io/')) return [];
  const spec = doc.spec ?? {};
  return (spec.versions ?? [])
    .filter((v: any) => v.served !== false && v.schema?.openAPIV3Schema)
    .map((v: any) => ({
      crd: doc.metadata?.name,
      file,
      group: spec.group,
      version: v.name,
      kind: spec.names?.kind,
      namespaced: spec.scope === 'Namespaced',
      schema: v.schema.openAPIV3Schema,
    }));
}

function checkMetadata(meta: any, crd: CrdVersion, errors: string[]): void {
  if (!isObject(meta)) {
    errors.push('metadata: required (an object with at least name)');
    return;
  }
  for (const key of Object.keys(meta)) {
    if (!METADATA_FIELDS.includes(key)) errors.push(`metadata.${key}: unknown or server-managed field (allowed: ${METADATA_FIELDS.join(', ')})`);
  }
  if (!isDnsSubdomain(meta.name)) {
    errors.push(`metadata.name: ${show(meta.name)} is not a DNS subdomain (lowercase letters, digits, "-" and ".", at most 253 characters)`);
  }
  if (crd.namespaced && !isDnsLabel(meta.namespace)) {
    errors.push(`metadata.namespace: ${show(meta.namespace)} — ${crd.kind} is namespaced; give a namespace (a DNS label)`);
  }
  if (!crd.namespaced && meta.namespace !== undefined) {
    errors.push(`metadata.namespace: ${show(meta.namespace)} — ${crd.kind} is cluster-scoped; remove the namespace`);
  }
  for (const [field, values] of [['labels', meta.labels], ['annotations', meta.annotations]] as const) {
    if (values === undefined) continue;
    if (!isObject(values)) {
      errors.push(`metadata.${field}: ${show(values)} should be a map of strings`);
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
      if (!QUALIFIED_NAME.test(key) || name.length > 63) errors.push(`metadata.${field}: key ${show(key)} is not a qualified name`);
      if (typeof value !== 'string') errors.push(`metadata.${field}.${key}: ${show(value)} should be a string`);
      else if (field === 'labels' && (value.length > 63 || !LABEL_VALUE.test(value))) errors.push(`metadata.labels.${key}: ${show(value)} is not a valid label value`);
    }
  }
  if (meta.finalizers !== undefined && (!Array.isArray(meta.finalizers) || !meta.finalizers.every((f: unknown) => typeof f === 'string' && QUALIFIED_NAME.test(f)))) {
    errors.push(`metadata.finalizers: ${show(meta.finalizers)} should be a list of qualified names`);
  }
}

function checkValue(value: unknown, schema: Schema, at: string, errors: string[]): void {
  const where = at || '(root)';
  if (value === undefined) return;
  if (value === null) {
    if (schema.nullable !== true) errors.push(`${where}: null is not allowed here; leave the field out`);
    return;
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!Number.isInteger(value) && typeof value !== 'string') errors.push(`${where}: ${show(value)} should be an integer or a string`);
    return;
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((option: Schema) => errorsOf(value, option).length === 0)) {
    errors.push(`${where}: ${show(value)} matches none of the allowed forms (${schema.anyOf.map((o: Schema) => o.type ?? 'schema').join(', ')})`);
    return;
  }
  if (schema.type !== undefined && !typeMatches(value, schema.type)) {
    errors.push(`${where}: ${show(value)} is ${kindOf(value)}, expected ${schema.type}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errors.push(`${where}: ${show(value)} is not allowed; use one of ${schema.enum.map((v: unknown) => show(v)).join(', ')}`);
  }
  if (typeof value === 'string') checkString(value, schema, where, errors);
  if (typeof value === 'number') checkNumber(value, schema, where, errors);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${where}: needs at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${where}: allows at most ${schema.maxItems} item(s)`);
    if (schema.items) value.forEach((item, i) => checkValue(item, schema.items, `${at}[${i}]`, errors));
    return;
  }
  if (isObject(value)) checkObject(value, schema, at, errors);
}

function checkObject(value: Record<string, unknown>, schema: Schema, at: string, errors: string[]): void {
  const properties: Record<string, Schema> | undefined = schema.properties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const required of schema.required ?? []) {
    if (value[required] === undefined) errors.push(`${join(at, required)}: required field is missing`);
  }
  for (const [key, child] of Object.entries(value)) {
    if (properties && key in properties) {
      checkValue(child, properties[key], join(at, key), errors);
    } else if (isObject(schema.additionalProperties)) {
      checkValue(child, schema.additionalProperties, join(at, key), errors);
    } else if (!preserve && schema.additionalProperties !== true) {
      // A structural schema keeps only what it lists: the API server would drop this field without a word.
      const allowed = Object.keys(properties ?? {});
      errors.push(`${join(at, key)}: unknown field${allowed.length > 0 ? ` (allowed here: ${allowed.join(', ')})` : ' (this object takes no fields)'}`);
    }
  }
}

function checkString(value: string, schema: Schema, where: string, errors: string[]): void {
  if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${where}: ${show(value)} is shorter than ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${where}: ${show(value)} is longer than ${schema.maxLength} characters`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${where}: ${show(value)} does not match ${schema.pattern}`);
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) errors.push(`${where}: ${show(value)} is not an RFC 3339 date-time`);
}

function checkNumber(value: number, schema: Schema, where: string, errors: string[]): void {
  if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) errors.push(`${where}: ${value} does not fit in int32`);
  if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: ${value} must be at least ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${where}: ${value} must be at most ${schema.maximum}`);
}

function errorsOf(value: unknown, schema: Schema): string[] {
  const errors: string[] = [];
  checkValue(value, schema, '', errors);
  return errors;
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    default: return false;
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a mapping';
  return `a ${typeof value}`;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

/**
 * The synth check: every custom resource in the output is valid against its CRD in schemas/crds, and none is of a
 * kind without one (such a kind could never be applied, and nothing would have checked it).
 * Built-in kinds are left to the Kubernetes schema check.
 */
export function checkCustomResources(objects: readonly SynthesizedObject[], catalog: CrdCatalog = CrdCatalog.load(), kubernetesVersion = '1.27.0'): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if (KubernetesSchema.builtIn(m.apiVersion, m.kind, kubernetesVersion)) continue;
    const ref = `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name} (${o.path})`;
    const crd = catalog.find(String(m.apiVersion), String(m.kind));
    const suffix = crd ? ` (CRD ${crd.crd}, schemas/crds/${crd.file})` : '; copy its CRD into schemas/crds (see the README there)';
    for (const error of catalog.validate(m)) problems.push(`${ref}: ${error}${suffix}`);
  }
  return problems;
}
