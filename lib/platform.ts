import { App } from 'cdk8s';
import { PlatformConfig } from './config/platform-config';
import { Peers } from './network/peer';
import { PlatformChart } from './output/platform-chart';
import { TenantNamespace } from './tenancy/tenant-namespace';

/** Folders, Argo CD waves and descriptions of the deployable units, in apply order. */
export const UNITS = {
  tenancy: { folder: 'platform/10-tenancy', wave: 10, description: 'Tenant namespaces with their baseline (Pod Security, quota, limits, network policy, RBAC)' },
} as const;

/**
 * Composes the platform from its typed description: one chart per deployable unit.
 * Sections are independent constructs; what connects them (traffic) is declared as flows.
 */
export function buildPlatform(config: PlatformConfig, app: App = new App()): App {
  const managed = new Set(config.tenants.map((t) => t.name));
  const cluster = config.cluster;

  const tenancy = new PlatformChart(app, 'Tenancy', UNITS.tenancy);
  for (const tenant of config.tenants) {
    new TenantNamespace(tenancy, tenant.name, {
      name: tenant.name,
      podSecurity: tenant.podSecurity,
      quota: tenant.quota,
      limits: tenant.limits,
      allowSameNamespace: tenant.allowSameNamespace,
      allowFrom: tenant.allowFrom.map((ns) => (managed.has(ns) ? Peers.namespace(ns) : Peers.externalNamespace(ns))),
      admins: tenant.admins,
      viewers: tenant.viewers,
      ingressControllerNamespace: cluster.ingress.controllerNamespace,
      dns: cluster.dns,
    });
  }
  return app;
}
