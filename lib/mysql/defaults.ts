/**
 * Defaults and fixed names of the MySQL cluster. The construct resolves its props against these (`??`) and the
 * `mysql:` section of platform.schema.json publishes the same values, so the docs an editor shows cannot drift.
 * Names come from the reference notes' lab write-up (StatefulSet and Service `mysql`, PVs `mysql-pv`, `mysql-pv1`,
 * `mysql-pv2` on exports `/nfs_mysql*` of the NFS server, 5Gi each, StorageClass `nfs`).
 */
import { ContainerResources, ImageRef, resources } from '../core/security';
import { imagePin } from '../versions';

/**
 * MySQL 8.4 LTS, the official image (Oracle Linux 9 based; bash, coreutils, findutils and gzip included, which the
 * scripts need). The exact patch release, its support end and its source are the `mysql` row of lib/versions.ts.
 */
export const MYSQL_IMAGE: ImageRef = imagePin('mysql');

/**
 * prom/mysqld-exporter (the `mysqldExporter` row of lib/versions.ts): the same pin the observability stack's dashboards
 * and alert rules are written for. It speaks MySQL 8.4 (SHOW REPLICA STATUS) and takes its password from the
 * MYSQLD_EXPORTER_PASSWORD environment variable (DATA_SOURCE_NAME is gone since v0.15).
 */
export const MYSQLD_EXPORTER_IMAGE: ImageRef = imagePin('mysqldExporter');

export const DEFAULT_NAMESPACE = 'mysql';
export const DEFAULT_REPLICAS = 3;
/** One export per replica, in ordinal order (the notes' three directories on the NFS server). */
export const DEFAULT_EXPORT_PATHS: readonly string[] = ['/nfs_mysql', '/nfs_mysql1', '/nfs_mysql2'];
/** Capacity of each data PersistentVolume (the notes' 5Gi). */
export const DEFAULT_PV_SIZE = '5Gi';
/** Size each replica's claim requests; at most the PV size. */
export const DEFAULT_REQUEST_SIZE = '5Gi';
/** The Secret holding the four passwords, created out of band (docs/mysql.md). */
export const DEFAULT_CREDENTIALS_SECRET = 'mysql-credentials';

/**
 * mysqld: Burstable. The request (256Mi) is what the lab's 2 GiB workers can give three members next to the
 * observability stack; the limit (512Mi) is what the buffer pool is sized from (see `bufferPoolBytes`).
 */
export const DEFAULT_MYSQLD_RESOURCES: ContainerResources = resources('200m', '256Mi', '500m', '512Mi');
/** mysqld-exporter: a Go process with a handful of connections (MAX_USER_CONNECTIONS 3). */
export const DEFAULT_EXPORTER_RESOURCES: ContainerResources = resources('10m', '32Mi', '100m', '64Mi');
/** config.sh copies one small file; requests equal limits so it never lowers the pod's numbers. */
export const CONFIG_INIT_RESOURCES: ContainerResources = resources('10m', '16Mi', '100m', '32Mi');
/** mysqldump streams rows (`--single-transaction`, quick mode) through gzip: little memory, some CPU. */
export const DEFAULT_BACKUP_RESOURCES: ContainerResources = resources('50m', '64Mi', '500m', '256Mi');

export const DEFAULT_BACKUP = {
  enabled: true,
  /** Daily at 02:30 (in `timeZone`): a quiet hour for a lab. */
  schedule: '30 2 * * *',
  timeZone: 'Etc/UTC',
  retentionDays: 7,
  exportPath: '/nfs_mysql_backup',
  /** Capacity of the backup volume: a week of gzip'd dumps of a 5Gi database with room to spare. */
  size: '10Gi',
} as const;

/**
 * Seconds Kubernetes waits between SIGTERM and SIGKILL. mysqld shuts down cleanly on SIGTERM: it stops accepting
 * connections, waits for running statements, and (innodb_fast_shutdown=1) flushes the redo log and the dirty
 * pages it must. On NFS at lab speeds, flushing a 192 MiB buffer pool that is mostly dirty takes tens of seconds;
 * 120 s leaves room for that, while a SIGKILL would leave crash recovery for the next start.
 */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 120;

/** The StatefulSet and the headless Service that gives pods their `mysql-N.mysql` names. */
export const STATEFULSET_NAME = 'mysql';
export const HEADLESS_SERVICE_NAME = 'mysql';
export const PRIMARY_SERVICE_NAME = 'mysql-primary';
export const READ_SERVICE_NAME = 'mysql-read';
/** The notes' volumeClaimTemplate name: claims are `mysql-persistent-storage-mysql-<ordinal>`. */
export const CLAIM_TEMPLATE_NAME = 'mysql-persistent-storage';
export const BACKUP_PV_NAME = 'mysql-backup-pv';
export const BACKUP_CLAIM_NAME = 'mysql-backup';

/** The notes' PV names: `mysql-pv` for ordinal 0, then `mysql-pv1`, `mysql-pv2`, … */
export function dataVolumeName(ordinal: number): string {
  return ordinal === 0 ? 'mysql-pv' : `mysql-pv${ordinal}`;
}

export const MYSQL_PORT = 3306;
export const MYSQL_PORT_NAME = 'mysql';
export const METRICS_PORT = 9104;
export const METRICS_PORT_NAME = 'metrics';

/** uid and gid of the `mysql` user in the official image; the NFS exports must belong to it. */
export const MYSQL_UID = 999;

/** Keys of the credentials Secret (lib/mysql/scripts/README.md). */
export const CREDENTIAL_KEYS = {
  root: 'root-password',
  replication: 'replication-password',
  exporter: 'exporter-password',
  backup: 'backup-password',
} as const;

/** Where things live inside the containers (the contract of lib/mysql/scripts). */
export const PATHS = {
  scripts: '/opt/platform-kit/mysql',
  baseConfigDir: '/etc/mysql/base',
  configDir: '/etc/mysql/platform-kit',
  credentials: '/etc/mysql/credentials',
  dataMount: '/var/lib/mysql',
  datadir: '/var/lib/mysql/data',
  run: '/var/run/mysqld',
  socket: '/var/run/mysqld/mysqld.sock',
  tmp: '/tmp',
  backup: '/backup',
} as const;

/** Size limit of the /tmp emptyDir: the scratch server a replica clones through needs about 200 MB. */
export const TMP_SIZE_LIMIT = '512Mi';
