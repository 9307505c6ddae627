import { IPV4_ADDRESS, requireValid } from '../../core/validate';
import { toYaml, YamlComment } from './yaml-util';

/** Namespaces the platform's components run in (overridable for tests or other layouts). */
export interface PlatformNamespaces {
  readonly logging: string;
  readonly nodeAgents: string;
  readonly monitoring: string;
}

export const DEFAULT_NAMESPACES: PlatformNamespaces = {
  logging: 'logging',
  nodeAgents: 'node-agents',
  monitoring: 'monitoring',
};

/** A scrape job another part offers (e.g. MySQL's exporter sidecars): pods of one namespace, by app label and port. */
export interface OfferedScrapeJob {
  readonly job: string;
  readonly namespace: string;
  /** Value of the pods' `app.kubernetes.io/name` label. */
  readonly app: string;
  /** Container port: a number is matched on the port number, a string on the port name. */
  readonly port: number | string;
}

export interface PrometheusConfigOptions {
  /**
   * Node InternalIPs. When non-empty, node-exporter (hostNetwork, :9100) is scraped from these
   * static targets (`node` label = the IP) instead of through pod discovery in `node-agents`.
   * Leave empty to discover node-exporter pods (then `node` is the Kubernetes node name).
   */
  readonly nodeIps: readonly string[];
  /** Alertmanager base URL, e.g. `http://alertmanager.monitoring.svc.cluster.local:9093`. */
  readonly alertmanagerUrl: string;
  /** Global scrape and rule evaluation interval in seconds. Default 30. */
  readonly scrapeIntervalSeconds?: number;
  /** Directory the rule files are mounted in. Default `/etc/prometheus/rules`. */
  readonly rulesDir?: string;
  /**
   * Skip TLS verification of the kubelet's serving certificate (default true). kubeadm kubelets
   * serve a self-signed certificate unless `serverTLSBootstrap` is enabled and the CSRs approved,
   * so verifying against the cluster CA fails. The bearer token is still required.
   */
  readonly kubeletInsecureSkipVerify?: boolean;
  /** Optional `cluster` external label. */
  readonly clusterName?: string;
  readonly namespaces?: Partial<PlatformNamespaces>;
  /**
   * Namespaces whose annotated pods and Services (`prometheus.io/scrape: "true"`) are discovered. Default: all
   * namespaces. Restrict it to the namespaces NetworkPolicy lets Prometheus reach, or every annotated pod elsewhere
   * (kube-system, the ingress controller) becomes a target that is always down. An empty list drops the two
   * annotation jobs.
   */
  readonly annotationNamespaces?: readonly string[];
  /**
   * Also discover Alloy pods in these namespaces (the optional single-replica events collector runs in the
   * logging namespace). Default: none.
   */
  readonly extraAlloyNamespaces?: readonly string[];
  /** Jobs other parts offer, after the observability stack's own, in the order given. Default: none. */
  readonly offeredJobs?: readonly OfferedScrapeJob[];
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_CA = `${SA_DIR}/ca.crt`;
export const SERVICE_ACCOUNT_TOKEN = `${SA_DIR}/token`;

/** Names of the built-in scrape jobs, in the order they appear in the file (offered jobs come before the last two). */
export const PROMETHEUS_JOB_NAMES = [
  'apiserver',
  'kubelet',
  'cadvisor',
  'node-exporter',
  'kube-state-metrics',
  'kube-state-metrics-telemetry',
  'loki',
  'alloy',
  'grafana',
  'prometheus',
  'alertmanager',
  'kubernetes-pods',
  'kubernetes-service-endpoints',
] as const;

/**
 * cAdvisor series kept (everything else is dropped at scrape time): the kubelet exposes ~50
 * container_* families, most unused here; on 2-3 GiB nodes Prometheus memory is the constraint.
 */
export const CADVISOR_KEPT_METRICS = [
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'container_oom_events_total',
] as const;

type Rule = Record<string, unknown>;
type Job = Record<string, unknown>;

const PHASE_NOT_RUNNING: Rule = {
  source_labels: ['__meta_kubernetes_pod_phase'],
  regex: 'Pending|Succeeded|Failed|Unknown',
  action: 'drop',
};

/** namespace, pod and node target labels for pod-backed targets. */
const POD_TARGET_LABELS: Rule[] = [
  { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
  { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
  { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
];

interface ComponentJob {
  readonly job: string;
  readonly namespaces: readonly string[];
  /** Value of the pod label app.kubernetes.io/name. */
  readonly app: string;
  /** Container port: a number is matched on the port number, a string on the port name. */
  readonly port: number | string;
  readonly metricsPath?: string;
  /** Attach namespace/pod/node target labels (false for exporters whose series carry their own). */
  readonly podLabels?: boolean;
  readonly honorLabels?: boolean;
}

/** One job per platform component: pod discovery restricted to the component's namespace and app label. */
function componentJob(c: ComponentJob): Job {
  const portRule: Rule =
    typeof c.port === 'number'
      ? { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(c.port), action: 'keep' }
      : { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: c.port, action: 'keep' };
  const job: Job = { job_name: c.job };
  if (c.honorLabels) job.honor_labels = true;
  if (c.metricsPath) job.metrics_path = c.metricsPath;
  job.kubernetes_sd_configs = [
    {
      role: 'pod',
      namespaces: { names: [...c.namespaces] },
      selectors: [{ role: 'pod', label: `app.kubernetes.io/name=${c.app}` }],
    },
  ];
  job.relabel_configs = [
    { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: c.app, action: 'keep' },
    portRule,
    PHASE_NOT_RUNNING,
    ...(c.podLabels === false ? [] : POD_TARGET_LABELS),
  ];
  return job;
}

/** Parse the Alertmanager URL into Prometheus' alertmanager_config shape. */
function alertmanagerTarget(url: string): Record<string, unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`prometheusConfig: alertmanagerUrl is not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`prometheusConfig: alertmanagerUrl must be http(s), got "${url}"`);
  }
  const scheme = parsed.protocol.slice(0, -1);
  const port = parsed.port || (scheme === 'https' ? '443' : '80');
  const target: Record<string, unknown> = {
    scheme,
    api_version: 'v2',
    static_configs: [{ targets: [`${parsed.hostname}:${port}`] }],
  };
  const pathPrefix = parsed.pathname.replace(/\/+$/, '');
  if (pathPrefix) target.path_prefix = pathPrefix;
  return target;
}

/** Prometheus configuration file (prometheus.yml) for the platform. */
export function prometheusConfig(opts: PrometheusConfigOptions): string {
  const ns: PlatformNamespaces = { ...DEFAULT_NAMESPACES, ...(opts.namespaces ?? {}) };
  const interval = opts.scrapeIntervalSeconds ?? 30;
  if (!Number.isInteger(interval) || interval < 5) {
    throw new Error(`prometheusConfig: scrapeIntervalSeconds must be an integer >= 5, got ${interval}`);
  }
  for (const ip of opts.nodeIps) {
    requireValid(IPV4_ADDRESS, ip, 'prometheusConfig: nodeIps');
  }
  const nodeIps = [...new Set(opts.nodeIps)].sort(compareIps);
  const rulesDir = (opts.rulesDir ?? '/etc/prometheus/rules').replace(/\/+$/, '');
  const skipVerify = opts.kubeletInsecureSkipVerify ?? true;

  const global: Record<string, unknown> = {
    scrape_interval: `${interval}s`,
    scrape_timeout: `${Math.min(10, interval)}s`,
    evaluation_interval: `${interval}s`,
  };
  if (opts.clusterName) global.external_labels = { cluster: opts.clusterName };

  const kubeletTls = { ca_file: SERVICE_ACCOUNT_CA, insecure_skip_verify: skipVerify };
  const saAuth = { type: 'Bearer', credentials_file: SERVICE_ACCOUNT_TOKEN };
  const nodeLabel: Rule = { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' };

  const apiserver: Job = {
    job_name: 'apiserver',
    scheme: 'https',
    tls_config: { ca_file: SERVICE_ACCOUNT_CA },
    authorization: saAuth,
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['default'] } }],
    relabel_configs: [
      {
        source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: 'kubernetes;https',
        action: 'keep',
      },
    ],
  };

  const kubelet: Job = {
    job_name: 'kubelet',
    scheme: 'https',
    metrics_path: '/metrics',
    tls_config: kubeletTls,
    authorization: saAuth,
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [nodeLabel],
  };

  const cadvisor: Job = {
    job_name: 'cadvisor',
    scheme: 'https',
    metrics_path: '/metrics/cadvisor',
    tls_config: kubeletTls,
    authorization: saAuth,
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [nodeLabel],
    metric_relabel_configs: [
      { source_labels: ['__name__'], regex: CADVISOR_KEPT_METRICS.join('|'), action: 'keep' },
    ],
  };

  const nodeExporter: Job =
    nodeIps.length > 0
      ? {
          job_name: 'node-exporter',
          static_configs: [{ targets: nodeIps.map((ip) => `${ip}:9100`) }],
          relabel_configs: [
            { source_labels: ['__address__'], regex: '([^:]+):\\d+', target_label: 'node', replacement: '$1' },
          ],
        }
      : componentJob({ job: 'node-exporter', namespaces: [ns.nodeAgents], app: 'node-exporter', port: 9100 });

  const annotationNamespaces = opts.annotationNamespaces === undefined ? undefined : [...new Set(opts.annotationNamespaces)].sort();
  for (const n of annotationNamespaces ?? []) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n)) throw new Error(`prometheusConfig: not a namespace name: "${n}"`);
  }
  const annotationSd = (role: string) =>
    annotationNamespaces === undefined ? [{ role }] : [{ role, namespaces: { names: annotationNamespaces } }];

  /**
   * The `prometheus.io/scrape|scheme|path|port` annotation convention, read from pods or from Services: keep what is
   * annotated, never the platform's own components (they have dedicated jobs above, so they are not scraped twice),
   * then the scheme, path and port the annotations name. `filters` run between the two.
   */
  const annotationRelabels = (object: 'pod' | 'service', filters: readonly Rule[]): Rule[] => {
    const annotation = (name: string) => `__meta_kubernetes_${object}_annotation_prometheus_io_${name}`;
    return [
      { source_labels: [annotation('scrape')], regex: 'true', action: 'keep' },
      { source_labels: [`__meta_kubernetes_${object}_label_app_kubernetes_io_part_of`], regex: 'platform-kit', action: 'drop' },
      ...filters,
      { source_labels: [annotation('scheme')], regex: '(https?)', target_label: '__scheme__' },
      { source_labels: [annotation('path')], regex: '(.+)', target_label: '__metrics_path__' },
      {
        source_labels: ['__address__', annotation('port')],
        regex: '([^:]+)(?::\\d+)?;(\\d+)',
        replacement: '$1:$2',
        target_label: '__address__',
      },
    ];
  };

  const kubernetesPods: Job = {
    job_name: 'kubernetes-pods',
    // Arbitrary workloads: tolerate a missing or wrong Content-Type (Prometheus 3 fails such scrapes).
    fallback_scrape_protocol: 'PrometheusText0.0.4',
    kubernetes_sd_configs: annotationSd('pod'),
    relabel_configs: [
      ...annotationRelabels('pod', [PHASE_NOT_RUNNING]),
      ...POD_TARGET_LABELS,
      { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], target_label: 'app' },
    ],
  };

  const serviceEndpoints: Job = {
    job_name: 'kubernetes-service-endpoints',
    fallback_scrape_protocol: 'PrometheusText0.0.4',
    kubernetes_sd_configs: annotationSd('endpointslice'),
    relabel_configs: [
      ...annotationRelabels('service', []),
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
  };

  const scrapeConfigs: Job[] = [
    apiserver,
    kubelet,
    cadvisor,
    nodeExporter,
    // kube-state-metrics series carry the namespace/pod/node of the objects they describe; keep
    // those (honor_labels) and do not attach the exporter pod's own namespace/pod/node.
    componentJob({
      job: 'kube-state-metrics',
      namespaces: [ns.monitoring],
      app: 'kube-state-metrics',
      port: 8080,
      podLabels: false,
      honorLabels: true,
    }),
    componentJob({
      job: 'kube-state-metrics-telemetry',
      namespaces: [ns.monitoring],
      app: 'kube-state-metrics',
      port: 8081,
    }),
    componentJob({ job: 'loki', namespaces: [ns.logging], app: 'loki', port: 3100 }),
    componentJob({ job: 'alloy', namespaces: [ns.nodeAgents, ...(opts.extraAlloyNamespaces ?? [])], app: 'alloy', port: 12345 }),
    componentJob({ job: 'grafana', namespaces: [ns.monitoring], app: 'grafana', port: 3000 }),
    componentJob({ job: 'prometheus', namespaces: [ns.monitoring], app: 'prometheus', port: 9090 }),
    componentJob({ job: 'alertmanager', namespaces: [ns.monitoring], app: 'alertmanager', port: 9093 }),
    ...(opts.offeredJobs ?? []).map((j) => componentJob({ job: j.job, namespaces: [j.namespace], app: j.app, port: j.port })),
    ...(annotationNamespaces !== undefined && annotationNamespaces.length === 0 ? [] : [kubernetesPods, serviceEndpoints]),
  ];

  const config = {
    global,
    rule_files: [`${rulesDir}/*.yaml`],
    alerting: { alertmanagers: [alertmanagerTarget(opts.alertmanagerUrl)] },
    scrape_configs: scrapeConfigs,
  };

  const comments: YamlComment[] = [
    {
      path: ['scrape_configs', 1, 'tls_config'],
      comment: skipVerify
        ? 'kubeadm kubelets serve a self-signed certificate (no serverTLSBootstrap), which the\n' +
          'cluster CA cannot verify; TLS still encrypts the scrape and the token authenticates it.'
        : 'Kubelet serving certificates are signed by the cluster CA (serverTLSBootstrap / k3s).',
    },
  ];
  return toYaml(
    config,
    'Prometheus - generated by Platform Kit; do not edit by hand.\n' +
      'Needs RBAC get/list/watch on nodes, nodes/metrics, pods, services, endpointslices (discovery.k8s.io)\n' +
      'and get on the /metrics non-resource URL.',
    comments,
  );
}

function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
