import { ContainerResources, resources } from '../core/security';

/**
 * Defaults of the observability stack, sized for the lab cluster (workers of 2 CPU / 2 GiB, of which ~1650m /
 * 1.375 GiB is allocatable, shared with MySQL and the apps). They are used by the constructs (`??`) and published
 * in platform.schema.json, so the documentation an editor shows cannot drift from the code; a test pins them.
 *
 * Budget: on the two workers together the stack requests about 380m CPU and 844Mi memory (DaemonSets counted
 * on both). Limits are higher so a component can burst (a wide Loki query, Prometheus compaction) without
 * being OOM-killed at the first peak; Go components get GOMEMLIMIT just under their limit so the garbage
 * collector works harder before the kernel kills them.
 */
export const OBSERVABILITY_NAMESPACES = {
  /** Loki (and the optional Alloy events collector). */
  logging: 'logging',
  /** Prometheus, Alertmanager, Grafana, kube-state-metrics. */
  monitoring: 'monitoring',
  /** node-exporter and the Alloy DaemonSet: they need the host, so this namespace is Pod Security `privileged`. */
  nodeAgents: 'node-agents',
} as const;

const r = resources;

/** Requests and limits per component (one container each). */
export const DEFAULT_RESOURCES = {
  loki: r('100m', '160Mi', '1', '512Mi'),
  alloy: r('20m', '64Mi', '500m', '256Mi'),
  alloyEvents: r('10m', '48Mi', '200m', '128Mi'),
  prometheus: r('150m', '300Mi', '1', '1Gi'),
  alertmanager: r('10m', '32Mi', '100m', '64Mi'),
  nodeExporter: r('10m', '24Mi', '200m', '64Mi'),
  kubeStateMetrics: r('10m', '48Mi', '100m', '128Mi'),
  grafana: r('50m', '128Mi', '500m', '384Mi'),
} as const satisfies Record<string, ContainerResources>;

/** Local volumes of the two time-series databases. */
export const DEFAULT_STORAGE = {
  storageClassName: 'local-storage',
  prometheus: { path: '/mnt/local-storage/prometheus', size: '10Gi' },
  loki: { path: '/mnt/local-storage/loki', size: '10Gi' },
} as const;

export const DEFAULT_LOKI = {
  retentionDays: 7,
  ingestionRateMb: 4,
  ingestionBurstSizeMb: 8,
  maxQuerySeries: 500,
  maxEntriesLimitPerQuery: 5000,
} as const;

export const DEFAULT_PROMETHEUS = {
  retention: '15d',
  /** Share of the volume `retentionSize` defaults to: the rest is head block, WAL and compaction headroom. */
  retentionSizeRatio: 0.8,
  scrapeIntervalSeconds: 30,
  /** Container port names Prometheus may reach in tenant namespaces (pods annotated `prometheus.io/scrape`). */
  tenantMetricsPortNames: ['metrics'] as readonly string[],
  /** Container port numbers Prometheus may reach in tenant namespaces, for ports that cannot be named. */
  tenantMetricsPorts: [] as readonly number[],
};

export const DEFAULT_GRAFANA = {
  host: 'grafana.lab.example',
  tlsSecretName: 'grafana-tls',
  adminSecretName: 'grafana-admin',
} as const;

/** Keys the existing Grafana admin Secret must hold. */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** Key of the optional Secret holding the Alertmanager webhook URL. */
export const ALERTMANAGER_WEBHOOK_SECRET_KEY = 'url';

/** Where a webhook URL with a token belongs (the loader and the construct give the same fix). */
export const WEBHOOK_CREDENTIAL_FIX = 'put the whole URL in a Secret and name it in webhookUrlSecretName (with webhookPort and webhookCidrs).';
