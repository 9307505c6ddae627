import { Construct } from 'constructs';
import { ComponentProps, ObservabilityComponent } from './component';
import { SECURITY_EXEMPTION } from '../core/security';
import { hardenedPodSpec } from '../core/hardened-pod';
import { podFieldEnv } from '../core/downward-api';
import { Port } from '../network/peer';
import { allowApiServer, ApiServerEndpoints, clusterReader, goMemLimit, httpProbe, IScrapeTarget } from './common';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { ALLOY_IMAGE, alloyConfig, imageRef } from './config-files';
import { DEFAULT_RESOURCES, OBSERVABILITY_NAMESPACES } from './defaults';
import { Loki } from './loki';

/** Alloy's HTTP server: UI, /metrics, /-/ready, /-/healthy. */
export const ALLOY_HTTP_PORT = 12345;
const CONFIG_DIR = '/etc/alloy';
const DATA_DIR = '/var/lib/alloy/data';

/** Why the DaemonSet runs as root; also the pod's `platform-kit.io/security-exemption` annotation. */
export const ALLOY_ROOT_REASON =
  'reads container logs under /var/log/pods (and the API server audit log), which are written as root:root 0640 or 0600; runs as uid 0 ' +
  'with every capability dropped (the owner bits are enough), no privilege escalation, a read-only root filesystem, ' +
  'and the log directory mounted read-only';

export interface AlloyProps extends ComponentProps {
  /** Where logs go; the push flow to it is declared here. */
  readonly loki: Loki;
  /** The API server, for pod discovery (one watch per node, filtered to the node's own pods). */
  readonly apiServer: ApiServerEndpoints;
  /** Where the kubelet writes container logs on the host. @default '/var/log/pods' */
  readonly podLogsPath?: string;
  /**
   * Host directory for Alloy's data (file read positions), so a restarted or upgraded pod resumes where the last
   * one stopped instead of re-sending every log file. @default '/var/lib/platform-kit/alloy'
   */
  readonly positionsHostPath?: string;
  /** `cluster` label added to every stream. @default - none */
  readonly clusterName?: string;
  /**
   * Host directory of the API server audit log, tailed read-only (it has files on control-plane nodes only).
   * @default - the audit log is not collected
   */
  readonly auditLogDir?: string;
}

/**
 * Grafana Alloy as the node log collector: a DaemonSet on every node (control plane included: its static pods log
 * too) that tails this node's pod logs from /var/log/pods and pushes them to Loki with namespace, pod, container,
 * node and app labels. It replaces Promtail, which reached end of life on 2026-03-02.
 */
export class Alloy extends ObservabilityComponent implements IScrapeTarget {
  static readonly NAME = 'alloy';

  public readonly podLogsPath: string;
  public readonly positionsHostPath: string;
  public readonly configText: string;

  constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.nodeAgents, resources: DEFAULT_RESOURCES.alloy, image: ALLOY_IMAGE, name: Alloy.NAME, component: 'log-collector', metricsPorts: [Port.tcp(ALLOY_HTTP_PORT)] });
    this.podLogsPath = props.podLogsPath ?? '/var/log/pods';
    this.positionsHostPath = props.positionsHostPath ?? '/var/lib/platform-kit/alloy';
    const labels = this.identity.labels;

    this.configText = alloyConfig({
      lokiUrl: props.loki.url,
      collectEvents: false,
      podLogsPath: this.podLogsPath,
      nodeNameEnv: 'NODE_NAME',
      ...(props.clusterName ? { clusterName: props.clusterName } : {}),
      ...(props.auditLogDir !== undefined ? { auditLogDir: props.auditLogDir } : {}),
    });

    this.addServiceAccount(true);
    clusterReader(this, 'platform-kit-alloy', labels, [
      // discovery.kubernetes (role pod, field selector spec.nodeName): the pods of this node and their labels.
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ], { name: Alloy.NAME, namespace: this.namespace });
    this.configMap('Config', 'alloy-config', { 'config.alloy': this.configText });

    this.addDaemonSet(Alloy.NAME, { [CONFIG_HASH_ANNOTATION]: configHash(this.configText), [SECURITY_EXEMPTION]: ALLOY_ROOT_REASON }, hardenedPodSpec({
      serviceAccountName: Alloy.NAME,
      usesApi: true,
      // Every node, whatever its taints: the control plane's static pods (API server, etcd) log there.
      tolerations: [{ operator: 'Exists' }],
      // uid 0 (see ALLOY_ROOT_REASON); no fsGroup: nothing here needs group ownership changes.
      uid: 0,
      podSecurity: { replace: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } } },
      containers: [{
        name: 'alloy',
        image: imageRef(this.image),
        args: [
          'run',
          `${CONFIG_DIR}/config.alloy`,
          `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`,
          `--storage.path=${DATA_DIR}`,
          '--disable-reporting',
        ],
        env: [
          podFieldEnv('NODE_NAME', 'spec.nodeName'),
          goMemLimit(this.resources),
        ],
        ports: [{ name: 'http', containerPort: ALLOY_HTTP_PORT, protocol: 'TCP' }],
        readinessProbe: httpProbe('/-/ready', 'http'),
        livenessProbe: httpProbe('/-/healthy', 'http', { initialDelaySeconds: 30, periodSeconds: 20 }),
        resources: this.resources,
        securityContext: { runAsNonRoot: false, runAsUser: 0 },
        volumeMounts: [
          { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
          { name: 'pod-logs', mountPath: this.podLogsPath, readOnly: true },
          ...(props.auditLogDir !== undefined ? [{ name: 'audit-log', mountPath: props.auditLogDir, readOnly: true }] : []),
          { name: 'data', mountPath: DATA_DIR },
        ],
        tmpSizeLimit: '50Mi',
      }],
      volumes: [
        { name: 'config', configMap: { name: 'alloy-config' } },
        { name: 'pod-logs', hostPath: { path: this.podLogsPath, type: 'Directory' } },
        // DirectoryOrCreate: workers have no audit log; an empty directory there costs nothing.
        ...(props.auditLogDir !== undefined ? [{ name: 'audit-log', hostPath: { path: props.auditLogDir, type: 'DirectoryOrCreate' } }] : []),
        { name: 'data', hostPath: { path: this.positionsHostPath, type: 'DirectoryOrCreate' } },
      ],
    }));

    this.flowTo('ToLoki', props.loki, [Port.tcp(Loki.HTTP_PORT)], 'Alloy pushes the pod logs of its node to Loki');
    allowApiServer(this, this, 'alloy', props.apiServer, 'Alloy discovers the pods of its node (labels for the log streams)');
  }

}

export interface AlloyEventsProps extends ComponentProps {
  /** Where events go. */
  readonly loki: Loki;
  /** The API server, to watch events. */
  readonly apiServer: ApiServerEndpoints;
  /** `cluster` label added to every stream. @default - none */
  readonly clusterName?: string;
}

/**
 * One more Alloy, a single-replica Deployment that ships Kubernetes events to Loki (job="kubernetes-events").
 * Events are cluster-wide, so exactly one collector may read them or each would be stored once per node.
 * Optional (`observability.alloy.collectEvents`): it costs its requests on a worker, and events are also one
 * `kubectl get events` away for the hour the API server keeps them.
 */
export class AlloyEvents extends ObservabilityComponent implements IScrapeTarget {
  static readonly NAME = 'alloy-events';
  /** uid/gid of the image's non-root `alloy` user. */
  static readonly UID = 473;

  public readonly configText: string;

  constructor(scope: Construct, id: string, props: AlloyEventsProps) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.logging, resources: DEFAULT_RESOURCES.alloyEvents, image: ALLOY_IMAGE, name: Alloy.NAME, instance: AlloyEvents.NAME, component: 'event-collector', metricsPorts: [Port.tcp(ALLOY_HTTP_PORT)] });
    const labels = this.identity.labels;
    this.configText = alloyConfig({
      lokiUrl: props.loki.url,
      collectEvents: true,
      collectPodLogs: false,
      ...(props.clusterName ? { clusterName: props.clusterName } : {}),
    });

    this.addServiceAccount(true);
    clusterReader(this, 'platform-kit-alloy-events', labels, [
      { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
    ], { name: AlloyEvents.NAME, namespace: this.namespace });
    this.configMap('Config', 'alloy-events-config', { 'config.alloy': this.configText });

    // Never two at once: both would ship every event.
    this.addDeployment(AlloyEvents.NAME, hardenedPodSpec({
      serviceAccountName: AlloyEvents.NAME,
      usesApi: true,
      uid: AlloyEvents.UID,
      containers: [{
        name: 'alloy',
        image: imageRef(this.image),
        args: ['run', `${CONFIG_DIR}/config.alloy`, `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`, `--storage.path=${DATA_DIR}`, '--disable-reporting'],
        env: [goMemLimit(this.resources)],
        ports: [{ name: 'http', containerPort: ALLOY_HTTP_PORT, protocol: 'TCP' }],
        readinessProbe: httpProbe('/-/ready', 'http'),
        livenessProbe: httpProbe('/-/healthy', 'http', { initialDelaySeconds: 30, periodSeconds: 20 }),
        resources: this.resources,
        volumeMounts: [
          { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
          { name: 'data', mountPath: DATA_DIR },
        ],
        tmpSizeLimit: '50Mi',
      }],
      volumes: [{ name: 'config', configMap: { name: 'alloy-events-config' } }, emptyDir('data', '100Mi')],
    }), { recreate: true, configHash: configHash(this.configText) });

    this.flowTo('ToLoki', props.loki, [Port.tcp(Loki.HTTP_PORT)], 'the events collector pushes Kubernetes events to Loki');
    allowApiServer(this, this, 'alloy-events', props.apiServer, 'the events collector watches Kubernetes events');
  }

}
