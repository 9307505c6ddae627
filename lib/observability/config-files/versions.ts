/**
 * The observability stack's default images, by component. The pins themselves live in lib/versions.ts (one table for
 * every part, with each line's support end and its source); these names keep the constructs' imports short.
 */
import { imagePin, ImagePin } from '../../versions';

export { imageRef } from '../../versions';
export type { ImagePin } from '../../versions';

export const LOKI_IMAGE: ImagePin = imagePin('loki');
export const ALLOY_IMAGE: ImagePin = imagePin('alloy');
export const PROMETHEUS_IMAGE: ImagePin = imagePin('prometheus');
export const ALERTMANAGER_IMAGE: ImagePin = imagePin('alertmanager');
export const NODE_EXPORTER_IMAGE: ImagePin = imagePin('nodeExporter');
export const KUBE_STATE_METRICS_IMAGE: ImagePin = imagePin('kubeStateMetrics');
export const GRAFANA_IMAGE: ImagePin = imagePin('grafana');
export const MYSQLD_EXPORTER_IMAGE: ImagePin = imagePin('mysqldExporter');

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
