import { App } from 'cdk8s';
import { Secret } from 'cdk8s-plus-27';
import { Peers } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { PlatformContext } from '../platform-context';
import { UNITS } from '../units';
import { MySqlCluster } from './cluster';
import { mysqlClients, mysqlNfsServer } from './config';
import { registerMySqlHandle } from './handle';

/**
 * The MySQL unit (`dist/platform/20-mysql`): one chart with the {@link MySqlCluster} built from the `mysql:`
 * section, registered as the `mysql` handle for the units after it. Nothing when `mysql.enabled` is false.
 */
export function addMySqlUnit(app: App, ctx: PlatformContext): void {
  const { config } = ctx;
  const m = config.mysql;
  if (!m.enabled) return;
  const chart = new PlatformChart(app, 'MySql', UNITS.mysql);
  const cluster = new MySqlCluster(chart, 'Mysql', {
    namespace: m.namespace,
    replicas: m.replicas,
    image: m.image,
    exporterImage: m.exporterImage,
    nfsServer: mysqlNfsServer(config),
    exportPaths: m.exportPaths,
    mountOptions: m.nfsMountOptions,
    pvSize: m.pvSize,
    requestSize: m.requestSize,
    mysqldResources: m.resources.mysqld,
    exporterResources: m.resources.exporter,
    // Referenced, never created: the Secret is made out of band (docs/mysql.md).
    credentials: Secret.fromSecretName(chart, 'Credentials', m.credentialsSecret),
    // The config check allows tenants only, which are managed namespaces: both sides of each flow are written.
    clients: mysqlClients(config).map((ns) => (ctx.managedNamespaces.has(ns) ? Peers.namespace(ns) : Peers.externalNamespace(ns))),
    backup: m.backup,
    dns: { namespace: config.cluster.dns.namespace, podSelector: { ...config.cluster.dns.podSelector } },
  });
  registerMySqlHandle(ctx, cluster);
}
