import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { commonLabels, selectorLabels } from '../core/labels';
import { hardenedPodSpec } from '../core/hardened-pod';
import { imageName } from '../core/security';
import { Flow } from '../network/flow';
import { Peer, Peers, Port } from '../network/peer';
import { NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import type { MySqlCluster } from './cluster';
import { BACKUP_CLAIM_NAME, BACKUP_PV_NAME, CREDENTIAL_KEYS, HEADLESS_SERVICE_NAME, MYSQL_UID, PATHS, STATEFULSET_NAME } from './defaults';
import { SCRIPTS_CONFIG_MAP_NAME } from './statefulset';
import { emptyDir } from '../core/volumes';

export const BACKUP_NAME = 'mysql-backup';
/** How often a failed dump is retried within one run (a new pod each time, so every failure keeps its log). */
export const BACKUP_BACKOFF_LIMIT = 2;
/** A run is stopped after an hour: a dump of a 5Gi lab database over NFS takes minutes, a hung one forever. */
export const BACKUP_ACTIVE_DEADLINE_SECONDS = 3600;
/** Failed runs kept (with their pods and logs) so a failure stays visible in `kubectl get jobs`. */
export const BACKUP_FAILED_JOBS_HISTORY = 5;
export const BACKUP_SUCCESSFUL_JOBS_HISTORY = 3;

/** The backup CronJob, its volume and claim, and who it talks to. */
export interface MySqlBackup {
  readonly cronJob: k8s.KubeCronJob;
  readonly volume: NfsVolume;
  readonly claim: NfsVolumeClaim;
  /** Hosts tried in order: a replica first (a dump does not load the primary), then the primary. */
  readonly hosts: readonly string[];
  /** The backup job's pods, as a flow peer. */
  readonly pods: Peer;
}

/** `mysql-1.mysql mysql-0.mysql` for 3 replicas; `mysql-0.mysql` alone. */
export function backupHosts(replicas: number): string[] {
  const host = (ordinal: number) => `${STATEFULSET_NAME}-${ordinal}.${HEADLESS_SERVICE_NAME}`;
  return replicas > 1 ? [host(1), host(0)] : [host(0)];
}

/**
 * A CronJob running backup.sh in the MySQL image: a consistent `mysqldump --single-transaction` of a replica
 * (the primary when there is none), gzip'd onto its own NFS export, with the last `retentionDays` kept.
 * Forbid: never two dumps at once. A failed dump exits 1; with restartPolicy Never each retry is a new pod, and
 * failed Jobs are kept, so `kubectl get jobs -n mysql` shows it and its log can be read.
 */
export function addBackup(cluster: MySqlCluster): MySqlBackup {
  const scope = new Construct(cluster, 'Backup');
  const o = cluster.backupOptions;
  const ns = cluster.namespace;
  const identity = { name: BACKUP_NAME, instance: STATEFULSET_NAME, component: 'backup', version: cluster.image.tag };
  const labels = commonLabels(identity);
  const podSelector = selectorLabels(identity);

  const volume = new NfsVolume(scope, 'Volume', {
    name: BACKUP_PV_NAME,
    server: cluster.nfsServer,
    path: o.exportPath,
    capacity: o.size,
    storageClass: { name: cluster.storageClassName },
    mountOptions: cluster.mountOptions,
    claim: { namespace: ns, name: BACKUP_CLAIM_NAME },
    labels: cluster.labels('storage'),
  });
  const claim = new NfsVolumeClaim(scope, 'Claim', { name: BACKUP_CLAIM_NAME, namespace: ns, volume, labels: cluster.labels('storage') });
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name: BACKUP_NAME, namespace: ns, labels },
    automountServiceAccountToken: false,
  });

  const hosts = backupHosts(cluster.replicas);
  const cronJob = new k8s.KubeCronJob(scope, 'Resource', {
    metadata: { name: BACKUP_NAME, namespace: ns, labels },
    spec: {
      schedule: o.schedule,
      timeZone: o.timeZone,
      concurrencyPolicy: 'Forbid',
      // A run missed by more than an hour (controller down) is skipped rather than started at a busy time.
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: BACKUP_SUCCESSFUL_JOBS_HISTORY,
      failedJobsHistoryLimit: BACKUP_FAILED_JOBS_HISTORY,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: BACKUP_BACKOFF_LIMIT,
          activeDeadlineSeconds: BACKUP_ACTIVE_DEADLINE_SECONDS,
          template: {
            metadata: { labels },
            spec: hardenedPodSpec({
              restartPolicy: 'Never',
              serviceAccountName: BACKUP_NAME,
              enableServiceLinks: false,
              uid: MYSQL_UID,
              containers: [{
                name: 'backup',
                image: imageName(cluster.image),
                command: [`${PATHS.scripts}/backup.sh`],
                env: [
                  { name: 'BACKUP_DIR', value: PATHS.backup },
                  { name: 'BACKUP_RETENTION_DAYS', value: String(o.retentionDays) },
                  { name: 'BACKUP_HOSTS', value: hosts.join(' ') },
                  { name: 'MYSQL_STATEFULSET', value: STATEFULSET_NAME },
                  { name: 'MYSQL_SERVICE', value: HEADLESS_SERVICE_NAME },
                  { name: 'MYSQL_PORT', value: String(cluster.port) },
                  { name: 'MYSQL_CREDENTIALS_DIR', value: PATHS.credentials },
                  { name: 'TMPDIR', value: PATHS.tmp },
                ],
                resources: o.resources,
                volumeMounts: [
                  { name: 'backup', mountPath: PATHS.backup },
                  { name: 'scripts', mountPath: PATHS.scripts, readOnly: true },
                  { name: 'credentials', mountPath: PATHS.credentials, readOnly: true },
                  { name: 'tmp', mountPath: PATHS.tmp },
                ],
              }],
              volumes: [
                { name: 'backup', persistentVolumeClaim: { claimName: BACKUP_CLAIM_NAME } },
                { name: 'scripts', configMap: { name: SCRIPTS_CONFIG_MAP_NAME, defaultMode: 0o555 } },
                // Only the backup account's password: the job never sees root's.
                { name: 'credentials', secret: { secretName: cluster.credentials.name, defaultMode: 0o440, items: [{ key: CREDENTIAL_KEYS.backup, path: CREDENTIAL_KEYS.backup }] } },
                emptyDir('tmp', '64Mi'),
              ],
            }),
          },
        },
      },
    },
  });

  const pods = Peers.pods(ns, podSelector, BACKUP_NAME);
  new Flow(scope, 'ToMembers', {
    name: 'allow-mysql-backup',
    from: pods,
    to: cluster.allPods(),
    ports: [Port.tcp(cluster.port)],
    description: 'the backup job dumps a member (a replica first) on the MySQL port',
  });
  return { cronJob, volume, claim, hosts, pods };
}
