import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { Secret } from 'cdk8s-plus-27';
import { Peers, Port } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { definePart, FirstTimeSecret, ScrapeTarget } from '../parts/platform-part';
import { tenantsOf } from '../tenancy/part';
import { MySqlCluster } from './cluster';
import { checkMySqlConfig, MySqlConfig, mysqlNamespaces, mysqlNfsServer, mysqlSchema } from './config';
import { CREDENTIAL_KEYS } from './defaults';

/** The MySQL unit: `20-mysql`, Argo CD wave 20 (data before the apps that use it). */
export const MYSQL_UNIT = { folder: '20-mysql', wave: 20, description: 'MySQL: replicated StatefulSet on static NFS volumes, backups, metrics' };

/** MySQL refuses a replication password over 32 characters in CHANGE REPLICATION SOURCE TO (error 3056). */
export const MAX_REPLICATION_PASSWORD_LENGTH = 32;

/** The Secret the cluster reads its system users' passwords from (created once, never in dist/). */
export function mysqlCredentialsSecret(m: MySqlConfig): FirstTimeSecret {
  return {
    namespace: m.namespace,
    name: m.credentialsSecret,
    keys: [
      { key: CREDENTIAL_KEYS.root, description: 'root password', value: 'random' },
      { key: CREDENTIAL_KEYS.replication, description: 'replication user password', value: 'random', maxLength: MAX_REPLICATION_PASSWORD_LENGTH },
      { key: CREDENTIAL_KEYS.exporter, description: 'mysqld-exporter user password', value: 'random' },
      { key: CREDENTIAL_KEYS.backup, description: 'backup user password', value: 'random' },
    ],
    readBy: 'the MySQL members, the exporter sidecars and the backup CronJob',
    configKey: 'mysql.credentialsSecret',
  };
}

/**
 * MySQL: the {@link MySqlCluster} from the `mysql:` section. Later parts connect to its typed output (an app that
 * writes reaches `primaryPods()` on `port`); it offers Prometheus its exporter sidecars, its credentials Secret to the
 * first-time list, and its data and dump volumes to backups. Nothing when `mysql.enabled` is false.
 */
export const mysqlPart = definePart({
  key: 'mysql',
  schema: mysqlSchema,
  configType: sectionTypeIn('mysql', 'MySqlConfig', { 'backup': 'MySqlBackupConfig', 'resources.mysqld': 'FullResources', 'resources.exporter': 'FullResources', 'backup.resources': 'FullResources' }),
  enabled: (m: MySqlConfig) => m.enabled,
  namespaces: (m) => mysqlNamespaces({ mysql: m }),
  checkConfig: (m, { whole, problems }) => checkMySqlConfig({ mysql: m, tenants: tenantsOf(whole) }, problems),
  build: ({ scope, config: m, platform }): MySqlCluster => {
    const chart = new PlatformChart(scope as Construct, 'MySql', MYSQL_UNIT);
    return new MySqlCluster(chart, 'Mysql', {
      namespace: m.namespace,
      replicas: m.replicas,
      image: m.image,
      exporterImage: m.exporterImage,
      nfsServer: mysqlNfsServer({ mysql: m, cluster: platform.cluster }),
      exportPaths: m.exportPaths,
      mountOptions: m.nfsMountOptions,
      pvSize: m.pvSize,
      requestSize: m.requestSize,
      mysqldResources: m.resources.mysqld,
      exporterResources: m.resources.exporter,
      // Referenced, never created: the Secret is made out of band (npm run secrets).
      credentials: Secret.fromSecretName(chart, 'Credentials', m.credentialsSecret),
      clients: m.clients.map((ns) => Peers.namespace(ns)),
      backup: m.backup,
      dns: { namespace: platform.cluster.dns.namespace, podSelector: { ...platform.cluster.dns.podSelector } },
    });
  },
  offers: (cluster, m) => {
    const exporter: ScrapeTarget = {
      job: 'mysql',
      pods: cluster.exporterPeer(),
      app: 'mysql',
      port: Port.tcp(cluster.metricsPortName),
      description: `Prometheus scrapes the MySQL exporter (container port ${JSON.stringify(cluster.metricsPortName)})`,
    };
    return {
      scrapeTargets: [exporter],
      firstTimeSecrets: [mysqlCredentialsSecret(m)],
      backupVolumes: [
        ...cluster.dataVolumes.map((v) => ({
          namespace: cluster.namespace,
          claim: `${cluster.claimTemplateName}-${cluster.name}-${v.ordinal}`,
          persistentVolume: v.volume.name,
          nfs: { server: v.volume.server, path: v.exportPath },
          description: `MySQL member ${v.ordinal} data directory (NFS ${v.volume.server}:${v.exportPath})`,
          // Without the dump CronJob the data directory is unprotected, and the backup part's coverage check says so.
          ...(cluster.backup ? { protectedBy: { kind: 'dump' as const, cronJob: `${cluster.namespace}/${cluster.backup.cronJob.name}` } } : {}),
        })),
        ...(cluster.backup ? [{
          namespace: cluster.namespace,
          claim: cluster.backup.claim.name,
          persistentVolume: cluster.backup.volume.name,
          nfs: { server: cluster.nfsServer, path: cluster.backupOptions.exportPath },
          description: `MySQL dumps (NFS ${cluster.nfsServer}:${cluster.backupOptions.exportPath})`,
          protectedBy: { kind: 'holds-backups' as const },
        }] : []),
      ],
    };
  },
});
