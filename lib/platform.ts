import { App } from 'cdk8s';
import { addAppsUnit } from './apps/unit';
import { appsNamespaces } from './apps/config';
import { PlatformConfig } from './config/platform-config';
import { addGitOpsUnit } from './gitops/unit';
import { gitopsNamespaces } from './gitops/config';
import { addMySqlUnit } from './mysql/unit';
import { mysqlNamespaces } from './mysql/config';
import { addObservabilityUnit } from './observability/unit';
import { observabilityNamespaces } from './observability/config';
import { PlatformContext } from './platform-context';
import { Peers } from './network/peer';
import { PlatformChart } from './output/platform-chart';
import { clusterHas } from './config/cluster';
import { ServiceExternalIpsPolicy } from './tenancy/service-external-ips-policy';
import { TenantNamespace } from './tenancy/tenant-namespace';
import { UNITS } from './units';

/**
 * Composes the platform from its typed description: one chart per deployable unit.
 * Sections are independent constructs; what connects them (traffic) is declared as flows.
 */
export function buildPlatform(config: PlatformConfig, app: App = new App()): App {
  const managed = new Set([
    ...config.tenants.map((t) => t.name),
    ...mysqlNamespaces(config), ...observabilityNamespaces(config), ...appsNamespaces(config), ...gitopsNamespaces(config),
  ]);
  const ctx: PlatformContext = { config, managedNamespaces: managed, handles: new Map() };
  const cluster = config.cluster;

  const tenancy = new PlatformChart(app, 'Tenancy', UNITS.tenancy);
  // RBAC cannot keep Service externalIPs away from whoever may create Services; admission can, from 1.30.
  if (clusterHas(cluster, '1.30')) new ServiceExternalIpsPolicy(tenancy, 'ServiceExternalIps');
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

  // Units after tenancy, in apply order; each adds its own PlatformChart(s).
  addMySqlUnit(app, ctx);
  addObservabilityUnit(app, ctx);
  addAppsUnit(app, ctx);
  addGitOpsUnit(app, ctx); // last: it describes every unit before it
  return app;
}
