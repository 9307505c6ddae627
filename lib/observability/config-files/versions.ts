import { requirePinnedImage } from '../../core/validate';
/**
 * Image pins for the observability stack.
 *
 * Every tag below was checked against public release records (release PRs, changelogs and
 * registry-update PRs) before it was pinned; the comment on each names the release and where
 * the fact came from. Pins are exact tags (never `latest`) so a synth is reproducible.
 */

/** A container image split into repository and tag, so constructs can render `repository:tag`. */
export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
}

/** `repository:tag` for an image pin. */
export function imageRef(pin: ImagePin): string {
  requirePinnedImage(pin, 'image');
  return `${pin.repository}:${pin.tag}`;
}

/**
 * Grafana Loki 3.5.10 — last patch of the 3.5 line found (grafana/loki PR #20773 "docs: Release
 * Notes 3.5.10", 2026-02-11; 3.5.7 was the Helm chart 6.44 default in Oct 2025). Loki images are
 * tagged without a `v` prefix.
 */
export const LOKI_IMAGE: ImagePin = { repository: 'grafana/loki', tag: '3.5.10' };

/**
 * Grafana Alloy v1.17.0 (grafana/alloy release v1.17.0, seen in Renovate update PRs dated
 * 2026-06-13/15; 1.12.2 was released 2026-01-08 per the Alloy CHANGELOG). Only GA components are
 * used (discovery.kubernetes, discovery.relabel, local.file_match, loki.source.file, loki.process,
 * loki.source.kubernetes_events, loki.write), all present since Alloy v1.0.
 */
export const ALLOY_IMAGE: ImagePin = { repository: 'grafana/alloy', tag: 'v1.17.0' };

/**
 * Prometheus v3.5.5 — 3.5 is the LTS line announced with 3.5.0 (2025-07-14, release notes:
 * "3.5 is a Long Term Support (LTS) release"); 3.5.5 from prometheus/prometheus PR #19133
 * "Release 3.5.5" (merged 2026-07-08). Note: 3.13.0 (2026-07-01) is the next LTS line.
 */
export const PROMETHEUS_IMAGE: ImagePin = { repository: 'prom/prometheus', tag: 'v3.5.5' };

/**
 * Alertmanager v0.28.1 — latest 0.28.x (release 2025-03; prometheus-community/helm-charts PR #5410
 * "[alertmanager] bump to 0.28.1", cortexproject/cortex PR #6644). Newer lines (0.29+) exist.
 */
export const ALERTMANAGER_IMAGE: ImagePin = { repository: 'prom/alertmanager', tag: 'v0.28.1' };

/**
 * node-exporter v1.9.1 — latest 1.9.x (prometheus/node_exporter release v1.9.1, 2025-04-01;
 * Renovate PR "update prom/node-exporter docker tag to v1.9.1"). 1.10.x exists.
 */
export const NODE_EXPORTER_IMAGE: ImagePin = { repository: 'prom/node-exporter', tag: 'v1.9.1' };

/**
 * kube-state-metrics v2.16.0 (kube-state-metrics CHANGELOG "v2.16.0 / 2025-06-23", built with
 * client-go v0.32). Published on registry.k8s.io. 2.17.x exists for newer Kubernetes minors.
 */
export const KUBE_STATE_METRICS_IMAGE: ImagePin = {
  repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics',
  tag: 'v2.16.0',
};

/**
 * Grafana 12.4.3 — last 12.x release found (Renovate PRs bumping "12.4.3 → 13.0.0", 2026-04-14;
 * 12.4.0 released 2026-02-24). Grafana images are tagged without a `v` prefix.
 */
export const GRAFANA_IMAGE: ImagePin = { repository: 'grafana/grafana', tag: '12.4.3' };

/**
 * mysqld-exporter v0.17.2 (prometheus/mysqld_exporter release 0.17.2, 2025-02-25, PR #923
 * "Prepare release 0.17.2"). Since 0.16.0 (PR #837) it speaks MySQL 8.4 replica syntax.
 */
export const MYSQLD_EXPORTER_IMAGE: ImagePin = { repository: 'prom/mysqld-exporter', tag: 'v0.17.2' };

/** All pins by component name, in a stable order (useful for reports and tests). */
export const OBSERVABILITY_IMAGES: Readonly<Record<string, ImagePin>> = {
  loki: LOKI_IMAGE,
  alloy: ALLOY_IMAGE,
  prometheus: PROMETHEUS_IMAGE,
  alertmanager: ALERTMANAGER_IMAGE,
  nodeExporter: NODE_EXPORTER_IMAGE,
  kubeStateMetrics: KUBE_STATE_METRICS_IMAGE,
  grafana: GRAFANA_IMAGE,
  mysqldExporter: MYSQLD_EXPORTER_IMAGE,
};
