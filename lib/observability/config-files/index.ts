/** Pure generators of the observability stack's configuration files (no cdk8s). */
export * from './versions';
export { lokiConfig, LOKI_SCHEMA_FROM } from './loki';
export type { LokiConfigOptions } from './loki';
export { alloyConfig, lokiPushUrl, LOKI_PUSH_PATH } from './alloy';
export type { AlloyConfigOptions } from './alloy';
export {
  prometheusConfig,
  PROMETHEUS_JOB_NAMES,
  CADVISOR_KEPT_METRICS,
  DEFAULT_NAMESPACES,
  SERVICE_ACCOUNT_CA,
  SERVICE_ACCOUNT_TOKEN,
} from './prometheus';
export type { OfferedScrapeJob, PrometheusConfigOptions, PlatformNamespaces } from './prometheus';
export { alertRules, alertRulesYaml } from './alert-rules';
export type { AlertRule, AlertRuleGroup, AlertRulesOptions, PrometheusRuleFile } from './alert-rules';
export { alertmanagerConfig, NULL_RECEIVER, WEBHOOK_RECEIVER } from './alertmanager';
export type { AlertmanagerConfigOptions } from './alertmanager';
export {
  grafanaDatasources,
  grafanaDashboardProvider,
  grafanaIni,
  PROMETHEUS_DATASOURCE_UID,
  LOKI_DATASOURCE_UID,
} from './grafana';
export type { GrafanaDatasourcesOptions, GrafanaDashboardProviderOptions, GrafanaIniOptions } from './grafana';
export { METRICS_CATALOG, catalogIndex, allowedLabels } from './metrics-catalog';
export type { MetricGroup, MetricSpec } from './metrics-catalog';
export * from './dashboards';
