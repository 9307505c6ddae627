import { checkRequestsWithinLimits } from '../config/resource-limits';
import { timeZoneProblem } from '../core/validate/time-zone';
import { array, bool, imageSchema, int, JsonSchema, nfsDumpSchema, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show, showList } from '../core/errors';
import { formatBytes, isQuantity, parseQuantity } from '../core/quantity';
import { DEFAULT_NFS_MOUNT_OPTIONS } from '../storage/nfs-volume';
import { takenNamespace } from '../tenancy/config';
import {
  DEFAULT_BACKUP, DEFAULT_BACKUP_RESOURCES, DEFAULT_CREDENTIALS_SECRET, DEFAULT_EXPORT_PATHS,
  DEFAULT_EXPORTER_RESOURCES, DEFAULT_MYSQLD_RESOURCES, DEFAULT_NAMESPACE, DEFAULT_PV_SIZE, DEFAULT_REPLICAS,
  DEFAULT_REQUEST_SIZE, MYSQL_IMAGE, MYSQLD_EXPORTER_IMAGE,
} from './defaults';
import { MIN_MYSQLD_MEMORY_LIMIT } from './server-config';
import type { MySqlConfig } from './config.generated';

// The section's types are generated from mysqlSchema (`npm run schema`).
export type { FullResources, MySqlBackupConfig, MySqlConfig } from './config.generated';




const b = DEFAULT_BACKUP;

export const mysqlSchema: JsonSchema = object(
  {
    enabled: bool('Deploy the MySQL cluster (dist/20-mysql.*.yaml).', true),
    namespace: str('Namespace of the cluster (created with the tenancy baseline at Pod Security "restricted").', { format: 'dns-label', default: DEFAULT_NAMESPACE }),
    replicas: int('Members: pod 0 is the primary, the others replicate from it. Each needs its own entry in exportPaths.', { minimum: 1, default: DEFAULT_REPLICAS }),
    image: imageSchema('MySQL server image (8.4 LTS; the scripts need its bash and client programs).', MYSQL_IMAGE),
    exporterImage: imageSchema('mysqld-exporter image (the metrics sidecar).', MYSQLD_EXPORTER_IMAGE),
    nfsServer: str('NFS server of the data and backup exports. Default: cluster.nfs.server.', { format: 'ipv4' }),
    exportPaths: array(
      str('Exported directory, owned by uid 999.', { format: 'absolute-path' }),
      'One NFS export per member, in ordinal order: member N (PV mysql-pvN, "mysql-pv" for 0) uses entry N. Entries beyond replicas keep their PV for scaling up.',
      { default: [...DEFAULT_EXPORT_PATHS], minItems: 1, uniqueItems: true },
    ),
    nfsMountOptions: array(str('Mount option ("hard", "nfsvers=4.1").'), 'Mount options of every NFS volume ("soft" is refused: it corrupts databases).', { default: [...DEFAULT_NFS_MOUNT_OPTIONS], uniqueItems: true }),
    pvSize: str('Capacity of each data PersistentVolume.', { format: 'quantity', default: DEFAULT_PV_SIZE }),
    requestSize: str('Size each member\'s claim requests (at most pvSize).', { format: 'quantity', default: DEFAULT_REQUEST_SIZE }),
    resources: object(
      {
        mysqld: resourcesSchema('mysqld (and the bootstrap init container, which runs temporary servers). innodb_buffer_pool_size = limits.memory - 320Mi, in 32Mi steps.', DEFAULT_MYSQLD_RESOURCES),
        exporter: resourcesSchema('mysqld-exporter sidecar.', DEFAULT_EXPORTER_RESOURCES),
      },
      { default: {}, description: 'Requests and limits per container.' },
    ),
    credentialsSecret: str('Existing Secret in the namespace with keys root-password, replication-password, exporter-password, backup-password (docs/mysql.md).', { format: 'dns-subdomain', default: DEFAULT_CREDENTIALS_SECRET }),
    clients: array(
      str('Tenant namespace.', { format: 'dns-label' }),
      'Tenant namespaces whose pods may connect to port 3306 (both sides of the flow are written); everything else is denied.',
      { default: [], uniqueItems: true },
    ),
    backup: nfsDumpSchema(
      'Consistent logical dumps (mysqldump --single-transaction) of a replica, onto their own NFS export.',
      b,
      {
        enabled: 'Take logical backups with a CronJob.',
        schedule: 'Cron schedule (5 fields, or @daily etc.).',
        retentionDays: 'Days of dumps kept; 0 keeps every dump.',
        exportPath: 'NFS export holding the dumps, owned by uid 999; not one of exportPaths.',
        size: 'Capacity of the backup PersistentVolume (and its claim).',
      },
      {
        scheduleFormat: 'cron', scheduleExamples: ['30 2 * * *'], timeZoneExamples: ['Asia/Shanghai'],
        extra: { resources: resourcesSchema('The backup container.', DEFAULT_BACKUP_RESOURCES) },
      },
    ),
  },
  { default: {}, description: 'MySQL 8.4: a replicated StatefulSet (GTID, clone-provisioned replicas) on one static NFS volume per member, with backups and metrics.' },
);

/** The NFS server of the section: its own, or the cluster's. */
export function mysqlNfsServer(config: { readonly mysql: MySqlConfig; readonly cluster: { readonly nfs: { readonly server: string } } }): string {
  return config.mysql.nfsServer ?? config.cluster.nfs.server;
}


/** Cross-field checks of the section, run after schema validation. */
export function checkMySqlConfig(config: { readonly mysql: MySqlConfig; readonly tenants?: readonly { readonly name: string }[] }, problems: ProblemList): void {
  const m = config.mysql;
  if (!m.enabled) return;
  const at = 'mysql';

  if (m.exportPaths.length < m.replicas) {
    const missing = m.replicas - m.exportPaths.length;
    problems.add(`${at}.exportPaths: ${m.exportPaths.length} export path${m.exportPaths.length === 1 ? '' : 's'} for ${m.replicas} replicas; every member needs its own NFS export (they never share a data directory). Add ${missing} more (e.g. ${show(suggestPath(m.exportPaths))}) or lower mysql.replicas to ${m.exportPaths.length}.`);
  }
  m.exportPaths.forEach((p, i) => {
    m.exportPaths.forEach((q, j) => {
      if (i !== j && q.startsWith(`${p}/`)) {
        problems.add(`${at}.exportPaths[${j}]: ${show(q)} lies inside exportPaths[${i}] (${show(p)}); member ${i} would see member ${j}'s data. Use sibling directories such as "/nfs_mysql" and "/nfs_mysql1".`);
      }
    });
    if (m.backup.enabled && overlaps(p, m.backup.exportPath)) {
      problems.add(`${at}.backup.exportPath: ${show(m.backup.exportPath)} ${p === m.backup.exportPath ? 'is' : 'overlaps'} exportPaths[${i}] (${show(p)}); dumps need an export of their own, e.g. ${show(DEFAULT_BACKUP.exportPath)}.`);
    }
  });
  for (const [field, size] of [['pvSize', m.pvSize], ['requestSize', m.requestSize], ['backup.size', m.backup.size]] as const) {
    // MySqlCluster refuses these too; saying so here gives the line and keeps the "looks like a bug" text away.
    if (isQuantity(size) && parseQuantity(size) <= 0) problems.add(`${at}.${field}: ${show(size)} must be above 0 (example: "5Gi"); a volume of nothing holds no data.`);
  }
  if (isQuantity(m.requestSize) && isQuantity(m.pvSize) && parseQuantity(m.requestSize) > parseQuantity(m.pvSize)) {
    problems.add(`${at}.requestSize: ${show(m.requestSize)} is larger than mysql.pvSize (${show(m.pvSize)}); a claim never binds to a smaller PersistentVolume. Lower requestSize or raise pvSize.`);
  }
  if (m.image.repository.split('/').pop() === MYSQL_IMAGE.repository && !/^8\.4\.\d+/.test(m.image.tag)) {
    problems.add(`${at}.image.tag: ${show(m.image.tag)} is not a MySQL 8.4 release; the scripts and my.cnf are written for 8.4 LTS (e.g. ${show(MYSQL_IMAGE.tag)}).`);
  }
  checkRequestsWithinLimits(`${at}.resources.mysqld`, m.resources.mysqld, problems);
  checkRequestsWithinLimits(`${at}.resources.exporter`, m.resources.exporter, problems);
  checkRequestsWithinLimits(`${at}.backup.resources`, m.backup.resources, problems);
  const memoryLimit = m.resources.mysqld.limits.memory;
  if (isQuantity(memoryLimit) && parseQuantity(memoryLimit) < MIN_MYSQLD_MEMORY_LIMIT) {
    problems.add(`${at}.resources.mysqld.limits.memory: ${show(memoryLimit)} is below ${formatBytes(MIN_MYSQLD_MEMORY_LIMIT)}; mysqld needs about 320Mi besides a buffer pool of at least 64Mi. Raise it (default ${show(DEFAULT_MYSQLD_RESOURCES.limits.memory)}).`);
  }
  m.nfsMountOptions.forEach((option, i) => {
    if (option === 'soft') problems.add(`${at}.nfsMountOptions[${i}]: "soft" returns I/O errors to mysqld when the server is slow, which corrupts InnoDB; use "hard".`);
    else if (!/^[A-Za-z0-9_]+(=[A-Za-z0-9_.,:/-]+)?$/.test(option)) problems.add(`${at}.nfsMountOptions[${i}]: ${show(option)} is not a mount option of the form "name" or "name=value" (examples: "hard", "nfsvers=4.1").`);
  });
  const taken = takenNamespace(m.namespace);
  if (taken !== undefined) {
    problems.add(`${at}.namespace: ${show(m.namespace)} is ${taken}; keep the default ${show(DEFAULT_NAMESPACE)} or choose a new name.`);
  }
  const tenants = (config.tenants ?? []).map((t) => t.name);
  (m.clients ?? []).forEach((client, i) => {
    if (client === m.namespace) {
      problems.add(`${at}.clients[${i}]: ${show(client)} is the MySQL namespace itself; clients are the tenants whose apps connect.`);
    } else if (!tenants.includes(client)) {
      problems.add(`${at}.clients[${i}]: ${show(client)} is not a tenant; add it under tenants: (Platform Kit then writes both sides of the flow to port 3306) or remove it. Tenants: ${showList(tenants)}.`);
    }
  });
  if (m.backup.enabled) {
    const timeZone = timeZoneProblem(m.backup.timeZone, `${at}.backup.timeZone`);
    if (timeZone !== undefined) problems.add(timeZone);
  }
}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function mysqlNamespaces(config: { readonly mysql: MySqlConfig }): string[] {
  return config.mysql.enabled ? [config.mysql.namespace] : [];
}


function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** The next export path in the notes' pattern: /nfs_mysql, /nfs_mysql1, /nfs_mysql2 → /nfs_mysql3. */
function suggestPath(paths: readonly string[]): string {
  const base = paths[0] ?? DEFAULT_EXPORT_PATHS[0];
  for (let n = paths.length; ; n++) {
    const candidate = `${base}${n}`;
    if (!paths.includes(candidate)) return candidate;
  }
}
