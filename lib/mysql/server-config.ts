import { show } from '../core/errors';
import { parseQuantity } from '../core/quantity';
import { PATHS } from './defaults';

const MI = 2 ** 20;

/**
 * What mysqld needs besides the buffer pool, inside its memory limit: Performance Schema (autosized from
 * max_connections), the redo log buffer, table and definition caches, the clone plugin's buffers, the binary log
 * cache, and per-connection buffers for `max_connections` sessions.
 */
export const NON_POOL_MEMORY = 320 * MI;
/** The pool is a whole number of chunks (`innodb_buffer_pool_chunk_size`); MySQL would round it up otherwise. */
export const BUFFER_POOL_CHUNK = 32 * MI;
/** The smallest useful pool; below it the memory limit is refused. */
export const MIN_BUFFER_POOL = 64 * MI;
/** The smallest mysqld memory limit: the non-pool memory plus the smallest pool (384Mi). */
export const MIN_MYSQLD_MEMORY_LIMIT = NON_POOL_MEMORY + MIN_BUFFER_POOL;

/**
 * innodb_buffer_pool_size for a mysqld memory limit: the limit minus {@link NON_POOL_MEMORY}, rounded down to whole
 * chunks. 512Mi → 192Mi, 1Gi → 704Mi. Throws below {@link MIN_MYSQLD_MEMORY_LIMIT}: a smaller limit would be OOM
 * killed under load rather than run slowly.
 */
export function bufferPoolBytes(memoryLimit: string): number {
  const limit = parseQuantity(memoryLimit);
  if (limit < MIN_MYSQLD_MEMORY_LIMIT) {
    throw new Error(`mysqld memory limit ${show(memoryLimit)} is below ${MIN_MYSQLD_MEMORY_LIMIT / MI}Mi: mysqld needs about ${NON_POOL_MEMORY / MI}Mi besides a buffer pool of at least ${MIN_BUFFER_POOL / MI}Mi; raise the limit.`);
  }
  return Math.floor((limit - NON_POOL_MEMORY) / BUFFER_POOL_CHUNK) * BUFFER_POOL_CHUNK;
}

export interface ServerConfigOptions {
  /** mysqld's memory limit (Kubernetes quantity); the buffer pool is sized from it. */
  readonly memoryLimit: string;
  /** MySQL TCP port. */
  readonly port: number;
}

/** Most client sessions mysqld admits (apps, replicas, exporter, backup, probes); bounds per-session memory. */
export const MAX_CONNECTIONS = 64;
/** Binary logs are kept three days: enough for a replica that was down over a weekend to catch up. */
export const BINLOG_EXPIRE_SECONDS = 3 * 24 * 3600;

/**
 * The base my.cnf (ConfigMap `mysql-config`). config.sh copies it and appends the per-pod block (server-id,
 * report_host, read_only/super_read_only on replicas); bootstrap.sh runs its temporary servers with the same file,
 * on other data directories — so every log path here is relative to the datadir.
 */
export function renderMyCnf(opts: ServerConfigOptions): string {
  const pool = bufferPoolBytes(opts.memoryLimit);
  const lines = [
    '# Base configuration of the Platform Kit MySQL cluster, generated from platform.yaml: do not edit here.',
    '# config.sh (init container) copies it to /etc/mysql/platform-kit/my.cnf and appends server-id, report_host',
    '# and, on replicas, read_only/super_read_only; later occurrences of an option win.',
    '[mysqld]',
    '# --- files: the data directory is a subdirectory of the NFS volume; log paths are relative to it',
    `datadir = ${PATHS.datadir}`,
    `socket = ${PATHS.socket}`,
    `pid-file = ${PATHS.run}/mysqld.pid`,
    `tmpdir = ${PATHS.tmp}`,
    'secure-file-priv = NULL',
    '# no log-error: the error log goes to stderr, so `kubectl logs` shows it',
    '',
    '# --- network',
    `port = ${opts.port}`,
    'skip-name-resolve',
    '# the X Protocol (33060) is not used; turning it off saves memory and a port',
    'mysqlx = OFF',
    `max_connections = ${MAX_CONNECTIONS}`,
    '',
    '# --- replication: GTID-based, row events (ROW is the default binlog_format, deprecated as a setting since 8.0.34)',
    'gtid_mode = ON',
    'enforce_gtid_consistency = ON',
    'log_bin = binlog',
    'log_replica_updates = ON',
    'relay_log = relay-bin',
    'relay_log_recovery = ON',
    `binlog_expire_logs_seconds = ${BINLOG_EXPIRE_SECONDS}`,
    'max_binlog_size = 64M',
    'sync_binlog = 1',
    '# replicas are provisioned with the clone plugin (bootstrap.sh)',
    'plugin-load-add = mysql_clone.so',
    '',
    `# --- InnoDB, sized from the container memory limit ${opts.memoryLimit}: the pool is the limit minus ${NON_POOL_MEMORY / MI}Mi`,
    `innodb_buffer_pool_size = ${pool / MI}M`,
    `innodb_buffer_pool_chunk_size = ${BUFFER_POOL_CHUNK / MI}M`,
    'innodb_log_buffer_size = 8M',
    'innodb_flush_log_at_trx_commit = 1',
    '# NFS is not an SSD: background flushing at the 8.4 default (10000 IOPS) would saturate it',
    'innodb_io_capacity = 200',
    'innodb_io_capacity_max = 400',
    'table_open_cache = 400',
    'table_definition_cache = 400',
    '',
  ];
  return lines.join('\n');
}
