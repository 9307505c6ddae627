import { ClusterConfig } from '../config/cluster';
import { array, bool, imageSchema, int, JsonSchema, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import { parseQuantity } from '../core/quantity';
import { CRON_SCHEDULE, problemOf } from '../core/validate';
import {
  DEFAULT_ETCD, DEFAULT_ETCD_RESOURCES, DEFAULT_NODE_AGENT_RESOURCES, DEFAULT_VELERO, DEFAULT_VELERO_RESOURCES, ETCD_IMAGE,
  SHELL_IMAGE, VELERO_AWS_PLUGIN_IMAGE, VELERO_IMAGE,
} from './defaults';
import type { BackupConfig, ObjectStoreConfig } from './config.generated';

// The section's types are generated from backupSchema (`npm run schema`).
export type { BackupConfig, BackupContainerResources, EtcdSnapshotConfig, NotBackedUp, ObjectStoreConfig, VeleroConfig, VeleroScheduleConfig } from './config.generated';

const v = DEFAULT_VELERO;
export const backupSchema: JsonSchema = object(
  {
    enabled: bool('Deploy the backups and run the coverage check (every volume in dist/ is backed up, or listed in notBackedUp).', true),
    namespace: str('Namespace of the etcd snapshot CronJob (Pod Security "restricted").', { format: 'dns-label', default: 'backup' }),
    etcd: object(
      {
        enabled: bool('Snapshot etcd on a schedule.', true),
        distribution: str('kubeadm: a CronJob snapshots every control-plane node\'s etcd; k3s: k3s takes its own snapshots (docs/backup.md), nothing is deployed.', { enum: ['kubeadm', 'k3s'], default: 'kubeadm' }),
        schedule: str('Cron schedule (5 fields, or @daily etc.).', { default: DEFAULT_ETCD.schedule, examples: ['0 */6 * * *'] }),
        timeZone: str('Time zone of the schedule (IANA name).', { default: DEFAULT_ETCD.timeZone }),
        keep: int('Snapshots kept per control-plane node (the newest N).', { minimum: 1, default: DEFAULT_ETCD.keep }),
        nfsServer: str('NFS server of the snapshot export. Default: cluster.nfs.server.', { format: 'ipv4' }),
        exportPath: str(`NFS export holding the snapshots, owned by uid 65532 (its own PV etcd-snapshots-pv).`, { format: 'absolute-path', default: DEFAULT_ETCD.exportPath }),
        size: str('Capacity of the snapshot PersistentVolume (and its claim).', { format: 'quantity', default: DEFAULT_ETCD.size }),
        clientSecret: str('Secret in backup.namespace with the etcd CA and a client certificate (keys ca.crt, apiserver-etcd-client.crt, apiserver-etcd-client.key; `npm run secrets` prints the command).', { format: 'dns-subdomain', default: DEFAULT_ETCD.clientSecret }),
        image: imageSchema('etcd release image (etcdctl and etcdutl).', ETCD_IMAGE),
        shellImage: imageSchema('Image of the step that files the verified snapshots and prunes old ones (needs sh, mv, ls, rm).', SHELL_IMAGE),
        resources: resourcesSchema('Each container of the snapshot job.', DEFAULT_ETCD_RESOURCES),
      },
      { default: {}, description: 'etcd snapshots (etcdctl snapshot save against each control-plane node, verified with etcdutl snapshot status).' },
    ),
    velero: object(
      {
        namespace: str('Namespace of the Velero server and node-agent (Pod Security "privileged": the node-agent reads the kubelet\'s pod directory).', { format: 'dns-label', default: v.namespace }),
        objectStore: object(
          {
            url: str('S3 endpoint URL of the object store (Garage, SeaweedFS, Ceph RGW, or a cloud S3).', { format: 'url', examples: ['http://10.10.10.50:3900'] }),
            bucket: str('Bucket (created beforehand).', { format: 'dns-subdomain' }),
            prefix: str('Folder inside the bucket (e.g. "velero/lab"). Default: the bucket root.'),
            region: str('Region the store expects (most self-hosted stores accept any, e.g. "garage" or "us-east-1").', { default: v.region }),
            cidr: str('Addresses of the endpoint for the egress flow. Default: the URL\'s host as /32 (required when the host is a name).', { format: 'ipv4-cidr' }),
          },
          { required: ['url', 'bucket'], description: 'Where Velero writes. Without it Velero is not deployed.' },
        ),
        credentialsSecret: str('Secret in velero.namespace with key "cloud": an AWS credentials file for the store (docs/backup.md).', { format: 'dns-subdomain', default: v.credentialsSecret }),
        image: imageSchema('Velero server image.', VELERO_IMAGE),
        awsPluginImage: imageSchema('Velero plugin for AWS/S3-compatible stores.', VELERO_AWS_PLUGIN_IMAGE),
        schedules: array(
          object(
            {
              name: str('Schedule name (also the prefix of its Backups).', { format: 'dns-label' }),
              schedule: str('Cron schedule (in UTC: Velero has no time zone field).', { examples: ['0 3 * * *'] }),
              ttl: str('How long each Backup is kept (Go duration).', { default: v.schedule.ttl, examples: ['720h0m0s'] }),
              includedNamespaces: array(str('Namespace, or "*".'), 'Namespaces backed up.', { default: ['*'], minItems: 1, uniqueItems: true }),
              excludedNamespaces: array(str('Namespace.', { format: 'dns-label' }), 'Namespaces left out.', { default: [], uniqueItems: true }),
              fileSystemBackup: bool('Back up the volumes of running pods with the node-agent (Kopia); databases covered by a dump are skipped.', true),
            },
            { required: ['name', 'schedule'] },
          ),
          'Velero Schedules.',
          { default: [{ name: v.schedule.name, schedule: v.schedule.schedule }], minItems: 1 },
        ),
        resources: object(
          {
            server: resourcesSchema('Velero server (with the plugin init container\'s copy step sized apart).', DEFAULT_VELERO_RESOURCES),
            nodeAgent: resourcesSchema('node-agent, on every worker.', DEFAULT_NODE_AGENT_RESOURCES),
          },
          { default: {}, description: 'Requests and limits.' },
        ),
      },
      { default: {}, description: 'Velero for cluster resources and file-system backups of volumes; deployed only when objectStore is given.' },
    ),
    notBackedUp: array(
      object(
        {
          namespace: str('Namespace of the claim.', { format: 'dns-label' }),
          claim: str('PersistentVolumeClaim name.', { format: 'dns-subdomain' }),
          reason: str('Why losing it is acceptable (e.g. "metrics: 15 days, re-collected").'),
        },
        { required: ['namespace', 'claim', 'reason'] },
      ),
      'Volumes deliberately not backed up, each with its reason (the coverage check accepts them).',
      { default: [] },
    ),
  },
  // Omitted: off (nothing to cover for a cluster that has not decided yet). Present: on unless `enabled: false`.
  { default: { enabled: false }, description: 'Backups: etcd snapshots, Velero, and a synth-time check that every volume is covered (docs/backup.md).' },
);

/** Whether Velero is deployed: only with an object store to write to. */
export function veleroEnabled(b: BackupConfig): b is BackupConfig & { velero: { objectStore: ObjectStoreConfig } } {
  return b.enabled && b.velero.objectStore !== undefined;
}

/** Whether the snapshot CronJob is deployed. */
export function etcdCronJobEnabled(b: BackupConfig): boolean {
  return b.enabled && b.etcd.enabled && b.etcd.distribution === 'kubeadm';
}

export function backupNamespaces(b: BackupConfig): string[] {
  return [...(etcdCronJobEnabled(b) ? [b.namespace] : []), ...(veleroEnabled(b) ? [b.velero.namespace] : [])];
}

const URL_PARTS = /^(https?):\/\/([^/:]+)(?::(\d+))?(\/.*)?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Host, port and the CIDR of the object store's endpoint. */
export function objectStoreEndpoint(store: ObjectStoreConfig): { host: string; port: number; cidr: string | undefined } {
  const m = URL_PARTS.exec(store.url);
  if (!m) return { host: '', port: 0, cidr: store.cidr };
  const port = m[3] !== undefined ? Number(m[3]) : m[1] === 'https' ? 443 : 80;
  return { host: m[2], port, cidr: store.cidr ?? (IPV4.test(m[2]) ? `${m[2]}/32` : undefined) };
}

/** The NFS server of the snapshot export: its own, or the cluster's. */
export function etcdNfsServer(b: BackupConfig, cluster: ClusterConfig): string {
  return b.etcd.nfsServer ?? cluster.nfs.server;
}

/** Cross-field checks of the section, run after schema validation. */
export function checkBackupConfig(b: BackupConfig, cluster: ClusterConfig, problems: ProblemList): void {
  if (!b.enabled) return;
  if (etcdCronJobEnabled(b)) {
    const etcdSchedule = problemOf(CRON_SCHEDULE, b.etcd.schedule, 'backup.etcd.schedule');
    if (etcdSchedule !== undefined) problems.add(etcdSchedule);
    if (parseQuantity(b.etcd.size) <= 0) problems.add(`backup.etcd.size: ${show(b.etcd.size)} must be larger than 0 (example: "5Gi").`);
    if (!cluster.nodes.some((n) => n.role === 'control-plane')) problems.add('backup.etcd: no node has `role: control-plane`, so there is no etcd to snapshot; mark the control-plane node(s) in cluster.nodes.');
  }
  const store = b.velero.objectStore;
  if (store) {
    if (!URL_PARTS.test(store.url)) problems.add(`backup.velero.objectStore.url: ${show(store.url)} is not an http(s) endpoint; write e.g. "http://10.10.10.50:3900".`);
    else if (objectStoreEndpoint(store).cidr === undefined) problems.add(`backup.velero.objectStore.cidr: missing; the endpoint ${show(store.url)} is a name, so give the addresses Velero connects to (e.g. "10.10.10.50/32").`);
    if (b.velero.namespace === b.namespace) problems.add(`backup.velero.namespace: ${show(b.velero.namespace)} is also backup.namespace; Velero's namespace is "privileged" (node-agent), the snapshot job's is "restricted": give them different names.`);
    const names = new Set<string>();
    b.velero.schedules.forEach((s, i) => {
      if (names.has(s.name)) problems.add(`backup.velero.schedules[${i}].name: ${show(s.name)} is used twice; give each Schedule its own name.`);
      names.add(s.name);
      const schedule = problemOf(CRON_SCHEDULE, s.schedule, `backup.velero.schedules[${i}].schedule`);
      if (schedule !== undefined) problems.add(schedule);
      if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(s.ttl) || s.ttl === '') problems.add(`backup.velero.schedules[${i}].ttl: ${show(s.ttl)} is not a duration; write hours, minutes, seconds (e.g. "720h0m0s" for 30 days).`);
    });
  }
  const seen = new Set<string>();
  b.notBackedUp.forEach((n, i) => {
    const key = `${n.namespace}/${n.claim}`;
    if (seen.has(key)) problems.add(`backup.notBackedUp[${i}]: ${show(key)} is listed twice; keep one entry.`);
    seen.add(key);
    if (n.reason.trim().length < 10) problems.add(`backup.notBackedUp[${i}].reason: ${show(n.reason)} does not say why; write the reason losing ${key} is acceptable (e.g. "metrics, 15 days, re-collected").`);
  });
}
