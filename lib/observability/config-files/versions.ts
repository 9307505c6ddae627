/**
 * The observability stack's default images, by component. The pins themselves live in lib/versions.ts (one table for
 * every part, with each line's support end and its source); these names keep the constructs' imports short.
 */
import { ImageRef } from '../../core/security';
import { imagePin } from '../../versions';

export { imageRef } from '../../versions';

export const LOKI_IMAGE: ImageRef = imagePin('loki');
export const ALLOY_IMAGE: ImageRef = imagePin('alloy');
export const PROMETHEUS_IMAGE: ImageRef = imagePin('prometheus');
export const ALERTMANAGER_IMAGE: ImageRef = imagePin('alertmanager');
export const NODE_EXPORTER_IMAGE: ImageRef = imagePin('nodeExporter');
export const KUBE_STATE_METRICS_IMAGE: ImageRef = imagePin('kubeStateMetrics');
export const GRAFANA_IMAGE: ImageRef = imagePin('grafana');
export const MYSQLD_EXPORTER_IMAGE: ImageRef = imagePin('mysqldExporter');

/** All pins by component name, in a stable order (useful for reports and tests). */
export const OBSERVABILITY_IMAGES: Readonly<Record<string, ImageRef>> = {
  loki: LOKI_IMAGE,
  alloy: ALLOY_IMAGE,
  prometheus: PROMETHEUS_IMAGE,
  alertmanager: ALERTMANAGER_IMAGE,
  nodeExporter: NODE_EXPORTER_IMAGE,
  kubeStateMetrics: KUBE_STATE_METRICS_IMAGE,
  grafana: GRAFANA_IMAGE,
  mysqldExporter: MYSQLD_EXPORTER_IMAGE,
};
