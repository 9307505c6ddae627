/**
 * Checks of the manifests as written, object by object: strict schema validity, no duplicate object, no secret value
 * (by key name or inside a URL), custom resources in their needs-* folder, and one Ingress per host and path.
 */
import { show } from '../core/errors';
import { CRD_FOLDER_PREFIX, isTopLevelUnit } from '../output/layout';
import { SynthesizedObject } from '../output/synthesized';
import { KubernetesSchema } from './kubernetes-schema';

export function describe(o: SynthesizedObject): string {
  const m = o.manifest;
  return `${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name} (${o.path})`;
}

/** Strict schema validation against the target Kubernetes release; CRD kinds are left to their own check. */
export function checkSchema(objects: readonly SynthesizedObject[], version = '1.27.0'): string[] {
  const floor = KubernetesSchema.forVersion(version);
  const problems: string[] = [];
  for (const o of objects) {
    // A kind only newer releases serve (written for a newer cluster.version) is judged by the newest schema.
    const schema = KubernetesSchema.builtIn(o.manifest.apiVersion, o.manifest.kind, version) ?? floor;
    if (schema === floor && !floor.knows(o.manifest.apiVersion, o.manifest.kind) && String(o.manifest.apiVersion).includes('.')) continue;
    for (const error of schema.validate(o.manifest)) problems.push(`${describe(o)}: ${error} (Kubernetes ${schema.version} schema)`);
  }
  return problems;
}

/**
 * Each host and path prefix is served by one Ingress only: ingress-nginx merges Ingresses of the same host, and for
 * the same path one of them silently wins (Harbor's `/` and an app's `/` on one host would shadow each other).
 */
export function checkIngressPaths(objects: readonly SynthesizedObject[]): string[] {
  const seen = new Map<string, SynthesizedObject>();
  const problems: string[] = [];
  for (const o of objects.filter((x) => x.manifest.kind === 'Ingress')) {
    for (const rule of o.manifest.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const key = `${rule.host ?? '*'}${p.path ?? '/'}`;
        const first = seen.get(key);
        if (first && first !== o) problems.push(`${describe(o)} serves https://${key}, which ${describe(first)} serves already; give one of them another host (registry.host, observability.grafana.host, apps[].ingress.host).`);
        else seen.set(key, o);
      }
    }
  }
  return problems;
}

/** kind/namespace/name must be unique: the second object would silently overwrite the first on apply. */
export function checkDuplicates(objects: readonly SynthesizedObject[]): string[] {
  const seen = new Map<string, SynthesizedObject>();
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    const key = `${m.apiVersion?.split('/')[0]}/${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    const first = seen.get(key);
    if (first) problems.push(`${describe(o)} has the same kind, namespace and name as ${first.path}; rename one of them.`);
    else seen.set(key, o);
  }
  return problems;
}

/**
 * No credentials in dist/: it is committed to git and synced by Argo CD. A Secret may appear only without data
 * (credentials are created out of band and referenced by name); ConfigMaps and env values are searched for
 * obvious literal secrets.
 */
export function checkNoSecretValues(objects: readonly SynthesizedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if (m.kind === 'Secret' && (Object.keys(m.data ?? {}).length > 0 || Object.keys(m.stringData ?? {}).length > 0)) {
      problems.push(`${describe(o)} carries literal data; create the Secret out of band (kubectl create secret) and reference it by name.`);
    }
    walkEnv(m, (name, value, at) => {
      if (/(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY)$/i.test(name) && !/_FILE$/i.test(name) && typeof value === 'string' && value !== '') {
        problems.push(`${describe(o)}: env ${name} at ${at} has a literal value ${show('*'.repeat(Math.min(value.length, 8)))}; use valueFrom.secretKeyRef.`);
      }
    });
  }
  return problems;
}

function walkEnv(node: any, visit: (name: string, value: unknown, at: string) => void, at = ''): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walkEnv(child, visit, `${at}[${i}]`));
  } else if (node && typeof node === 'object') {
    if (Array.isArray(node.env)) {
      for (const e of node.env) if (e && typeof e.name === 'string' && 'value' in e) visit(e.name, e.value, `${at}.env`);
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'env') walkEnv(v, visit, at ? `${at}.${k}` : k);
  }
}

/**
 * Objects whose kind a vanilla cluster does not serve (custom resources) must never be at the top level of dist/,
 * which `kubectl apply -f dist` applies: they belong in a unit whose folder says which CRDs it needs
 * (`needs-argocd/`), and a non-recursive apply skips folders.
 */
export function checkCustomResourcePlacement(objects: readonly SynthesizedObject[], version = '1.27.0'): string[] {
  return objects
    .filter((o) => !KubernetesSchema.builtIn(o.manifest.apiVersion, o.manifest.kind, version) && isTopLevelUnit(o.chart.folder))
    .map((o) => `${describe(o)}: ${o.manifest.apiVersion} ${o.manifest.kind} needs a CRD a vanilla cluster lacks, and unit ${show(o.chart.folder)} writes to the top level of dist/ (applied by \`kubectl apply -f dist\`); put it in a unit whose folder is ${CRD_FOLDER_PREFIX}<what it needs> (like needs-argocd).`);
}
