import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformConfig } from '../config/platform-config';
import { commonLabels } from '../core/labels';
import { mysqlHandle } from '../mysql/handle';
import { FlowPort, Peer, Peers, Port } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { PlatformContext } from '../platform-context';
import { LocalStorageClass, LocalVolume } from '../storage/local-volume';
import { TenantNamespace } from '../tenancy/tenant-namespace';
import { UNITS } from '../units';
import { Alertmanager } from './alertmanager';
import { Alloy, AlloyEvents } from './alloy';
import { namespaceBudget, observabilityWorkloads } from './budget';
import { apiServerOf } from './common';
import { ObservabilityConfig, prometheusRetentionBytes, storageNodes, webhookEgress } from './config';
import { Grafana } from './grafana';
import { KubeStateMetrics } from './kube-state-metrics';
import { Loki } from './loki';
import { NodeExporter } from './node-exporter';
import { KUBELET_PORT, Prometheus } from './prometheus';

/** Keys of the handles this unit registers in `ctx.handles`. */
export const OBSERVABILITY_HANDLES = {
  /** {@link Prometheus}: a flow peer, and `scrape()` / `scrapePods()` / `scrapeAnnotatedPods()` for later units. */
  prometheus: 'prometheus',
  /** {@link Loki}: a flow peer (log push and query on 3100). */
  loki: 'loki',
  /** {@link Grafana}: `addDashboard()`. */
  grafana: 'grafana',
  /** {@link LocalStorageClass}: the `local-storage` StorageClass, created once here. */
  localStorageClass: 'local-storage-class',
} as const;

/** The Prometheus of the platform, when the observability unit is enabled (units after it can add targets). */
export function prometheusHandle(ctx: PlatformContext): Prometheus | undefined {
  const h = ctx.handles.get(OBSERVABILITY_HANDLES.prometheus);
  return h instanceof Prometheus ? h : undefined;
}

export function lokiHandle(ctx: PlatformContext): Loki | undefined {
  const h = ctx.handles.get(OBSERVABILITY_HANDLES.loki);
  return h instanceof Loki ? h : undefined;
}

export function grafanaHandle(ctx: PlatformContext): Grafana | undefined {
  const h = ctx.handles.get(OBSERVABILITY_HANDLES.grafana);
  return h instanceof Grafana ? h : undefined;
}

/** The MySQL exporter sidecars Prometheus scrapes: their pods and the container port their metrics are on. */
export interface MySqlExporterTarget {
  readonly namespace: string;
  readonly pods: Peer;
  readonly port: string | number;
}

/**
 * The MySQL exporter sidecars of the MySQL unit (built before this one): from its typed handle (`mysqlHandle(ctx)`:
 * `exporterPeer()`, `metricsPortName`) when it registered one, else the plain values of its contract — namespace
 * `mysql`, pods `app.kubernetes.io/name|instance: mysql`, container port named `metrics` (9104). Undefined when
 * Platform Kit does not manage that namespace (no MySQL here: nothing to scrape, no policy to write there).
 */
export function mysqlExporterTarget(ctx: Pick<PlatformContext, 'handles' | 'managedNamespaces'>): MySqlExporterTarget | undefined {
  const handle = mysqlHandle(ctx as PlatformContext);
  const pods = handle?.exporterPeer() ?? Peers.pods('mysql', { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'mysql' }, 'mysql-exporter');
  if (pods.kind === 'cidr' || !ctx.managedNamespaces.has(pods.namespace)) return undefined;
  return { namespace: pods.namespace, pods, port: handle?.metricsPortName ?? 'metrics' };
}

/** Namespace annotation that says why its Pod Security level is what it is. */
export const POD_SECURITY_REASON_ANNOTATION = 'platform-kit.io/pod-security-reason';

/** Why node-agents is `privileged`; written on the namespace and in docs/observability.md. */
export const NODE_AGENTS_PRIVILEGED_REASON =
  'node-exporter needs hostNetwork, hostPID and read-only hostPath mounts of / and /sys, and Alloy a read-only hostPath ' +
  'of /var/log/pods; Pod Security "baseline" forbids all three, so "privileged" is the lowest level that admits them. ' +
  'audit stays "restricted" so the audit log records every deviation, and nothing else may run here.';

/** Adds the observability deployable unit: one chart with the whole stack, when `observability.enabled`. */
export function addObservabilityUnit(app: App, ctx: PlatformContext): void {
  const obs = ctx.config.observability;
  if (!obs.enabled) return;
  const chart = new PlatformChart(app, 'Observability', UNITS.observability);
  const stack = buildObservability(chart, ctx.config, ctx.managedNamespaces, mysqlExporterTarget(ctx));
  ctx.handles.set(OBSERVABILITY_HANDLES.prometheus, stack.prometheus);
  ctx.handles.set(OBSERVABILITY_HANDLES.loki, stack.loki);
  ctx.handles.set(OBSERVABILITY_HANDLES.grafana, stack.grafana);
  ctx.handles.set(OBSERVABILITY_HANDLES.localStorageClass, stack.storageClass);
}

export interface ObservabilityStack {
  readonly namespaces: { readonly logging: TenantNamespace; readonly monitoring: TenantNamespace; readonly nodeAgents: TenantNamespace };
  readonly storageClass: LocalStorageClass;
  readonly volumes: { readonly prometheus: LocalVolume; readonly loki: LocalVolume };
  readonly loki: Loki;
  readonly alloy: Alloy;
  readonly alloyEvents?: AlloyEvents;
  readonly nodeExporter: NodeExporter;
  readonly kubeStateMetrics: KubeStateMetrics;
  readonly alertmanager: Alertmanager;
  readonly prometheus: Prometheus;
  readonly grafana: Grafana;
}

/**
 * The stack under `scope`, one direct child per component (one file each in dist/): the three namespaces first
 * (their policies and quotas are applied before any pod), the local volumes, then the components in dependency order.
 */
export function buildObservability(
  scope: Construct, config: PlatformConfig, managedNamespaces: ReadonlySet<string>, mysql?: MySqlExporterTarget,
): ObservabilityStack {
  const obs: ObservabilityConfig = config.observability;
  const cluster = config.cluster;
  const n = obs.namespaces;
  const api = apiServerOf(cluster);

  // Namespaces, with quotas derived from the configured resources.
  const workloads = observabilityWorkloads(obs, cluster.nodes.length);
  const namespace = (id: string, name: string, enforce: 'privileged' | 'restricted') => {
    const budget = namespaceBudget(workloads.filter((w) => w.namespace === name));
    return new TenantNamespace(scope, id, {
      name,
      // warn follows enforce: in node-agents the deviation is deliberate and on record (reason annotations, audit
      // log), and a warning on every apply would teach users to ignore the ones that matter.
      podSecurity: { enforce, audit: 'restricted', warn: enforce },
      quota: budget.quota,
      limits: budget.limits,
      // Platform namespaces open only what a flow declares, also between their own components.
      allowSameNamespace: false,
      dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
      component: 'observability-namespace',
    });
  };
  const namespaces = {
    logging: namespace('Logging', n.logging, 'restricted'),
    monitoring: namespace('Monitoring', n.monitoring, 'restricted'),
    // See NODE_AGENTS_PRIVILEGED_REASON.
    nodeAgents: namespace('NodeAgents', n.nodeAgents, 'privileged'),
  };
  (namespaces.nodeAgents.node.findChild('Resource') as ApiObject).metadata.addAnnotation(POD_SECURITY_REASON_ANNOTATION, NODE_AGENTS_PRIVILEGED_REASON);

  // Local volumes: Prometheus and Loki keep their TSDBs on a node's own disk, never on NFS.
  const storage = new Construct(scope, 'LocalStorage');
  const storageClass = new LocalStorageClass(storage, 'StorageClass', { name: obs.storage.storageClassName });
  const nodes = storageNodes(cluster, obs.storage);
  const volume = (id: string, component: string, ns: string, claimTemplate: string, node: string | undefined, v: { path: string; size: string }) => {
    if (node === undefined) throw new Error(`observability: no schedulable node for the ${component} volume (the config check should have said so).`);
    return new LocalVolume(storage, id, {
      name: `${component}-${node}`,
      node,
      path: v.path,
      size: v.size,
      storageClassName: storageClass.name,
      claim: { namespace: ns, statefulSet: component, claimTemplate },
      labels: commonLabels({ name: component, component: 'local-volume' }),
    });
  };
  const volumes = {
    prometheus: volume('Prometheus', Prometheus.NAME, n.monitoring, Prometheus.CLAIM_TEMPLATE, nodes.prometheus, obs.storage.prometheus),
    loki: volume('Loki', Loki.NAME, n.logging, Loki.CLAIM_TEMPLATE, nodes.loki, obs.storage.loki),
  };

  const loki = new Loki(scope, 'Loki', {
    namespace: n.logging,
    retentionDays: obs.loki.retentionDays,
    ingestionRateMb: obs.loki.ingestionRateMb,
    ingestionBurstSizeMb: obs.loki.ingestionBurstSizeMb,
    maxQuerySeries: obs.loki.maxQuerySeries,
    maxEntriesLimitPerQuery: obs.loki.maxEntriesLimitPerQuery,
    storageSize: obs.storage.loki.size,
    storageClassName: storageClass.name,
    resources: obs.loki.resources,
  });
  const alloy = new Alloy(scope, 'Alloy', { loki, apiServer: api, namespace: n.nodeAgents, resources: obs.alloy.resources });
  const alloyEvents = obs.alloy.collectEvents
    ? new AlloyEvents(scope, 'AlloyEvents', { loki, apiServer: api, namespace: n.logging, resources: obs.alloy.eventsResources })
    : undefined;
  const nodeExporter = new NodeExporter(scope, 'NodeExporter', { namespace: n.nodeAgents, resources: obs.nodeExporter.resources });
  const kubeStateMetrics = new KubeStateMetrics(scope, 'KubeStateMetrics', { apiServer: api, namespace: n.monitoring, resources: obs.kubeStateMetrics.resources });

  const egress = webhookEgress(obs.alertmanager);
  const alertmanager = new Alertmanager(scope, 'Alertmanager', {
    namespace: n.monitoring,
    resources: obs.alertmanager.resources,
    ...(egress && egress.port !== undefined
      ? {
        webhook: {
          ...(obs.alertmanager.webhookUrl !== undefined ? { url: obs.alertmanager.webhookUrl } : { urlSecretName: obs.alertmanager.webhookUrlSecretName }),
          cidrs: egress.cidrs,
          port: egress.port,
        },
      }
      : {}),
  });

  const prometheus = new Prometheus(scope, 'Prometheus', {
    alertmanager,
    apiServer: api,
    namespace: n.monitoring,
    retention: obs.prometheus.retention,
    retentionSize: `${prometheusRetentionBytes(obs)}`,
    scrapeIntervalSeconds: obs.prometheus.scrapeIntervalSeconds,
    storageSize: obs.storage.prometheus.size,
    storageClassName: storageClass.name,
    componentNamespaces: { logging: n.logging, monitoring: n.monitoring, nodeAgents: n.nodeAgents, mysql: mysql?.namespace ?? 'mysql' },
    extraAlloyNamespaces: alloyEvents ? [alloyEvents.namespace] : [],
    clusterName: cluster.name,
    resources: obs.prometheus.resources,
  });

  const grafana = new Grafana(scope, 'Grafana', {
    prometheus,
    loki,
    namespace: n.monitoring,
    ingress: {
      host: obs.grafana.host,
      tlsSecretName: obs.grafana.tlsSecretName,
      className: cluster.ingress.className,
      controllerNamespace: cluster.ingress.controllerNamespace,
    },
    adminSecretName: obs.grafana.adminSecretName,
    resources: obs.grafana.resources,
  });

  // Every scrape target, each opened once.
  for (const target of [loki, alloy, ...(alloyEvents ? [alloyEvents] : []), kubeStateMetrics, grafana]) prometheus.scrape(target);
  prometheus.scrapeNodes(cluster.nodes.map((node) => ({ name: node.name, ip: node.ip })), [Port.tcp(nodeExporter.port), Port.tcp(KUBELET_PORT)]);
  if (mysql) {
    prometheus.scrapePods('mysql', mysql.pods, [Port.tcp(mysql.port)], `Prometheus scrapes the MySQL exporter (container port ${JSON.stringify(mysql.port)})`);
  }
  const tenantPorts: FlowPort[] = [
    ...obs.prometheus.tenantMetricsPortNames.map((name) => Port.tcp(name)),
    ...obs.prometheus.tenantMetricsPorts.map((port) => Port.tcp(port)),
  ];
  if (tenantPorts.length > 0) {
    for (const tenant of config.tenants) prometheus.scrapeAnnotatedPods(tenant.name, tenantPorts, managedNamespaces.has(tenant.name));
  }

  return { namespaces, storageClass, volumes, loki, alloy, alloyEvents, nodeExporter, kubeStateMetrics, alertmanager, prometheus, grafana };
}
