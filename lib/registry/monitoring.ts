import { dashboard, Layout, stat, timeseries } from '../observability/config-files/dashboards/common';
import { OfferedAlertRuleGroup, OfferedDashboard } from '../parts/platform-part';
import { RegistryConfig } from './config';

/** Share of the blob volume left free below which the storage alerts fire (warning, then critical). */
export const BLOB_FREE_WARNING = 0.15;
export const BLOB_FREE_CRITICAL = 0.05;

const JOBS = 'harbor-core|harbor-registry|harbor-jobservice|harbor-exporter';

/**
 * Harbor's alerts: a component down (Prometheus cannot scrape it, or the exporter reports it unhealthy), and the
 * blob volume filling up. kubelet_volume_stats_* covers the NFS claim too: it reports the export's filesystem.
 */
export function harborAlertRules(r: RegistryConfig, blobClaim: string): OfferedAlertRuleGroup[] {
  const volume = `namespace="${r.namespace}",persistentvolumeclaim="${blobClaim}"`;
  const free = `kubelet_volume_stats_available_bytes{${volume}} / kubelet_volume_stats_capacity_bytes{${volume}}`;
  return [{
    name: 'harbor',
    rules: [
      {
        alert: 'HarborDown',
        expr: `up{job=~"${JOBS}"} == 0`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Harbor {{ $labels.job }} is down', description: 'Prometheus has not scraped {{ $labels.job }} ({{ $labels.instance }}) for 5 minutes: pushes and pulls through Harbor may fail.' },
      },
      {
        alert: 'HarborComponentUnhealthy',
        expr: 'harbor_up == 0',
        for: '5m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Harbor component {{ $labels.component }} is unhealthy', description: 'The Harbor exporter has reported {{ $labels.component }} as down for 5 minutes.' },
      },
      {
        alert: 'HarborRegistryStorageFilling',
        expr: `${free} < ${BLOB_FREE_WARNING}`,
        for: '15m',
        labels: { severity: 'warning' },
        annotations: { summary: 'Harbor blob storage is over 85% full', description: `Less than ${BLOB_FREE_WARNING * 100}% of the registry's blob volume is free; run garbage collection or grow the NFS export.` },
      },
      {
        alert: 'HarborRegistryStorageAlmostFull',
        expr: `${free} < ${BLOB_FREE_CRITICAL}`,
        for: '5m',
        labels: { severity: 'critical' },
        annotations: { summary: 'Harbor blob storage is almost full', description: `Less than ${BLOB_FREE_CRITICAL * 100}% of the registry's blob volume is free; pushes will fail when it is full.` },
      },
    ],
  }];
}

/** The Harbor dashboard: availability, API traffic, storage and the job queue. */
export function harborDashboard(r: RegistryConfig, blobClaim: string): OfferedDashboard {
  const l = new Layout();
  const volume = `namespace="${r.namespace}",persistentvolumeclaim="${blobClaim}"`;
  const panels = [
    stat(l, { title: 'Components up', query: { expr: `sum(up{job=~"${JOBS}"})` }, thresholds: [['red', null], ['green', 4]] }),
    stat(l, { title: 'Blob storage used', unit: 'percentunit', query: { expr: `1 - kubelet_volume_stats_available_bytes{${volume}} / kubelet_volume_stats_capacity_bytes{${volume}}` }, thresholds: [['green', null], ['orange', 1 - BLOB_FREE_WARNING], ['red', 1 - BLOB_FREE_CRITICAL]] }),
    stat(l, { title: 'Projects', query: { expr: 'sum(harbor_project_total)' } }),
    stat(l, { title: 'Artifact pulls', query: { expr: 'sum(harbor_artifact_pulled)' } }),
    timeseries(l, { title: 'Core API requests', unit: 'reqps', queries: [{ expr: 'sum by (code) (rate(harbor_core_http_request_total[$__rate_interval]))', legend: '{{code}}' }] }),
    timeseries(l, { title: 'Registry requests', unit: 'reqps', queries: [{ expr: 'sum by (code) (rate(registry_http_requests_total[$__rate_interval]))', legend: '{{code}}' }] }),
    timeseries(l, { title: 'Job queue', queries: [{ expr: 'sum by (type) (harbor_task_queue_size)', legend: '{{type}}' }] }),
    timeseries(l, { title: 'Blob storage', unit: 'bytes', queries: [
      { expr: `kubelet_volume_stats_used_bytes{${volume}}`, legend: 'used' },
      { expr: `kubelet_volume_stats_capacity_bytes{${volume}}`, legend: 'capacity' },
    ] }),
  ];
  return {
    file: 'harbor.json',
    dashboard: dashboard({ uid: 'platform-kit-harbor', title: 'Harbor', description: 'Harbor registry: components, API traffic, storage, jobs.', tags: ['harbor', 'registry'], panels, variables: [] }),
  };
}
