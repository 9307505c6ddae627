import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { show, showList } from '../core/errors';
import { allOf } from '../core/tree';
import { NamespaceBaseline } from '../tenancy/namespace-baseline';
import { TenantNamespace } from '../tenancy/tenant-namespace';
import { AppConfig } from './config';

/** `<svc>.<ns>.svc[.cluster.local]` or `<pod>.<svc>.<ns>.svc…`: the Service and namespace a cluster DNS name asks for. */
function serviceOf(name: string): { service: string; namespace: string } | undefined {
  const match = /^((?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*?)([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/.exec(name);
  return match ? { service: match[3], namespace: match[5] } : undefined;
}

/**
 * An app that waits for (dependsOn) or is configured with a Service in a namespace Platform Kit writes in full (a
 * part's, not a tenant's: tenants run workloads of their own) must name a Service that is in the tree: a typo such
 * as `mysql-primry.mysql.svc.cluster.local` would make the app wait forever. Checked on the tree, after every part
 * built, with the Services that namespace has.
 */
export function unknownPlatformServices(root: IConstruct, apps: readonly AppConfig[]): string[] {
  const platform = new Set(allOf(root, NamespaceBaseline).filter((b) => !(b instanceof TenantNamespace)).map((b) => b.name));
  const services = new Map<string, string[]>();
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject) || c.kind !== 'Service') continue;
    const namespace = c.metadata.namespace;
    if (namespace !== undefined && platform.has(namespace)) services.set(namespace, [...(services.get(namespace) ?? []), c.name]);
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
