import { Construct } from 'constructs';
import { ComponentProps, ObservabilityComponent } from './component';
import { hardenedPodSpec } from '../core/hardened-pod';
import { Port } from '../network/peer';
import { allowApiServer, ApiServerEndpoints, clusterReader, httpProbe, IScrapeTarget } from './common';
import { imageRef, KUBE_STATE_METRICS_IMAGE } from './config-files';
import { DEFAULT_RESOURCES, OBSERVABILITY_NAMESPACES } from './defaults';

/**
 * The kube-state-metrics collectors enabled (`--resources`), with the API group of each: exactly what the alert
 * rules and dashboards read (nodes, namespaces, pods, deployments, statefulsets, resourcequotas, and cronjobs for the
 * backup alerts parts offer) plus daemonsets and persistentvolumeclaims for the workload views. The ClusterRole grants list/watch on these and nothing else.
 */
export const KUBE_STATE_METRICS_RESOURCES: ReadonlyArray<{ readonly resource: string; readonly apiGroup: string }> = [
  // Scheduled jobs (backups) and when each last succeeded: the offered backup alerts read these.
  { resource: 'cronjobs', apiGroup: 'batch' },
  { resource: 'daemonsets', apiGroup: 'apps' },
  { resource: 'deployments', apiGroup: 'apps' },
  { resource: 'namespaces', apiGroup: '' },
  { resource: 'nodes', apiGroup: '' },
  { resource: 'persistentvolumeclaims', apiGroup: '' },
  { resource: 'pods', apiGroup: '' },
  { resource: 'resourcequotas', apiGroup: '' },
  { resource: 'statefulsets', apiGroup: 'apps' },
];

/** CronJob labels exported as `kube_cronjob_labels` (only these: each label is a series per CronJob). */
export const KUBE_STATE_METRICS_CRONJOB_LABELS: readonly string[] = ['app.kubernetes.io/component'];

export interface KubeStateMetricsProps extends ComponentProps {
  /** The API server it lists and watches. */
  readonly apiServer: ApiServerEndpoints;
}

/** kube-state-metrics: object state (replicas, conditions, requests, quota) as metrics, with least-privilege RBAC. */
export class KubeStateMetrics extends ObservabilityComponent implements IScrapeTarget {
  static readonly NAME = 'kube-state-metrics';
  static readonly METRICS_PORT = 8080;
  static readonly TELEMETRY_PORT = 8081;
  static readonly UID = 65534;


  constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.monitoring, resources: DEFAULT_RESOURCES.kubeStateMetrics, image: KUBE_STATE_METRICS_IMAGE, name: KubeStateMetrics.NAME, component: 'cluster-metrics', metricsPorts: [Port.tcp(KubeStateMetrics.METRICS_PORT), Port.tcp(KubeStateMetrics.TELEMETRY_PORT)] });
    const labels = this.identity.labels;
    const name = KubeStateMetrics.NAME;

    this.addServiceAccount(true);
    const groups = [...new Set(KUBE_STATE_METRICS_RESOURCES.map((r) => r.apiGroup))];
    clusterReader(this, `platform-kit-${name}`, labels, groups.map((apiGroup) => ({
      apiGroups: [apiGroup],
      resources: KUBE_STATE_METRICS_RESOURCES.filter((r) => r.apiGroup === apiGroup).map((r) => r.resource),
      verbs: ['list', 'watch'],
    })), { name, namespace: this.namespace });

    this.addDeployment(name, hardenedPodSpec({
      serviceAccountName: name,
      usesApi: true,
      uid: KubeStateMetrics.UID,
      containers: [{
        name,
        image: imageRef(this.image),
        args: [
          `--port=${KubeStateMetrics.METRICS_PORT}`,
          `--telemetry-port=${KubeStateMetrics.TELEMETRY_PORT}`,
          `--resources=${KUBE_STATE_METRICS_RESOURCES.map((r) => r.resource).join(',')}`,
          // kube_cronjob_labels{label_app_kubernetes_io_component="backup"} tells the backups apart from other CronJobs.
          `--metric-labels-allowlist=cronjobs=[${KUBE_STATE_METRICS_CRONJOB_LABELS.join(',')}]`,
        ],
        ports: [
          { name: 'http-metrics', containerPort: KubeStateMetrics.METRICS_PORT, protocol: 'TCP' },
          { name: 'telemetry', containerPort: KubeStateMetrics.TELEMETRY_PORT, protocol: 'TCP' },
        ],
        livenessProbe: httpProbe('/livez', 'http-metrics', { initialDelaySeconds: 5 }),
        readinessProbe: httpProbe('/readyz', 'telemetry', { initialDelaySeconds: 5 }),
        resources: this.resources,
      }],
    }));

    allowApiServer(this, this, name, props.apiServer, 'kube-state-metrics lists and watches the objects it describes');
  }

}
