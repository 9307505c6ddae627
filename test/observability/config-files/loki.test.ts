import { parse } from 'yaml';
import { lokiConfig, LOKI_SCHEMA_FROM } from '../../../lib/observability/config-files/loki';

describe('lokiConfig', () => {
  const cfg = parse(lokiConfig({ retentionDays: 14 }));

  it('is a monolithic single-tenant config with filesystem storage under /var/loki', () => {
    expect(cfg.auth_enabled).toBe(false);
    expect(cfg.target).toBe('all');
    expect(cfg.server).toEqual({ http_listen_port: 3100, grpc_listen_port: 9095, log_level: 'info' });
    expect(cfg.common.path_prefix).toBe('/var/loki');
    expect(cfg.common.replication_factor).toBe(1);
    expect(cfg.common.ring.kvstore.store).toBe('inmemory');
    expect(cfg.common.storage.filesystem.chunks_directory).toBe('/var/loki/chunks');
    expect(cfg.storage_config.tsdb_shipper.active_index_directory).toMatch(/^\/var\/loki\//);
  });

  it('uses the TSDB v13 schema with a 24h index period from a fixed date', () => {
    expect(cfg.schema_config.configs).toEqual([
      {
        from: LOKI_SCHEMA_FROM,
        store: 'tsdb',
        object_store: 'filesystem',
        schema: 'v13',
        index: { prefix: 'index_', period: '24h' },
      },
    ]);
    expect(LOKI_SCHEMA_FROM).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('enables compactor retention with a filesystem delete-request store', () => {
    expect(cfg.compactor.retention_enabled).toBe(true);
    expect(cfg.compactor.delete_request_store).toBe('filesystem');
    expect(cfg.compactor.working_directory).toBe('/var/loki/compactor');
    expect(cfg.limits_config.retention_period).toBe('336h');
  });

  it('sets ingestion limits, rejects old samples and keeps queries small', () => {
    expect(cfg.limits_config.ingestion_rate_mb).toBe(4);
    expect(cfg.limits_config.ingestion_burst_size_mb).toBe(8);
    expect(cfg.limits_config.reject_old_samples).toBe(true);
    expect(cfg.limits_config.reject_old_samples_max_age).toBe('168h');
    expect(cfg.limits_config.max_query_series).toBeLessThanOrEqual(1000);
    expect(cfg.limits_config.max_query_parallelism).toBeLessThanOrEqual(8);
  });

  it('uses only a small embedded results cache and disables usage reporting', () => {
    expect(cfg.query_range.results_cache.cache.embedded_cache).toEqual({ enabled: true, max_size_mb: 32 });
    expect(JSON.stringify(cfg)).not.toMatch(/memcached|redis/);
    expect(cfg.analytics.reporting_enabled).toBe(false);
    expect(cfg.ruler).toBeUndefined();
  });

  it('honours the options', () => {
    const c = parse(lokiConfig({ retentionDays: 7, ingestionRateMb: 2, resultsCacheMb: 0, pathPrefix: '/data' }));
    expect(c.limits_config.retention_period).toBe('168h');
    expect(c.limits_config.ingestion_rate_mb).toBe(2);
    expect(c.limits_config.ingestion_burst_size_mb).toBe(4);
    expect(c.query_range.cache_results).toBe(false);
    expect(c.query_range.results_cache.cache.embedded_cache.enabled).toBe(false);
    expect(c.common.path_prefix).toBe('/data');
  });

  it('sets the query limits it is given, and keeps the defaults otherwise', () => {
    const custom = parse(lokiConfig({ retentionDays: 7, maxQuerySeries: 1000, maxEntriesLimitPerQuery: 20000 }));
    expect(custom.limits_config).toMatchObject({ max_query_series: 1000, max_entries_limit_per_query: 20000 });
    const defaults = parse(lokiConfig({ retentionDays: 7 }));
    expect(defaults.limits_config).toMatchObject({ max_query_series: 500, max_entries_limit_per_query: 5000 });
  });

  it('rejects nonsense', () => {
    expect(() => lokiConfig({ retentionDays: 0 })).toThrow(/retentionDays/);
    expect(() => lokiConfig({ retentionDays: 1.5 })).toThrow(/retentionDays/);
    expect(() => lokiConfig({ retentionDays: 3, ingestionRateMb: 0 })).toThrow(/ingestionRateMb/);
  });

  it('is deterministic', () => {
    expect(lokiConfig({ retentionDays: 14 })).toBe(lokiConfig({ retentionDays: 14 }));
  });
});
