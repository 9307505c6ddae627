import type { AppConfig } from '../apps/config';
import { show, showList } from '../core/errors';
import { SynthesizedObject } from '../output/synthesized';
import { TreeIndex } from './tree-index';

/** `<svc>.<ns>.svc[.cluster.local]` or `<pod>.<svc>.<ns>.svc…`: the Service and namespace a cluster DNS name asks for. */
function serviceOf(name: string): { service: string; namespace: string } | undefined {
  const match = /^((?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*?)([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/.exec(name);
  return match ? { service: match[3], namespace: match[5] } : undefined;
}

/**
 * An app that waits for (dependsOn) or is configured with a Service in a namespace Platform Kit writes in full (a
 * part's, not a tenant's: tenants run workloads of their own) must name a Service that is in the output: a typo such
 * as `mysql-primry.mysql.svc.cluster.local` would make the app wait forever. A part's namespace is one whose baseline
 * (`app.kubernetes.io/component: namespace-baseline`) is not the tenancy part's.
 */
export function checkServiceReferences(objects: readonly SynthesizedObject[], apps: readonly AppConfig[]): string[] {
  if (apps.length === 0) return [];
  const index = TreeIndex.of(objects);
  const platform = new Set(index.ofKind('Namespace')
    .map((o) => o.manifest.metadata)
    .filter((m) => m?.labels?.['app.kubernetes.io/component'] === 'namespace-baseline' && m.labels['app.kubernetes.io/name'] !== 'tenancy')
    .map((m) => m.name as string));
  const services = new Map<string, string[]>();
  for (const o of index.ofKind('Service')) {
    const namespace = o.manifest.metadata?.namespace;
    if (namespace !== undefined && platform.has(namespace)) services.set(namespace, [...(services.get(namespace) ?? []), o.manifest.metadata.name]);
  }
  const problems: string[] = [];
  const check = (field: string, value: string, verb: string) => {
    const ref = serviceOf(value);
    if (!ref || !platform.has(ref.namespace) || services.get(ref.namespace)?.includes(ref.service)) return;
    const known = [...new Set(services.get(ref.namespace) ?? [])].sort();
    problems.push(`${field}: ${show(value)} ${verb} Service ${show(ref.service)} in namespace ${show(ref.namespace)}, which has no such Service (Platform Kit writes every Service there: ${known.length > 0 ? showList(known) : 'none'}), so the app would ${verb === 'waits for' ? 'wait forever' : 'fail to connect'}; fix the name.`);
  };
  apps.forEach((a, i) => {
    (a.dependsOn ?? []).forEach((name, j) => check(`apps[${i}].dependsOn[${j}]`, name, 'waits for'));
    for (const [key, value] of Object.entries(a.config ?? {})) {
      for (const word of String(value).split(/[\s,;"'/@=]+/)) check(`apps[${i}].config.${key}`, word.replace(/:\d+$/, ''), 'names');
    }
  });
  return problems;
}
