import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { clusterHas } from '../config/cluster';
import { Peers } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { definePart, LoadedConfig } from '../parts/platform-part';
import { checkTenants, RESERVED_NAMESPACES, TenantConfig, tenantsSchema } from './config';
import { ServiceExternalIpsPolicy } from './service-external-ips-policy';
import { TenantNamespace } from './tenant-namespace';

/** The tenancy unit: `10-tenancy`, Argo CD wave 10 (namespaces and their baseline come before everything else). */
export const TENANCY_UNIT = { folder: '10-tenancy', wave: 10, description: 'Tenant namespaces with their baseline (Pod Security, quota, limits, network policy, RBAC)' };

/** The tenants of a loaded config (for parts whose checks need tenant names, e.g. MySQL's client allow-list). */
export function tenantsOf(whole: LoadedConfig): readonly TenantConfig[] {
  return (whole[tenancyPart.key] as readonly TenantConfig[] | undefined) ?? [];
}

/** The tenant namespaces, by name. */
export type Tenants = ReadonlyMap<string, TenantNamespace>;

/**
 * Tenancy: one {@link TenantNamespace} per `tenants:` entry. Its namespaces are offered to Prometheus for
 * annotation-based discovery (`prometheus.io/scrape`).
 */
export const tenancyPart = definePart({
  key: 'tenants',
  schema: tenantsSchema,
  configType: sectionTypeIn('tenancy', 'TenantsConfig', { '[]': 'TenantConfig' }),
  namespaces: (tenants: readonly TenantConfig[]) => tenants.map((t) => t.name),
  checkConfig: (tenants, { whole, problems, namespaceOwners }) => {
    const reserved = new Map(RESERVED_NAMESPACES.map((n) => [n, 'a Kubernetes system namespace']));
    for (const [ns, owners] of namespaceOwners) {
      const other = owners.find((key) => key !== tenancyPart.key);
      if (other !== undefined) reserved.set(ns, `used by the ${other} section`);
    }
    // Optional: a config without a (valid) cluster section still gets its tenants checked.
    const ingress = whole.cluster?.ingress?.controllerNamespace;
    if (ingress !== undefined) reserved.set(ingress, 'the ingress controller namespace (cluster.ingress)');
    checkTenants(tenants, reserved, problems);
  },
  build: ({ scope, config: tenants, platform }): Tenants => {
    const cluster = platform.cluster;
    const chart = new PlatformChart(scope as Construct, 'Tenancy', TENANCY_UNIT);
    // RBAC cannot keep Service externalIPs away from whoever may create Services (CVE-2020-8554); admission can, from 1.30.
    if (clusterHas(cluster, '1.30')) new ServiceExternalIpsPolicy(chart, 'ServiceExternalIps');
    const built = new Map<string, TenantNamespace>();
    for (const tenant of tenants) {
      built.set(tenant.name, new TenantNamespace(chart, tenant.name, {
        name: tenant.name,
        podSecurity: tenant.podSecurity,
        quota: tenant.quota,
        limits: tenant.limits,
        allowSameNamespace: tenant.allowSameNamespace,
        allowFrom: tenant.allowFrom.map((ns) => Peers.namespace(ns)),
        admins: tenant.admins,
        viewers: tenant.viewers,
        ingressControllerNamespace: cluster.ingress.controllerNamespace,
        dns: cluster.dns,
      }));
    }
    return built;
  },
  offers: (tenants) => ({ annotatedScrapeNamespaces: [...tenants.keys()] }),
  // Labels other parts need on a tenant namespace (a mesh's enrollment) are written by the tenancy part itself.
  connect: (tenants, { offers }) => {
    for (const offer of offers.namespaceLabels) {
      const tenant = tenants.get(offer.namespace);
      if (tenant === undefined) throw new Error(`${offer.configKey}: namespace ${JSON.stringify(offer.namespace)} is not a tenant, so no part writes its labels (${offer.reason}); use a tenant namespace.`);
      tenant.addLabels(offer.labels, `${offer.configKey} (${offer.reason})`);
    }
  },
});
