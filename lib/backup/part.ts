import { sectionTypeIn } from '../config/schema-types';
import { show } from '../core/errors';
import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { Port } from '../network/peer';
import { apiServerOf } from '../observability/common';
import { PlatformChart } from '../output/platform-chart';
import { BackupVolume, definePart, FirstTimeSecret } from '../parts/platform-part';
import { NamespaceBaseline } from '../tenancy/namespace-baseline';
import { backupAlertRules } from './alerts';
import { BACKUP_DASHBOARD_FILE, backupDashboard } from './dashboard';
import { backupCoverage, CoverageRow, coverageProblems, fsbScheduleFor, renderCoverage, volumeObjects } from './coverage';
import {
  BackupConfig, backupNamespaces, backupSchema, checkBackupConfig, etcdCronJobEnabled, etcdNfsServer, objectStoreEndpoint, veleroEnabled,
} from './config';
import { DEFAULT_VELERO, ETCD_SECRET_KEYS } from './defaults';
import { EtcdSnapshot } from './etcd-snapshot';
import { Velero } from './velero';

/** The backup unit: `50-backup`, Argo CD wave 50 (after everything it protects). */
export const BACKUP_UNIT = { folder: '50-backup', wave: 50, description: 'Backups: etcd snapshots, Velero server and node-agent, Velero CRDs' };

/** Velero's custom resources (BackupStorageLocation, Schedules): `dist/needs-velero`, after the CRDs of `50-backup`. */
export const VELERO_RESOURCES_UNIT = { folder: 'needs-velero', wave: 51, description: 'Velero: BackupStorageLocation and Schedules (needs the Velero CRDs of 50-backup)' };

/** What the backup part built; `coverage` is filled when the coverage check runs (at synth). */
export interface BackupOutput {
  readonly etcd?: EtcdSnapshot;
  readonly velero?: Velero;
  coverage: readonly CoverageRow[];
}

/** The etcd client Secret, created once from a control-plane node's /etc/kubernetes/pki (never in dist/). */
export function etcdClientSecret(b: BackupConfig): FirstTimeSecret {
  const pki = '/etc/kubernetes/pki';
  return {
    namespace: b.namespace,
    name: b.etcd.clientSecret,
    keys: [
      { key: ETCD_SECRET_KEYS.ca, description: `the etcd CA, ${pki}/etcd/ca.crt`, value: 'provided' },
      { key: ETCD_SECRET_KEYS.cert, description: `kubeadm's etcd client certificate, ${pki}/apiserver-etcd-client.crt`, value: 'provided' },
      {
        key: ETCD_SECRET_KEYS.key,
        description: `its key, ${pki}/apiserver-etcd-client.key — on a control-plane node: sudo kubectl --kubeconfig /etc/kubernetes/admin.conf -n ${b.namespace} create secret generic ${b.etcd.clientSecret} --from-file=${ETCD_SECRET_KEYS.ca}=${pki}/etcd/ca.crt --from-file=${pki}/${ETCD_SECRET_KEYS.cert} --from-file=${pki}/${ETCD_SECRET_KEYS.key}`,
        value: 'provided',
      },
    ],
    readBy: 'the etcd snapshot CronJob',
    configKey: 'backup.etcd.clientSecret',
  };
}

/** The Secret the BackupStorageLocation names: the object store's access key, as an AWS credentials file. */
export function veleroCredentialsSecret(b: BackupConfig): FirstTimeSecret {
  return {
    namespace: b.velero.namespace,
    name: b.velero.credentialsSecret,
    keys: [{
      key: DEFAULT_VELERO.credentialsKey,
      description: `an AWS credentials file for the object store ("[default]", then aws_access_key_id and aws_secret_access_key lines) — kubectl -n ${b.velero.namespace} create secret generic ${b.velero.credentialsSecret} --from-file=${DEFAULT_VELERO.credentialsKey}=./credentials-velero`,
      value: 'provided',
    }],
    readBy: 'the Velero server and node-agent (through the BackupStorageLocation)',
    configKey: 'backup.velero.credentialsSecret',
  };
}

/**
 * Backups: etcd snapshots (kubeadm), Velero when an object store is given, and the coverage check that proves every
 * volume in dist/ is protected — by its part's own dump, a Velero file-system backup, or an explicit
 * `backup.notBackedUp` entry with a reason. The check sees every part's `backupVolumes` offer and every claim in the
 * synthesized objects, so a part that forgets to offer its volume is caught too. Nothing is deployed when the section
 * is omitted or `backup.enabled` is false.
 */
export const backupPart = definePart({
  key: 'backup',
  schema: backupSchema,
  configType: sectionTypeIn('backup', 'BackupConfig', {
      'etcd': 'EtcdSnapshotConfig', 'velero': 'VeleroConfig', 'velero.objectStore': 'ObjectStoreConfig', 'velero.schedules[]': 'VeleroScheduleConfig', 'notBackedUp[]': 'NotBackedUp',
      'etcd.resources': 'BackupContainerResources', 'velero.resources.server': 'BackupContainerResources', 'velero.resources.nodeAgent': 'BackupContainerResources',
    }),
  enabled: (b: BackupConfig) => b.enabled,
  namespaces: (b) => backupNamespaces(b),
  checkConfig: (b, { whole, problems }) => checkBackupConfig(b, whole.cluster, problems),
  build: ({ scope, config: b, platform }): BackupOutput => {
    const cluster = platform.cluster;
    if (!etcdCronJobEnabled(b) && !veleroEnabled(b)) return { coverage: [] };
    const chart = new PlatformChart(scope as Construct, 'Backup', BACKUP_UNIT);
    const etcd = etcdCronJobEnabled(b) ? buildEtcd(chart, b, cluster) : undefined;
    const store = veleroEnabled(b) ? b.velero.objectStore : undefined;
    const endpoint = store ? objectStoreEndpoint(store) : undefined;
    const velero = store && endpoint?.cidr ? new Velero(chart, 'Velero', {
      namespace: b.velero.namespace,
      objectStore: { url: store.url, bucket: store.bucket, prefix: store.prefix, region: store.region, cidr: endpoint.cidr, port: endpoint.port },
      credentialsSecret: b.velero.credentialsSecret,
      apiServer: apiServerOf(cluster),
      // The node-agent tolerates no taint (it runs where ordinary pods and their volumes are), but the quota is sized
      // for a pod on every node, as the quota check counts DaemonSets: a node untainted later still fits.
      nodeAgentNodes: cluster.nodes.length,
      dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
      image: b.velero.image,
      awsPluginImage: b.velero.awsPluginImage,
      serverResources: b.velero.resources.server,
      nodeAgentResources: b.velero.resources.nodeAgent,
    }) : undefined;
    return { etcd, velero, coverage: [] };
  },
  offers: (out, b) => {
    const volumes: BackupVolume[] = out.etcd ? [{
      namespace: out.etcd.namespace,
      claim: out.etcd.claim.name,
      persistentVolume: out.etcd.volume.name,
      nfs: { server: out.etcd.volume.server, path: out.etcd.volume.path },
      description: `etcd snapshots (NFS ${out.etcd.volume.server}:${out.etcd.volume.path})`,
      protectedBy: { kind: 'holds-backups' },
    }] : [];
    return {
      firstTimeSecrets: [...(out.etcd ? [etcdClientSecret(b)] : []), ...(out.velero ? [veleroCredentialsSecret(b)] : [])],
      scrapeTargets: out.velero ? [
        { job: 'velero', pods: out.velero.serverPods, app: 'velero', port: Port.tcp('metrics'), description: 'Prometheus scrapes the Velero server (backup and schedule metrics)' },
        { job: 'velero-node-agent', pods: out.velero.nodeAgentPods, app: 'node-agent', port: Port.tcp('metrics'), description: 'Prometheus scrapes the Velero node-agents (file-system backup metrics)' },
      ] : [],
      backupVolumes: volumes,
      // Backups that fail loudly: every CronJob (etcd snapshots, dumps) and every Velero Schedule.
      alertRuleGroups: [backupAlertRules(out.velero ? b.velero.schedules : [])],
      dashboards: [{ file: BACKUP_DASHBOARD_FILE, dashboard: backupDashboard(out.velero !== undefined) }],
    };
  },
  connect: (out, { scope, config: b, offers }) => {
    const notBackedUp = b.notBackedUp;
    const schedules = out.velero ? b.velero.schedules : [];
    if (out.velero) {
      // Database directories a dump covers are skipped by file-system backups (Velero matches NFS volumes by server and path).
      const skip = offers.backupVolumes.filter((v) => v.protectedBy?.kind === 'dump' && v.nfs).map((v) => v.nfs!);
      out.velero.addCustomResources(new PlatformChart(scope, 'VeleroResources', VELERO_RESOURCES_UNIT), schedules, skip);
    }
    scope.node.addValidation({
      validate: () => {
        const rows = backupCoverage({ objects: volumeObjects(scope), offered: offers.backupVolumes, schedules, notBackedUp });
        out.coverage = rows;
        const problems = coverageProblems(rows, notBackedUp);
        if (out.velero) {
          // Only where a file-system backup would reach it: a Schedule that leaves the namespace out is the fix offered.
          for (const v of offers.backupVolumes.filter((o) => o.protectedBy?.kind === 'dump' && !o.nfs)) {
            const schedule = fsbScheduleFor(v.namespace, schedules);
            if (!schedule) continue;
            problems.push(`backup coverage: ${v.namespace}/${v.claim} is covered by a dump but is not on NFS, so Velero's volume policy cannot skip it; Schedule ${show(schedule.name)}'s file-system backup would copy a live database directory. Offer its NFS location, or add ${show(v.namespace)} to backup.velero.schedules[].excludedNamespaces of every Schedule with fileSystemBackup (or set its fileSystemBackup: false).`);
          }
        }
        if (problems.length === 0) return [];
        // The table is context for the last problem (its lines are not more problems to count).
        return [...problems.slice(0, -1), [problems[problems.length - 1], ...renderCoverage(rows).map((l) => `    ${l}`)].join('\n')];
      },
    });
  },
  notices: (b, out) => [
    ...(b.enabled && b.etcd.enabled && b.etcd.distribution === 'k3s'
      ? ['notice: backup.etcd.distribution is k3s: no snapshot CronJob is deployed; k3s snapshots etcd itself (docs/backup.md, "k3s").']
      : []),
    ...(b.enabled && !b.velero.objectStore ? ['notice: backup.velero.objectStore is not set: Velero is not deployed (cluster resources and volumes are not backed up off the cluster; docs/backup.md, "Object store").'] : []),
    ...(out ? renderCoverage(out.coverage) : []),
  ],
});

/** The backup namespace (restricted) and the etcd snapshot CronJob in it. */
function buildEtcd(chart: Construct, b: BackupConfig, cluster: ClusterConfig): EtcdSnapshot {
  new NamespaceBaseline(chart, 'Namespace', {
    name: b.namespace,
    part: 'backup',
    podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
    allowSameNamespace: false,
    dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
  });
  return new EtcdSnapshot(chart, 'EtcdSnapshot', {
    namespace: b.namespace,
    members: cluster.nodes.filter((n) => n.role === 'control-plane').map((n) => ({ name: n.name, ip: n.ip })),
    nfsServer: etcdNfsServer(b, cluster),
    exportPath: b.etcd.exportPath,
    size: b.etcd.size,
    schedule: b.etcd.schedule,
    timeZone: b.etcd.timeZone,
    keep: b.etcd.keep,
    clientSecret: b.etcd.clientSecret,
    image: b.etcd.image,
    shellImage: b.etcd.shellImage,
    resources: b.etcd.resources,
  });
}
