import { toYaml } from './yaml-util';

/**
 * Options for the monolithic Loki configuration. Every key written below exists in the Loki 3.x
 * configuration reference (grafana/loki docs/sources/shared/configuration.md) — see the comments.
 */
export interface LokiConfigOptions {
  /** Days of logs to keep; becomes `limits_config.retention_period` (`retentionDays * 24` hours). */
  readonly retentionDays: number;
  /** Per-tenant ingestion rate in MB/s (`limits_config.ingestion_rate_mb`). Default 4 (Loki's default). */
  readonly ingestionRateMb?: number;
  /** Ingestion burst in MB (`limits_config.ingestion_burst_size_mb`). Default `2 * ingestionRateMb`. */
  readonly ingestionBurstSizeMb?: number;
  /** Storage root on the PVC. Default `/var/loki`. */
  readonly pathPrefix?: string;
  /** HTTP port. Default 3100. */
  readonly httpPort?: number;
  /** gRPC port. Default 9095. */
  readonly grpcPort?: number;
  /** Size of the embedded (in-process) query results cache in MB; 0 turns result caching off. Default 32. */
  readonly resultsCacheMb?: number;
  /** Reject samples older than this many hours (`reject_old_samples_max_age`). Default 168 (one week). */
  readonly rejectOldSamplesMaxAgeHours?: number;
  /** Most series one query may return (`max_query_series`). Default 500. */
  readonly maxQuerySeries?: number;
  /** Most log lines one query may return (`max_entries_limit_per_query`). Default 5000. */
  readonly maxEntriesLimitPerQuery?: number;
  /** Log level of the Loki process. Default `info`. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * First day of the TSDB v13 schema period. Fixed (never "today") so that the generated config is
 * deterministic and never rewrites history: Loki reads each period with the schema that was
 * active for it, and this cluster has no data before this date.
 */
export const LOKI_SCHEMA_FROM = '2024-04-01';

/** Loki configuration file (YAML) for a single-binary deployment with filesystem storage. */
export function lokiConfig(opts: LokiConfigOptions): string {
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < 1) {
    throw new Error(`lokiConfig: retentionDays must be a positive integer, got ${opts.retentionDays}`);
  }
  const ingestionRateMb = opts.ingestionRateMb ?? 4;
  if (!(ingestionRateMb > 0)) {
    throw new Error(`lokiConfig: ingestionRateMb must be > 0, got ${ingestionRateMb}`);
  }
  const burst = opts.ingestionBurstSizeMb ?? ingestionRateMb * 2;
  const pathPrefix = opts.pathPrefix ?? '/var/loki';
  const cacheMb = opts.resultsCacheMb ?? 32;
  const rejectHours = opts.rejectOldSamplesMaxAgeHours ?? 168;

  const config = {
    // Single tenant: requests need no X-Scope-OrgID (tenant is "fake").
    auth_enabled: false,
    target: 'all',
    server: {
      http_listen_port: opts.httpPort ?? 3100,
      grpc_listen_port: opts.grpcPort ?? 9095,
      log_level: opts.logLevel ?? 'info',
    },
    common: {
      path_prefix: pathPrefix,
      instance_addr: '127.0.0.1',
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: {
        filesystem: {
          chunks_directory: `${pathPrefix}/chunks`,
          rules_directory: `${pathPrefix}/rules`,
        },
      },
    },
    schema_config: {
      configs: [
        {
          from: LOKI_SCHEMA_FROM,
          store: 'tsdb',
          object_store: 'filesystem',
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        },
      ],
    },
    storage_config: {
      tsdb_shipper: {
        active_index_directory: `${pathPrefix}/tsdb-index`,
        cache_location: `${pathPrefix}/tsdb-cache`,
      },
    },
    compactor: {
      working_directory: `${pathPrefix}/compactor`,
      compaction_interval: '10m',
      retention_enabled: true,
      retention_delete_delay: '2h',
      // Required by Loki 3.x when retention is enabled: where delete requests are kept.
      delete_request_store: 'filesystem',
    },
    limits_config: {
      retention_period: `${opts.retentionDays * 24}h`,
      ingestion_rate_mb: ingestionRateMb,
      ingestion_burst_size_mb: burst,
      reject_old_samples: true,
      reject_old_samples_max_age: `${rejectHours}h`,
      // Sized for 2 CPU / 2-3 GiB nodes: keep fan-out and result sizes small.
      max_query_series: opts.maxQuerySeries ?? 500,
      max_query_parallelism: 4,
      tsdb_max_query_parallelism: 8,
      max_entries_limit_per_query: opts.maxEntriesLimitPerQuery ?? 5000,
      split_queries_by_interval: '1h',
      max_global_streams_per_user: 5000,
      allow_structured_metadata: true,
      volume_enabled: true,
    },
    querier: {
      max_concurrent: 2,
    },
    query_range: {
      cache_results: cacheMb > 0,
      results_cache: {
        cache: {
          embedded_cache: { enabled: cacheMb > 0, max_size_mb: cacheMb },
        },
      },
    },
    // No anonymous usage statistics to stats.grafana.org.
    analytics: { reporting_enabled: false },
  };

  return toYaml(
    config,
    'Loki (monolithic, target=all) - generated by Platform Kit; do not edit by hand.\n' +
      `Filesystem storage under ${pathPrefix} (PVC), single replica, in-memory ring, TSDB schema v13.\n` +
      `Retention: ${opts.retentionDays} day(s), applied by the compactor.`,
  );
}
