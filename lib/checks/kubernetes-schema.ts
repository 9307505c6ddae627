import * as fs from 'fs';
import * as path from 'path';
import { show } from '../core/errors';
import { isQuantity } from '../core/quantity';
import { PROJECT_ROOT } from '../core/paths';

type Schema = Record<string, any>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Closed value sets the API server enforces but the 1.27 OpenAPI definitions do not list as enums. */
const ENUMS: Record<string, readonly string[]> = {
  'io.k8s.api.core.v1.Container.imagePullPolicy': ['Always', 'Never', 'IfNotPresent'],
  'io.k8s.api.core.v1.ContainerPort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.core.v1.ServicePort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.networking.v1.NetworkPolicyPort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.core.v1.ServiceSpec.type': ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
  'io.k8s.api.core.v1.PodSpec.restartPolicy': ['Always', 'OnFailure', 'Never'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy': ['Retain', 'Delete', 'Recycle'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.volumeMode': ['Filesystem', 'Block'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode': ['Filesystem', 'Block'],
  'io.k8s.api.core.v1.SeccompProfile.type': ['RuntimeDefault', 'Localhost', 'Unconfined'],
  'io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'io.k8s.api.networking.v1.HTTPIngressPath.pathType': ['Exact', 'Prefix', 'ImplementationSpecific'],
  'io.k8s.api.storage.v1.StorageClass.volumeBindingMode': ['Immediate', 'WaitForFirstConsumer'],
  'io.k8s.api.storage.v1.StorageClass.reclaimPolicy': ['Retain', 'Delete'],
};

/** The newest release whose definitions schemas/kubernetes/ ships: the forward check. */
export const NEWEST_SCHEMA_VERSION = '1.36.0';

/** Kinds whose names must be DNS labels (the API server is stricter for them than for most). */
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);

/**
 * Strict validation of manifests against the Kubernetes OpenAPI definitions, like `kubectl --validate=strict`:
 * every object schema that lists properties is closed, so a misspelt or misplaced field is an error instead of
 * being dropped silently by the API server. Adds the checks the schema cannot express and the API server makes:
 * quantity syntax, name and label syntax.
 */
export class KubernetesSchema {
  private static readonly cache = new Map<string, KubernetesSchema>();

  /** Loads the definitions shipped in `schemas/kubernetes/` (e.g. '1.27.0'). */
  static forVersion(version: string): KubernetesSchema {
    let schema = KubernetesSchema.cache.get(version);
    if (!schema) {
      const file = path.join(PROJECT_ROOT, 'schemas', 'kubernetes', `v${version}-definitions.json`);
      schema = new KubernetesSchema(version, JSON.parse(fs.readFileSync(file, 'utf8')).definitions);
      KubernetesSchema.cache.set(version, schema);
    }
    return schema;
  }

  /**
   * The schema that defines a built-in kind: the floor release's, else the newest one shipped (for APIs a newer
   * `cluster.version` may use, such as admissionregistration.k8s.io/v1 policies). Undefined for custom resources.
   */
  static builtIn(apiVersion: string, kind: string, floor = '1.27.0'): KubernetesSchema | undefined {
    const atFloor = KubernetesSchema.forVersion(floor);
    if (atFloor.knows(apiVersion, kind)) return atFloor;
    // Built-in groups are the core group and *.k8s.io; anything else (argoproj.io …) is custom: skip the big load.
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    if (group !== '' && !group.endsWith('.k8s.io')) return undefined;
    const newest = KubernetesSchema.forVersion(NEWEST_SCHEMA_VERSION);
    return newest.knows(apiVersion, kind) ? newest : undefined;
  }

  private readonly byKind = new Map<string, string>();

  private constructor(public readonly version: string, private readonly definitions: Record<string, Schema>) {
    for (const [name, def] of Object.entries(definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        // Several definitions can claim a GVK (e.g. DeleteOptions); the one whose name ends with the kind is the object.
        const key = gvkKey(gvk.group, gvk.version, gvk.kind);
        if (!this.byKind.has(key) || name.endsWith(`.${gvk.kind}`)) this.byKind.set(key, name);
      }
    }
  }

  /** Whether this Kubernetes release serves the kind (false for CRD-defined kinds). */
  knows(apiVersion: string, kind: string): boolean {
    return this.byKind.has(keyOf(apiVersion, kind));
  }

  /** Every problem with the object, as `field: what is wrong` (empty when valid). */
  validate(manifest: any): string[] {
    const errors: string[] = [];
    const definition = this.byKind.get(keyOf(manifest?.apiVersion, manifest?.kind));
    if (!definition) {
      return [`apiVersion/kind: ${show(manifest?.apiVersion)}/${show(manifest?.kind)} is not served by Kubernetes ${this.version}`];
    }
    this.check(manifest, { $ref: `#/definitions/${definition}` }, '', errors);
    this.checkMetadata(manifest, errors);
    return errors;
  }

  private check(value: any, schema: Schema, at: string, errors: string[], definition?: string): void {
    if (schema.$ref) {
      const name = String(schema.$ref).replace('#/definitions/', '');
      if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity' && !isQuantity(value)) {
        errors.push(`${at || '(root)'}: ${show(value)} is not a Kubernetes quantity`);
        return;
      }
      this.check(value, this.definitions[name], at, errors, name);
      return;
    }
    if (value === null || value === undefined) return;
    if (schema.oneOf) {
      if (!schema.oneOf.some((option: Schema) => this.typeMatches(value, option.type))) {
        errors.push(`${at}: ${show(value)} must be one of ${schema.oneOf.map((o: Schema) => o.type).join(' or ')}`);
      }
      return;
    }
    if (schema.type && !this.typeMatches(value, schema.type)) {
      errors.push(`${at || '(root)'}: ${show(value)} should be ${schema.type}`);
      return;
    }
    if (schema.enum && !schema.enum.includes(value)) {
      errors.push(`${at}: ${show(value)} is not one of ${schema.enum.map((v: unknown) => show(v)).join(', ')}`);
    }
    if (Array.isArray(value)) {
      if (schema.items) value.forEach((item, i) => this.check(item, schema.items, `${at}[${i}]`, errors));
      return;
    }
    if (typeof value === 'object') {
      const properties: Record<string, Schema> | undefined = schema.properties;
      for (const required of schema.required ?? []) {
        if (value[required] === undefined) errors.push(`${join(at, required)}: required field is missing`);
      }
      for (const [key, child] of Object.entries(value)) {
        const allowed = definition ? ENUMS[`${definition}.${key}`] : undefined;
        if (allowed && !allowed.includes(child as string)) errors.push(`${join(at, key)}: ${show(child)} is not one of ${allowed.map((v) => show(v)).join(', ')}`);
        if (properties && key in properties) this.check(child, properties[key], join(at, key), errors);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') this.check(child, schema.additionalProperties, join(at, key), errors);
        else if (properties) errors.push(`${join(at, key)}: unknown field (not in the ${this.version} schema)`);
      }
    }
  }

  private typeMatches(value: unknown, type: string | undefined): boolean {
    switch (type) {
      case undefined: return true;
      case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'array': return Array.isArray(value);
      case 'string': return typeof value === 'string';
      case 'integer': return Number.isInteger(value);
      case 'number': return typeof value === 'number';
      case 'boolean': return typeof value === 'boolean';
      default: return true;
    }
  }

  private checkMetadata(manifest: any, errors: string[]): void {
    const meta = manifest.metadata ?? {};
    const name = meta.name;
    if (typeof name !== 'string' || name === '') {
      errors.push('metadata.name: required');
    } else {
      const pattern = LABEL_NAMED_KINDS.has(manifest.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
      const max = LABEL_NAMED_KINDS.has(manifest.kind) ? 63 : 253;
      if (!pattern.test(name) || name.length > max) errors.push(`metadata.name: ${show(name)} is not a valid ${manifest.kind} name (lowercase DNS ${max === 63 ? 'label' : 'subdomain'}, at most ${max} characters)`);
    }
    if (meta.namespace !== undefined && !DNS_LABEL.test(meta.namespace)) errors.push(`metadata.namespace: ${show(meta.namespace)} is not a DNS label`);
    const labelSets: Array<[string, Record<string, string> | undefined]> = [
      ['metadata.labels', meta.labels],
      ['spec.template.metadata.labels', manifest.spec?.template?.metadata?.labels],
    ];
    for (const [where, labels] of labelSets) {
      for (const [key, value] of Object.entries(labels ?? {})) {
        const keyName = key.includes('/') ? key.split('/')[1] : key;
        if (!LABEL_NAME.test(key) || keyName.length > 63) errors.push(`${where}: label key ${show(key)} is not valid`);
        if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) errors.push(`${where}.${key}: label value ${show(value)} is not valid (at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)`);
      }
    }
  }
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

function keyOf(apiVersion: string | undefined, kind: string | undefined): string {
  const [group, version] = String(apiVersion).includes('/') ? String(apiVersion).split('/') : ['', String(apiVersion)];
  return gvkKey(group, version, String(kind));
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}
