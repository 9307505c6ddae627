/**
 * Metric names (and the labels they carry) that the pinned exporters expose and that the
 * platform's alert rules and dashboards use. Tests check every metric referenced by a rule or a
 * dashboard query against this list, so a dashboard cannot silently query a metric that does not
 * exist in the pinned versions.
 */
import { IMAGES } from '../../versions';

export interface MetricSpec {
  readonly name: string;
  /** Labels the exporter attaches to the series (target labels such as job/instance excluded). */
  readonly labels: readonly string[];
}

export interface MetricGroup {
  /** Exporter (or process) exposing the metrics. */
  readonly exporter: string;
  /** Version the facts were checked against: the pinned tag (lib/versions.ts), so a pin bump re-opens the check. */
  readonly version: string;
  /** Where the names and labels come from. */
  readonly source: string;
  /** Scrape jobs (see prometheus.ts) that collect this group. */
  readonly jobs: readonly string[];
  /** True when the scrape keeps the exporter's own namespace/pod/node labels (honor_labels). */
  readonly honorLabels: boolean;
  readonly metrics: readonly MetricSpec[];
}

const m = (name: string, ...labels: string[]): MetricSpec => ({ name, labels });

const FS = ['device', 'mountpoint', 'fstype'];
const POD = ['namespace', 'pod', 'uid'];
const CONTAINER = [...POD, 'container'];
const RESOURCE = [...CONTAINER, 'node', 'resource', 'unit'];
const MYSQL_REPLICA = ['master_host', 'master_uuid', 'channel_name', 'connection_name'];
const CADVISOR = ['namespace', 'pod', 'container', 'id', 'image', 'name'];

export const METRICS_CATALOG: readonly MetricGroup[] = [
  {
    // Prometheus: `up` is written by the scraper for every target (labels = target labels only);
    // rule-evaluation counter from rules/manager.go.
    exporter: 'prometheus',
    version: IMAGES.prometheus.tag,
    source: 'Prometheus docs "Jobs and instances" (synthetic up series); prometheus/prometheus rules/group.go metrics',
    jobs: ['*', 'prometheus'],
    honorLabels: false,
    metrics: [m('up'), m('prometheus_rule_evaluation_failures_total', 'rule_group')],
  },
  {
    exporter: 'alertmanager',
    version: IMAGES.alertmanager.tag,
    source: 'prometheus/alertmanager notify/notify.go (alertmanager_notifications_failed_total{integration})',
    jobs: ['alertmanager'],
    honorLabels: false,
    metrics: [m('alertmanager_notifications_failed_total', 'integration', 'reason')],
  },
  {
    exporter: 'node-exporter',
    version: IMAGES.nodeExporter.tag,
    source:
      'prometheus/node_exporter collector/{cpu_linux,meminfo,filesystem_common,netdev_common,diskstats_linux,loadavg,uname}.go',
    jobs: ['node-exporter'],
    honorLabels: false,
    metrics: [
      m('node_cpu_seconds_total', 'cpu', 'mode'),
      m('node_memory_MemAvailable_bytes'),
      m('node_memory_MemTotal_bytes'),
      m('node_filesystem_avail_bytes', ...FS),
      m('node_filesystem_size_bytes', ...FS),
      m('node_filesystem_readonly', ...FS),
      m('node_network_receive_bytes_total', 'device'),
      m('node_network_transmit_bytes_total', 'device'),
      m('node_disk_read_bytes_total', 'device'),
      m('node_disk_written_bytes_total', 'device'),
      m('node_load1'),
      m('node_uname_info', 'domainname', 'machine', 'nodename', 'release', 'sysname', 'version'),
    ],
  },
  {
    exporter: 'kube-state-metrics',
    version: IMAGES.kubeStateMetrics.tag,
    source:
      'kubernetes/kube-state-metrics docs/metrics/{cluster/node,cluster/namespace,workload/pod,workload/deployment,workload/statefulset,workload/cronjob,policy/resourcequota}-metrics.md',
    jobs: ['kube-state-metrics'],
    honorLabels: true,
    metrics: [
      m('kube_node_status_condition', 'node', 'condition', 'status'),
      m('kube_node_status_allocatable', 'node', 'resource', 'unit'),
      m('kube_namespace_status_phase', 'namespace', 'phase'),
      m(
        'kube_pod_info',
        ...POD,
        'host_ip',
        'pod_ip',
        'node',
        'created_by_kind',
        'created_by_name',
        'priority_class',
        'host_network',
      ),
      m('kube_pod_status_phase', ...POD, 'phase'),
      m('kube_pod_container_status_restarts_total', ...CONTAINER),
      m('kube_pod_container_status_waiting_reason', ...CONTAINER, 'reason'),
      m('kube_pod_container_resource_requests', ...RESOURCE),
      m('kube_pod_container_resource_limits', ...RESOURCE),
      m('kube_deployment_spec_replicas', 'namespace', 'deployment'),
      m('kube_deployment_status_replicas_available', 'namespace', 'deployment'),
      m('kube_deployment_status_replicas_unavailable', 'namespace', 'deployment'),
      m('kube_statefulset_replicas', 'namespace', 'statefulset'),
      m('kube_statefulset_status_replicas_ready', 'namespace', 'statefulset'),
      m('kube_resourcequota', 'namespace', 'resourcequota', 'resource', 'type'),
      m('kube_cronjob_labels', 'namespace', 'cronjob', 'label_app_kubernetes_io_component'),
      m('kube_cronjob_created', 'namespace', 'cronjob'),
      m('kube_cronjob_next_schedule_time', 'namespace', 'cronjob'),
      m('kube_cronjob_spec_suspend', 'namespace', 'cronjob'),
      m('kube_cronjob_status_last_schedule_time', 'namespace', 'cronjob'),
      m('kube_cronjob_status_last_successful_time', 'namespace', 'cronjob'),
    ],
  },
  {
    // Not a pinned image: the kubelet of the cluster (kubeadm or k3s, Kubernetes 1.3x).
    exporter: 'kubelet',
    version: 'Kubernetes kubelet (cluster version)',
    source: 'kubernetes/kubernetes pkg/kubelet/metrics/collectors/volume_stats.go (labels namespace, persistentvolumeclaim)',
    jobs: ['kubelet'],
    honorLabels: false,
    metrics: [
      m('kubelet_volume_stats_available_bytes', 'namespace', 'persistentvolumeclaim'),
      m('kubelet_volume_stats_capacity_bytes', 'namespace', 'persistentvolumeclaim'),
    ],
  },
  {
    // cAdvisor embedded in the kubelet, served on /metrics/cadvisor.
    exporter: 'cadvisor (kubelet)',
    version: 'Kubernetes kubelet (cluster version)',
    source: 'google/cadvisor docs/storage/prometheus.md; kubelet /metrics/cadvisor endpoint',
    jobs: ['cadvisor'],
    honorLabels: false,
    metrics: [
      m('container_cpu_usage_seconds_total', ...CADVISOR, 'cpu'),
      m('container_memory_working_set_bytes', ...CADVISOR),
      m('container_network_receive_bytes_total', ...CADVISOR, 'interface'),
      m('container_network_transmit_bytes_total', ...CADVISOR, 'interface'),
    ],
  },
  {
    exporter: 'mysqld-exporter',
    version: IMAGES.mysqldExporter.tag,
    source:
      'prometheus/mysqld_exporter collector/{exporter,global_status,global_variables,slave_status}.go: SHOW GLOBAL STATUS / ' +
      'VARIABLES keys become mysql_global_{status,variables}_<lowercased key>; replica status columns become ' +
      'mysql_slave_status_<lowercased column> (Seconds_Behind_Source / Replica_*_Running from SHOW REPLICA STATUS on ' +
      'MySQL >= 8.0.22 since 0.16.0, Seconds_Behind_Master / Slave_*_Running from SHOW SLAVE STATUS before that)',
    jobs: ['mysql'],
    honorLabels: false,
    metrics: [
      m('mysql_up'),
      m('mysql_global_status_uptime'),
      m('mysql_global_status_threads_connected'),
      m('mysql_global_status_threads_running'),
      m('mysql_global_variables_max_connections'),
      m('mysql_global_status_queries'),
      m('mysql_global_status_questions'),
      m('mysql_global_status_slow_queries'),
      m('mysql_global_status_commands_total', 'command'),
      m('mysql_global_status_innodb_buffer_pool_bytes_data'),
      m('mysql_global_status_innodb_buffer_pool_reads'),
      m('mysql_global_status_innodb_buffer_pool_read_requests'),
      m('mysql_global_variables_innodb_buffer_pool_size'),
      m('mysql_slave_status_seconds_behind_source', ...MYSQL_REPLICA),
      m('mysql_slave_status_seconds_behind_master', ...MYSQL_REPLICA),
      m('mysql_slave_status_replica_io_running', ...MYSQL_REPLICA),
      m('mysql_slave_status_replica_sql_running', ...MYSQL_REPLICA),
      m('mysql_slave_status_slave_io_running', ...MYSQL_REPLICA),
      m('mysql_slave_status_slave_sql_running', ...MYSQL_REPLICA),
    ],
  },
];

/** Labels Prometheus attaches to every scraped series. */
export const SCRAPE_LABELS: readonly string[] = ['job', 'instance'];
/** Target labels the component jobs add (see prometheus.ts), except for honor_labels jobs. */
export const POD_TARGET_LABELS: readonly string[] = ['namespace', 'pod', 'node'];

/** Metric name -> spec and owning group. */
export function catalogIndex(): ReadonlyMap<string, { spec: MetricSpec; group: MetricGroup }> {
  const index = new Map<string, { spec: MetricSpec; group: MetricGroup }>();
  for (const group of METRICS_CATALOG) {
    for (const spec of group.metrics) {
      if (index.has(spec.name)) throw new Error(`metrics catalog: duplicate metric ${spec.name}`);
      index.set(spec.name, { spec, group });
    }
  }
  return index;
}

/**
 * Labels a query may match on for `metric`: the exporter's labels, job/instance, and — for jobs that
 * do not honor the exporter's labels — the namespace/pod/node target labels. `up` may match any
 * target label. Returns undefined for metrics that are not in the catalog.
 */
export function allowedLabels(metric: string): ReadonlySet<string> | undefined {
  const entry = catalogIndex().get(metric);
  if (!entry) return undefined;
  const labels = new Set<string>([...entry.spec.labels, ...SCRAPE_LABELS]);
  if (!entry.group.honorLabels) for (const l of POD_TARGET_LABELS) labels.add(l);
  if (metric === 'up') for (const l of ['service', 'app']) labels.add(l);
  return labels;
}
