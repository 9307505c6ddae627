import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../lib/core/paths';
import { CRD_DIR } from '../../lib/checks/custom-resource-schema';

// kubeconform reads one JSON schema per kind from a folder. We hand it the schemas the repo already carries
// (schemas/kubernetes, the Kubernetes API as JSON schema; schemas/crds, the CRDs our output uses), so it runs offline
// and judges against exactly the releases we promise. Strict, as `kubectl apply` is by default since 1.27: every object
// schema without an explicit rule gets `additionalProperties: false`, except where the API keeps unknown fields.

/** kubeconform's -schema-location template for the folders written below (Group is "v1" for the core group). */
export const SCHEMA_TEMPLATE = '{{ .ResourceKind }}_{{ .Group }}_{{ .ResourceAPIVersion }}.json';

type Schema = Record<string, unknown>;

function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strict(s)])) : strict(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function fileName(group: string, version: string, kind: string): string {
  return `${kind.toLowerCase()}_${group === '' ? version : group}_${version}.json`;
}

/** Writes the schemas of Kubernetes `release` (e.g. "1.27.0") and of our CRDs, for the kinds `wanted`, into `dir`. */
export function writeKubeconformSchemas(dir: string, release: string, wanted: ReadonlySet<string>): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(PROJECT_ROOT, 'schemas', 'kubernetes', `v${release}-definitions.json`);
  const definitions = strict(JSON.parse(fs.readFileSync(file, 'utf8')).definitions) as Record<string, Schema>;
  for (const [name, def] of Object.entries(definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }>) ?? []) {
      if (!wanted.has(gvk.kind)) continue;
      // One self-contained document per kind: the root points into the definitions it carries.
      fs.writeFileSync(path.join(dir, fileName(gvk.group, gvk.version, gvk.kind)), JSON.stringify({ $ref: `#/definitions/${name}`, definitions }));
    }
  }
  for (const crdFile of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, crdFile), 'utf8'))) {
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition' || !wanted.has(crd.spec.names.kind)) continue;
      for (const v of crd.spec.versions) {
        fs.writeFileSync(path.join(dir, fileName(crd.spec.group, v.name, crd.spec.names.kind)), JSON.stringify(strict(v.schema.openAPIV3Schema)));
      }
    }
  }
}
