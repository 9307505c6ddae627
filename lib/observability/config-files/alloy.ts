import {
  AlloyStatement,
  attr,
  block,
  comment,
  expr,
  obj,
  renderAlloy,
} from './alloy-syntax';

/** Loki's push API path; appended to `lokiUrl` when it is given as a base URL. */
export const LOKI_PUSH_PATH = '/loki/api/v1/push';

export interface AlloyConfigOptions {
  /**
   * Loki URL: either the push endpoint (`http://loki.logging.svc.cluster.local:3100/loki/api/v1/push`)
   * or the base URL (`http://loki.logging.svc.cluster.local:3100`), to which the push path is added.
   */
  readonly lokiUrl: string;
  /**
   * Add `loki.source.kubernetes_events` (cluster-wide Kubernetes events as log lines). Events are
   * cluster-scoped, so exactly ONE Alloy instance may collect them, or every event is stored once
   * per node. Render the DaemonSet's config with `collectEvents: false` and a second config with
   * `{ collectEvents: true, collectPodLogs: false }` for a single-replica `alloy-events` Deployment.
   */
  readonly collectEvents: boolean;
  /** Tail this node's pod logs from the hostPath (default true). */
  readonly collectPodLogs?: boolean;
  /** Environment variable holding the node name (downward API `spec.nodeName`). Default `NODE_NAME`. */
  readonly nodeNameEnv?: string;
  /** Where the kubelet writes container logs on the host (mounted read-only). Default `/var/log/pods`. */
  readonly podLogsPath?: string;
  /** Namespaces to watch for events; empty or omitted = all namespaces (needs a ClusterRole). */
  readonly eventNamespaces?: readonly string[];
  /** Optional static `cluster` label added to every stream by `loki.write`. */
  readonly clusterName?: string;
  /**
   * Directory of the API server audit log on control-plane nodes (mounted read-only): its `*.log` files are sent to
   * Loki as `job="kube-apiserver-audit"` with the `node` label and the audit level as `audit_level`. Default: none.
   */
  readonly auditLogDir?: string;
  /** Alloy's own log level. Default `info`. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Normalise `lokiUrl` to the push endpoint. */
export function lokiPushUrl(lokiUrl: string): string {
  const trimmed = lokiUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(trimmed)) {
    throw new Error(`alloyConfig: lokiUrl must be an http(s) URL, got "${lokiUrl}"`);
  }
  return trimmed.endsWith(LOKI_PUSH_PATH) ? trimmed : trimmed + LOKI_PUSH_PATH;
}

/**
 * Grafana Alloy configuration (Alloy syntax).
 *
 * Pod logs are read from files (`local.file_match` + `loki.source.file`) rather than through the
 * API server (`loki.source.kubernetes`): the kubelet already writes every container's output under
 * /var/log/pods, so a per-node file tailer costs no API-server or kubelet streaming load (which
 * matters on 2-CPU control-plane nodes), keeps reading while the API server is unavailable, and
 * resumes from its positions file after a restart. The price is a read-only hostPath mount.
 */
export function alloyConfig(opts: AlloyConfigOptions): string {
  const collectPodLogs = opts.collectPodLogs ?? true;
  if (!collectPodLogs && !opts.collectEvents) {
    throw new Error('alloyConfig: nothing to collect (collectPodLogs and collectEvents are both false)');
  }
  const nodeEnv = opts.nodeNameEnv ?? 'NODE_NAME';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(nodeEnv)) {
    throw new Error(`alloyConfig: invalid environment variable name "${nodeEnv}"`);
  }
  const podLogsPath = (opts.podLogsPath ?? '/var/log/pods').replace(/\/+$/, '');
  const pushUrl = lokiPushUrl(opts.lokiUrl);

  const stmts: AlloyStatement[] = [
    block('logging', undefined, [attr('level', opts.logLevel ?? 'info'), attr('format', 'logfmt')]),
  ];

  if (collectPodLogs) {
    stmts.push(
      block(
        'discovery.kubernetes',
        'pods',
        [
          attr('role', 'pod'),
          block('selectors', undefined, [
            attr('role', 'pod'),
            // Field selector evaluated by the API server: only pods bound to this node.
            attr('field', expr(`"spec.nodeName=" + sys.env("${nodeEnv}")`)),
          ]),
        ],
        `Pods scheduled on this node only: the DaemonSet sets ${nodeEnv} from the downward API\n` +
          '(fieldRef spec.nodeName), so each Alloy watches just its own node.',
      ),
      block(
        'discovery.relabel',
        'pod_logs',
        [
          attr('targets', expr('discovery.kubernetes.pods.targets')),
          relabelRule(['__meta_kubernetes_namespace'], 'namespace'),
          relabelRule(['__meta_kubernetes_pod_name'], 'pod'),
          relabelRule(['__meta_kubernetes_pod_container_name'], 'container'),
          relabelRule(['__meta_kubernetes_pod_node_name'], 'node'),
          comment('app: the legacy "app" label first, then app.kubernetes.io/name wins when it is set.'),
          relabelRule(['__meta_kubernetes_pod_label_app'], 'app'),
          block('rule', undefined, [
            attr('source_labels', ['__meta_kubernetes_pod_label_app_kubernetes_io_name']),
            attr('regex', '(.+)'),
            attr('target_label', 'app'),
          ]),
          comment(`Kubelet layout: ${podLogsPath}/<namespace>_<pod>_<uid>/<container>/<n>.log`),
          block('rule', undefined, [
            attr('source_labels', ['__meta_kubernetes_pod_uid', '__meta_kubernetes_pod_container_name']),
            attr('separator', '/'),
            attr('target_label', '__path__'),
            attr('replacement', `${podLogsPath}/*$1/*.log`),
          ]),
          comment(
            'Static pods (kubeadm\'s control plane) are mirror pods in the API: their directory carries the UID the\n' +
              'kubelet gave them, the kubernetes.io/config.hash annotation, not the mirror pod\'s UID.',
          ),
          block('rule', undefined, [
            attr('source_labels', [
              '__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_hash',
              '__meta_kubernetes_pod_annotation_kubernetes_io_config_hash',
              '__meta_kubernetes_pod_container_name',
            ]),
            attr('separator', '/'),
            attr('regex', 'true/(.+)'),
            attr('target_label', '__path__'),
            attr('replacement', `${podLogsPath}/*$1/*.log`),
          ]),
        ],
        'Stream labels: namespace, pod, container, node and app.',
      ),
      block(
        'local.file_match',
        'pod_logs',
        [attr('path_targets', expr('discovery.relabel.pod_logs.output'))],
        'Expand the __path__ globs into the log files that exist on this node.',
      ),
      block(
        'loki.source.file',
        'pod_logs',
        [
          attr('targets', expr('local.file_match.pod_logs.targets')),
          attr('forward_to', [expr('loki.process.pod_logs.receiver')]),
        ],
        'Tail the files; read offsets are kept in a positions file under --storage.path.',
      ),
      block(
        'loki.process',
        'pod_logs',
        [
          comment('CRI format "<time> <stream> <flags> <message>": use the runtime timestamp, join partial lines.'),
          block('stage.cri', undefined, []),
          comment('The file name adds nothing that namespace/pod/container do not already say.'),
          block('stage.label_drop', undefined, [attr('values', ['filename'])]),
          attr('forward_to', [expr('loki.write.default.receiver')]),
        ],
        'Parse the container runtime (CRI) log format used by containerd, CRI-O and k3s.',
      ),
    );
  }

  if (opts.auditLogDir !== undefined) {
    const dir = opts.auditLogDir.replace(/\/+$/, '');
    stmts.push(
      block(
        'local.file_match',
        'audit_log',
        [attr('path_targets', [obj(['__path__', `${dir}/*.log`], ['job', 'kube-apiserver-audit'], ['node', expr(`sys.env("${nodeEnv}")`)])])],
        'The API server audit log (JSON lines); it exists on control-plane nodes only, elsewhere nothing matches.',
      ),
      block(
        'loki.source.file',
        'audit_log',
        [attr('targets', expr('local.file_match.audit_log.targets')), attr('forward_to', [expr('loki.process.audit_log.receiver')])],
      ),
      block(
        'loki.process',
        'audit_log',
        [
          block('stage.json', undefined, [attr('expressions', obj(['audit_level', 'level'], ['received', 'requestReceivedTimestamp']))]),
          comment('Four values at most (None is never written): a cheap label to filter RequestResponse events by.'),
          block('stage.labels', undefined, [attr('values', obj(['audit_level', '']))]),
          block('stage.timestamp', undefined, [attr('source', 'received'), attr('format', 'RFC3339Nano')]),
          block('stage.label_drop', undefined, [attr('values', ['filename'])]),
          attr('forward_to', [expr('loki.write.default.receiver')]),
        ],
        'Audit events keep their own time (when the API server received the request).',
      ),
    );
  }

  if (opts.collectEvents) {
    const events = [
      attr('job_name', 'kubernetes-events'),
      attr('log_format', 'logfmt'),
      ...(opts.eventNamespaces && opts.eventNamespaces.length > 0
        ? [attr('namespaces', [...opts.eventNamespaces])]
        : []),
      attr('forward_to', [expr('loki.write.default.receiver')]),
    ];
    stmts.push(
      block(
        'loki.source.kubernetes_events',
        'cluster_events',
        events,
        'Kubernetes events as log lines (labels: namespace, job="kubernetes-events", instance).\n' +
          'Events are cluster-wide: run this in ONE Alloy instance only, never in every DaemonSet pod.',
      ),
    );
  }

  const writeBody: AlloyStatement[] = [block('endpoint', undefined, [attr('url', pushUrl)])];
  if (opts.clusterName) {
    writeBody.push(attr('external_labels', obj(['cluster', opts.clusterName])));
  }
  stmts.push(block('loki.write', 'default', writeBody, 'Push to Loki (single tenant, auth disabled).'));

  const mode = collectPodLogs
    ? opts.collectEvents
      ? 'node pod logs + cluster events'
      : 'node pod logs (DaemonSet)'
    : 'cluster events only (single-replica Deployment)';
  return renderAlloy(`Grafana Alloy - generated by Platform Kit; do not edit by hand.\nMode: ${mode}.`, stmts);
}

function relabelRule(sourceLabels: readonly string[], targetLabel: string) {
  return block('rule', undefined, [attr('source_labels', [...sourceLabels]), attr('target_label', targetLabel)]);
}
