import { sectionTypeIn } from '../config/schema-types';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { EntryPoint, tlsSecretOffer } from '../network/entry-point';
import { commonLabels } from '../core/labels';
import { FlowPort, Port } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { auditLogOf } from '../host/part';
import { definePart } from '../parts/platform-part';
import { LocalStorageClass, LocalVolume } from '../storage/local-volume';
import { NamespaceBaseline } from '../tenancy/namespace-baseline';
import { entryPointOf } from '../traffic/part';
import { Alertmanager } from './alertmanager';
import { ALERTMANAGER_WEBHOOK_SECRET_KEY, GRAFANA_ADMIN_SECRET_KEYS } from './defaults';
import { Alloy, AlloyEvents } from './alloy';
import { namespaceLimits, observabilityWorkloads } from './budget';
import { apiServerOf } from './common';
import { checkObservabilityConfig, ObservabilityConfig, observabilityNamespaces, observabilitySchema, prometheusRetentionBytes, storageNodes, webhookEgress } from './config';
import { Dashboard } from './config-files/dashboards/common';
import { Grafana } from './grafana';
import { KubeStateMetrics } from './kube-state-metrics';
import { Loki } from './loki';
import { NodeExporter } from './node-exporter';
import { KUBELET_PORT, Prometheus } from './prometheus';

/** Namespace annotation that says why its Pod Security level is what it is. */
export const POD_SECURITY_REASON_ANNOTATION = 'platform-kit.io/pod-security-reason';

/** Why node-agents is `privileged`; written on the namespace and in docs/observability.md. */
export const NODE_AGENTS_PRIVILEGED_REASON =
  'node-exporter needs hostNetwork, hostPID and read-only hostPath mounts of / and /sys, and Alloy a read-only hostPath ' +
  'of /var/log/pods; Pod Security "baseline" forbids all three, so "privileged" is the lowest level that admits them. ' +
  'audit stays "restricted" so the audit log records every deviation, and nothing else may run here.';

/** The observability unit: `30-observability`, Argo CD wave 30 (after the data it watches, before the apps). */
export const OBSERVABILITY_UNIT = { folder: '30-observability', wave: 30, description: 'Observability: Loki, Grafana Alloy, Prometheus, Alertmanager, exporters, Grafana' };

/** The part of the config the stack reads: the cluster and its own section. */
export interface ObservabilityInput {
  readonly cluster: ClusterConfig;
  readonly observability: ObservabilityConfig;
  /** How Grafana's host is served. @default - an Ingress through cluster.ingress */
  readonly entryPoint?: EntryPoint;
  /** The API server audit log Alloy collects (from the host part). @default - not collected */
  readonly auditLog?: { readonly dir: string };
}

/**
 * Observability: the whole stack in one unit, when `observability.enabled`. It knows no other part: what it scrapes
 * beyond its own components comes from the other parts' offers (`connect`): their scrape targets, and the namespaces
 * whose annotated pods it may discover (on the `prometheus.tenantMetricsPorts`/`PortNames` ports).
 */
export const observabilityPart = definePart({
  key: 'observability',
  schema: observabilitySchema,
  configType: sectionTypeIn('observability', 'ObservabilityConfig', {
      'storage.prometheus': 'LocalVolumeConfig', 'storage.loki': 'LocalVolumeConfig',
      ...Object.fromEntries(['loki.resources', 'alloy.resources', 'alloy.eventsResources', 'prometheus.resources', 'alertmanager.resources', 'grafana.resources', 'nodeExporter.resources', 'kubeStateMetrics.resources'].map((p) => [p, 'ResourcesConfig'])),
    }),
  enabled: (obs: ObservabilityConfig) => obs.enabled,
  namespaces: (obs) => observabilityNamespaces({ observability: obs }),
  checkConfig: (obs, { whole, problems }) => checkObservabilityConfig({ observability: obs, cluster: whole.cluster }, problems),
  build: ({ scope, config, platform }): ObservabilityStack => {
    const chart = new PlatformChart(scope as Construct, 'Observability', OBSERVABILITY_UNIT);
    const auditLog = auditLogOf(platform);
    return buildObservability(chart, { cluster: platform.cluster, observability: config, entryPoint: entryPointOf(platform), ...(auditLog ? { auditLog } : {}) });
  },
  offers: (stack, obs) => ({
    firstTimeSecrets: [
      {
        namespace: stack.grafana.namespace, name: obs.grafana.adminSecretName,
        keys: [
          { key: GRAFANA_ADMIN_SECRET_KEYS.user, description: 'Grafana admin login name', value: 'provided', suggested: 'admin' },
          { key: GRAFANA_ADMIN_SECRET_KEYS.password, description: 'Grafana admin password', value: 'random' },
        ],
        readBy: 'Grafana', configKey: 'observability.grafana.adminSecretName',
      },
      tlsSecretOffer(stack.grafana.exposedHost, 'observability.grafana.tlsSecretName'),
      ...(obs.alertmanager.webhookUrlSecretName ? [{
        namespace: stack.alertmanager.namespace, name: obs.alertmanager.webhookUrlSecretName,
        keys: [{ key: ALERTMANAGER_WEBHOOK_SECRET_KEY, description: 'the webhook receiver URL (it may carry a token)', value: 'provided' as const }],
        readBy: 'Alertmanager', configKey: 'observability.alertmanager.webhookUrlSecretName',
      }] : []),
    ],
    exposedHosts: [stack.grafana.exposedHost],
  }),
  connect: (stack, { offers, config: obs }) => {
    for (const target of offers.scrapeTargets) stack.prometheus.scrapeOffered(target);
    stack.prometheus.addRuleGroups(offers.alertRuleGroups);
    for (const d of offers.dashboards) stack.grafana.addDashboard(d.file, d.dashboard as Dashboard);
    const ports: FlowPort[] = [
      ...obs.prometheus.tenantMetricsPortNames.map((name) => Port.tcp(name)),
      ...obs.prometheus.tenantMetricsPorts.map((port) => Port.tcp(port)),
    ];
    if (ports.length > 0) for (const ns of offers.annotatedScrapeNamespaces) stack.prometheus.scrapeAnnotatedPods(ns, ports);
  },
});

export interface ObservabilityStack {
  readonly namespaces: { readonly logging: NamespaceBaseline; readonly monitoring: NamespaceBaseline; readonly nodeAgents: NamespaceBaseline };
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
export function buildObservability(scope: Construct, config: ObservabilityInput): ObservabilityStack {
  const obs: ObservabilityConfig = config.observability;
  const cluster = config.cluster;
  const n = obs.namespaces;
  const api = apiServerOf(cluster);

  // Namespaces, with quotas computed from the pod templates that land in them, LimitRanges from the configured resources.
  const workloads = observabilityWorkloads(obs, cluster.nodes.length);
  const namespace = (id: string, name: string, enforce: 'privileged' | 'restricted') => {
    return new NamespaceBaseline(scope, id, {
      name,
      part: 'observability',
      // warn follows enforce: in node-agents the deviation is deliberate and on record (reason annotations, audit
      // log), and a warning on every apply would teach users to ignore the ones that matter.
      podSecurity: { enforce, audit: 'restricted', warn: enforce },
      // DaemonSets tolerate every taint: one pod per node, plus one for a node joined before platform.yaml says so.
      quotaFromWorkloads: { nodeCount: cluster.nodes.length + 1 },
      limits: namespaceLimits(workloads.filter((w) => w.namespace === name)),
      // Platform namespaces open only what a flow declares, also between their own components.
      allowSameNamespace: false,
      dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
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
  const alloy = new Alloy(scope, 'Alloy', { loki, apiServer: api, namespace: n.nodeAgents, resources: obs.alloy.resources, ...(config.auditLog ? { auditLogDir: config.auditLog.dir } : {}) });
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
    componentNamespaces: { logging: n.logging, monitoring: n.monitoring, nodeAgents: n.nodeAgents },
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
    entryPoint: config.entryPoint,
    adminSecretName: obs.grafana.adminSecretName,
    resources: obs.grafana.resources,
  });

  // Every scrape target, each opened once.
  for (const target of [loki, alloy, ...(alloyEvents ? [alloyEvents] : []), kubeStateMetrics, grafana]) prometheus.scrape(target);
  prometheus.scrapeNodes(cluster.nodes.map((node) => ({ name: node.name, ip: node.ip })), [Port.tcp(nodeExporter.port), Port.tcp(KUBELET_PORT)]);
  return { namespaces, storageClass, volumes, loki, alloy, alloyEvents, nodeExporter, kubeStateMetrics, alertmanager, prometheus, grafana };
}
