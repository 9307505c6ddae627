import { checkRequestsWithinLimits } from '../config/resource-limits';
import { ClusterConfig } from '../config/cluster';
import { array, bool, int, JsonSchema, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import { formatBytes, parseQuantity } from '../core/quantity';
import { credentialProblem } from '../core/validate';
import { takenNamespace } from '../tenancy/config';
import { cidrContains, isIpv4Cidr, parseCidr } from '../core/validate/ip';
import {
  DEFAULT_GRAFANA, DEFAULT_LOKI, DEFAULT_PROMETHEUS, DEFAULT_RESOURCES, DEFAULT_STORAGE, GRAFANA_ADMIN_SECRET_KEYS,
  ALERTMANAGER_WEBHOOK_SECRET_KEY, OBSERVABILITY_NAMESPACES, WEBHOOK_CREDENTIAL_FIX,
} from './defaults';
import type { ObservabilityConfig, ResourcesConfig } from './config.generated';

// The section's types are generated from observabilitySchema (`npm run schema`).
export type { LocalVolumeConfig, ObservabilityConfig, ResourcesConfig } from './config.generated';


/** Requests and limits of one component; a component without a CPU limit default gets 1 CPU as its ceiling. */
function componentResources(what: string, d: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } }): JsonSchema {
  return resourcesSchema(`Requests and limits of the ${what} container; the namespace quota is derived from them.`, { requests: d.requests, limits: { cpu: d.limits.cpu ?? '1', memory: d.limits.memory } });
}

function volumeSchema(what: string, d: { path: string; size: string }, nodeDefault: string): JsonSchema {
  return object(
    {
      node: str(`Node whose local disk holds the ${what} volume (must be schedulable). Default: ${nodeDefault}. Set it explicitly: moving it later moves the data.`, { format: 'dns-subdomain', examples: ['k8s-node1'] }),
      path: str(`Directory on that node (create it before applying; see docs/observability.md).`, { format: 'absolute-path', default: d.path }),
      size: str(`Capacity of the ${what} volume.`, { format: 'quantity', default: d.size }),
    },
    { default: {}, description: `Local PersistentVolume of ${what} (never NFS: its TSDB needs a local POSIX filesystem).` },
  );
}

const ns = OBSERVABILITY_NAMESPACES;
const res = DEFAULT_RESOURCES;

export const observabilitySchema: JsonSchema = object(
  {
    enabled: bool('Deploy the observability stack (Loki, Alloy, Prometheus, Alertmanager, exporters, Grafana).', true),
    namespaces: object(
      {
        logging: str('Namespace of Loki (Pod Security restricted).', { format: 'dns-label', default: ns.logging }),
        monitoring: str('Namespace of Prometheus, Alertmanager, Grafana and kube-state-metrics (Pod Security restricted).', { format: 'dns-label', default: ns.monitoring }),
        nodeAgents: str('Namespace of node-exporter and the Alloy DaemonSet (Pod Security privileged: they need the host).', { format: 'dns-label', default: ns.nodeAgents }),
      },
      { default: {}, description: 'Namespaces of the stack; three different names.' },
    ),
    storage: object(
      {
        storageClassName: str('StorageClass of the local volumes (created by the stack, no provisioner, WaitForFirstConsumer).', { format: 'dns-subdomain', default: DEFAULT_STORAGE.storageClassName }),
        prometheus: volumeSchema('Prometheus', DEFAULT_STORAGE.prometheus, 'the first schedulable node of cluster.nodes'),
        loki: volumeSchema('Loki', DEFAULT_STORAGE.loki, 'the first schedulable node other than Prometheus\'s (or the same if there is only one)'),
      },
      { default: {}, description: 'Local volumes of the time-series databases.' },
    ),
    loki: object(
      {
        retentionDays: int('Days of logs to keep (deleted by the compactor).', { minimum: 1, maximum: 3650, default: DEFAULT_LOKI.retentionDays }),
        ingestionRateMb: int('Ingestion rate limit, MB/s (limits_config.ingestion_rate_mb).', { minimum: 1, maximum: 1024, default: DEFAULT_LOKI.ingestionRateMb }),
        ingestionBurstSizeMb: int('Ingestion burst, MB (limits_config.ingestion_burst_size_mb); at least ingestionRateMb.', { minimum: 1, maximum: 4096, default: DEFAULT_LOKI.ingestionBurstSizeMb }),
        maxQuerySeries: int('Most series one query may return (limits_config.max_query_series).', { minimum: 1, default: DEFAULT_LOKI.maxQuerySeries }),
        maxEntriesLimitPerQuery: int('Most log lines one query may return (limits_config.max_entries_limit_per_query).', { minimum: 1, default: DEFAULT_LOKI.maxEntriesLimitPerQuery }),
        resources: componentResources('Loki', res.loki),
      },
      { default: {}, description: 'Loki (monolithic, filesystem storage on the local volume).' },
    ),
    alloy: object(
      {
        collectEvents: bool('Also ship Kubernetes events to Loki, from one extra single-replica Alloy Deployment in the logging namespace (costs its requests, ~48Mi).', false),
        resources: componentResources('Alloy (per node)', res.alloy),
        eventsResources: componentResources('Alloy events collector', res.alloyEvents),
      },
      { default: {}, description: 'Grafana Alloy, the log collector (a DaemonSet tailing /var/log/pods).' },
    ),
    prometheus: object(
      {
        retention: str('Longest time series are kept (Prometheus duration: 15d, 4w, 12h).', { default: DEFAULT_PROMETHEUS.retention, examples: ['15d'] }),
        retentionSize: str(`Most disk the TSDB blocks may use; must be below storage.prometheus.size. Default: ${DEFAULT_PROMETHEUS.retentionSizeRatio * 100}% of it.`, { format: 'quantity', examples: ['8Gi'] }),
        scrapeIntervalSeconds: int('Scrape and rule evaluation interval, seconds.', { minimum: 5, maximum: 300, default: DEFAULT_PROMETHEUS.scrapeIntervalSeconds }),
        tenantMetricsPortNames: array(str('Container port name.'), 'Container port names Prometheus may reach in tenant namespaces (pods annotated prometheus.io/scrape: "true").', { default: [...DEFAULT_PROMETHEUS.tenantMetricsPortNames], uniqueItems: true }),
        tenantMetricsPorts: array(int('Container port number.', { minimum: 1, maximum: 65535 }), 'Container port numbers Prometheus may reach in tenant namespaces, for metrics ports that cannot be named.', { default: [...DEFAULT_PROMETHEUS.tenantMetricsPorts], uniqueItems: true }),
        resources: componentResources('Prometheus', res.prometheus),
      },
      { default: {}, description: 'Prometheus (StatefulSet on the local volume).' },
    ),
    alertmanager: object(
      {
        webhookUrl: str('Webhook that receives every alert (written into the Alertmanager ConfigMap, so no credentials in it). Default: none — alerts are only shown in Alertmanager and Grafana.', { format: 'url', examples: ['http://10.10.10.50:9000/alerts'] }),
        webhookUrlSecretName: str(`Existing Secret in the monitoring namespace whose key "${ALERTMANAGER_WEBHOOK_SECRET_KEY}" holds the webhook URL (for URLs with a token). Default: none.`, { format: 'dns-subdomain' }),
        webhookCidrs: array(str('IPv4 CIDR.', { format: 'ipv4-cidr' }), 'Addresses Alertmanager may send the webhook to. Default: the /32 of webhookUrl when its host is an IP address.', { default: [], uniqueItems: true }),
        webhookPort: int('Port of the webhook. Default: the port of webhookUrl (80/443 by scheme); required with webhookUrlSecretName.', { minimum: 1, maximum: 65535 }),
        resources: componentResources('Alertmanager', res.alertmanager),
      },
      { default: {}, description: 'Alertmanager (one replica; silences live in an emptyDir).' },
    ),
    grafana: object(
      {
        host: str('Host name of the Grafana Ingress.', { format: 'dns-subdomain', default: DEFAULT_GRAFANA.host }),
        tlsSecretName: str('Existing kubernetes.io/tls Secret in the monitoring namespace for that host.', { format: 'dns-subdomain', default: DEFAULT_GRAFANA.tlsSecretName }),
        adminSecretName: str(`Existing Secret in the monitoring namespace with keys "${GRAFANA_ADMIN_SECRET_KEYS.user}" and "${GRAFANA_ADMIN_SECRET_KEYS.password}".`, { format: 'dns-subdomain', default: DEFAULT_GRAFANA.adminSecretName }),
        resources: componentResources('Grafana', res.grafana),
      },
      { default: {}, description: 'Grafana (datasources and dashboards provisioned from the repository).' },
    ),
    nodeExporter: object({ resources: componentResources('node-exporter (per node)', res.nodeExporter) }, { default: {}, description: 'node-exporter DaemonSet (every node, control plane included).' }),
    kubeStateMetrics: object({ resources: componentResources('kube-state-metrics', res.kubeStateMetrics) }, { default: {}, description: 'kube-state-metrics Deployment.' }),
  },
  { default: {}, description: 'Observability: Loki + Grafana Alloy for logs, Prometheus + Alertmanager + exporters for metrics, Grafana.' },
);

/** The nodes the two local volumes live on: explicit ones, else schedulable nodes, apart when there are two. */
export function storageNodes(cluster: Pick<ClusterConfig, 'nodes'>, storage: ObservabilityConfig['storage']): { prometheus?: string; loki?: string } {
  const schedulable = [...new Set(cluster.nodes.filter((n) => n.schedulable).map((n) => n.name))];
  const pick = (avoid: string | undefined) => schedulable.find((n) => n !== avoid) ?? schedulable[0];
  const prometheus = storage.prometheus.node ?? pick(storage.loki.node);
  const loki = storage.loki.node ?? pick(prometheus);
  return { prometheus, loki };
}

/** `prometheus.retentionSize`, or its default share of the volume, in bytes. */
export function prometheusRetentionBytes(obs: ObservabilityConfig): number {
  return obs.prometheus.retentionSize !== undefined
    ? parseQuantity(obs.prometheus.retentionSize)
    : Math.floor(parseQuantity(obs.storage.prometheus.size) * DEFAULT_PROMETHEUS.retentionSizeRatio);
}

/** The webhook's egress: where Alertmanager may connect, derived from the URL when not given. */
export function webhookEgress(am: ObservabilityConfig['alertmanager']): { cidrs: string[]; port?: number } | undefined {
  if (am.webhookUrl === undefined && am.webhookUrlSecretName === undefined) return undefined;
  const url = am.webhookUrl !== undefined ? safeUrl(am.webhookUrl) : undefined;
  const host = url?.hostname;
  const cidrs = am.webhookCidrs.length > 0 ? [...am.webhookCidrs] : host && isIpv4Cidr(`${host}/32`) ? [`${host}/32`] : [];
  const port = am.webhookPort ?? (url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : undefined);
  return { cidrs, port };
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const PORT_NAME = /^(?=.{1,15}$)(?!.*--)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Cross-field checks of the section, run after schema validation. Every message names field, value and fix. */
export function checkObservabilityConfig(config: { readonly observability: ObservabilityConfig; readonly cluster: ClusterConfig }, problems: ProblemList): void {
  const obs = config.observability;
  if (!obs.enabled) return;
  const at = 'observability';
  const cluster = config.cluster;

  // Namespaces: three different ones (node-agents is privileged; sharing it would lower the others' level).
  const names = (['logging', 'monitoring', 'nodeAgents'] as const).map((key) => [key, obs.namespaces[key]] as const);
  names.forEach(([key, value], i) => {
    const taken = takenNamespace(value);
    if (taken !== undefined) problems.add(`${at}.namespaces.${key}: ${show(value)} is ${taken}; keep the default ${show(OBSERVABILITY_NAMESPACES[key])} or choose a new name.`);
    const other = names.slice(0, i).find(([, v]) => v === value);
    if (other) problems.add(`${at}.namespaces.${key}: ${show(value)} is also namespaces.${other[0]}; give each its own namespace (node-agents is Pod Security privileged, the others restricted).`);
  });

  // Storage: nodes that exist and take ordinary pods, distinct directories, sizes that hold something.
  const schedulable = [...new Set(cluster.nodes.filter((n) => n.schedulable).map((n) => n.name))];
  for (const which of ['prometheus', 'loki'] as const) {
    const volume = obs.storage[which];
    const field = `${at}.storage.${which}`;
    if (volume.node !== undefined) {
      const node = cluster.nodes.find((n) => n.name === volume.node);
      if (!node) {
        problems.add(`${field}.node: ${show(volume.node)} is not in cluster.nodes (${[...new Set(cluster.nodes.map((n) => n.name))].map((n) => show(n)).join(', ')}); use one of the schedulable ones: ${schedulable.map((n) => show(n)).join(', ') || 'none'}.`);
      } else if (!node.schedulable) {
        problems.add(`${field}.node: ${show(volume.node)} takes no ordinary pods (a tainted control-plane node); use one of ${schedulable.map((n) => show(n)).join(', ') || 'none'}, or set \`schedulable: true\` on it in cluster.nodes.`);
      }
    }
    if (parseQuantity(volume.size) < 2 ** 30) {
      problems.add(`${field}.size: ${show(volume.size)} is less than 1Gi; a time-series database needs room for its write-ahead log and compaction (e.g. "10Gi").`);
    }
  }
  const nodes = storageNodes(cluster, obs.storage);
  if (nodes.prometheus !== undefined && nodes.prometheus === nodes.loki && obs.storage.prometheus.path === obs.storage.loki.path) {
    problems.add(`${at}.storage.loki.path: ${show(obs.storage.loki.path)} is also storage.prometheus.path on the same node (${nodes.loki}); give Loki a directory of its own (e.g. "/mnt/local-storage/loki").`);
  }

  // Prometheus retention: a duration Prometheus parses, and a size below the volume.
  const p = obs.prometheus;
  if (!DURATION.test(p.retention) || /^0+[a-z]+$/.test(p.retention)) {
    problems.add(`${at}.prometheus.retention: ${show(p.retention)} is not a Prometheus duration; write a number and a unit (ms, s, m, h, d, w, y), e.g. "15d" or "4w".`);
  }
  const volumeBytes = parseQuantity(obs.storage.prometheus.size);
  const retentionBytes = prometheusRetentionBytes(obs);
  if (p.retentionSize !== undefined && (retentionBytes <= 0 || retentionBytes >= volumeBytes)) {
    problems.add(`${at}.prometheus.retentionSize: ${show(p.retentionSize)} must be above 0 and below storage.prometheus.size (${obs.storage.prometheus.size}), which also holds the WAL and compaction space; use about 80% of it ("${formatBytes(Math.floor(volumeBytes * 0.8))}").`);
  }
  p.tenantMetricsPortNames.forEach((name, i) => {
    if (!PORT_NAME.test(name) || !/[a-z]/.test(name)) {
      problems.add(`${at}.prometheus.tenantMetricsPortNames[${i}]: ${show(name)} is not a container port name (1-15 lowercase letters, digits and "-", with a letter), e.g. "metrics".`);
    }
  });

  // Loki limits.
  if (obs.loki.ingestionBurstSizeMb < obs.loki.ingestionRateMb) {
    problems.add(`${at}.loki.ingestionBurstSizeMb: ${obs.loki.ingestionBurstSizeMb} is below ingestionRateMb (${obs.loki.ingestionRateMb}); the burst must hold at least one second of the rate (e.g. ${obs.loki.ingestionRateMb * 2}).`);
  }

  // Requests may not exceed limits (the API server refuses such pods).
  const components: Array<[string, ResourcesConfig]> = [
    ['loki.resources', obs.loki.resources], ['alloy.resources', obs.alloy.resources], ['alloy.eventsResources', obs.alloy.eventsResources],
    ['prometheus.resources', p.resources], ['alertmanager.resources', obs.alertmanager.resources], ['grafana.resources', obs.grafana.resources],
    ['nodeExporter.resources', obs.nodeExporter.resources], ['kubeStateMetrics.resources', obs.kubeStateMetrics.resources],
  ];
  for (const [field, r] of components) {
    checkRequestsWithinLimits(`${at}.${field}`, r, problems);
    for (const key of ['cpu', 'memory'] as const) {
      if (parseQuantity(r.requests[key]) <= 0) {
        problems.add(`${at}.${field}.requests.${key}: ${show(r.requests[key])} must be above 0; the capacity and quota checks count on real requests.`);
      }
    }
  }

  // Grafana's Ingress host needs a domain.
  if (!obs.grafana.host.includes('.') || obs.grafana.host.length > 253) {
    problems.add(`${at}.grafana.host: ${show(obs.grafana.host)} is not a host name with a domain; use e.g. "${DEFAULT_GRAFANA.host}".`);
  }

  // Alertmanager webhook: one source of the URL, and an egress Alertmanager's default-deny can open.
  const am = obs.alertmanager;
  if (am.webhookUrl !== undefined && am.webhookUrlSecretName !== undefined) {
    problems.add(`${at}.alertmanager.webhookUrlSecretName: set together with webhookUrl; keep only one (the Secret for URLs that carry a token).`);
  }
  if (am.webhookUrl !== undefined && !/^https?:\/\//.test(am.webhookUrl)) {
    problems.add(`${at}.alertmanager.webhookUrl: ${show(am.webhookUrl)} is not an http(s) URL; Alertmanager webhooks speak HTTP (e.g. "http://10.10.10.50:9000/alerts").`);
  }
  const credential = credentialProblem(am.webhookUrl, `${at}.alertmanager.webhookUrl`, WEBHOOK_CREDENTIAL_FIX);
  if (credential !== undefined) problems.add(credential);
  const egress = webhookEgress(am);
  if (egress !== undefined) {
    if (egress.cidrs.length === 0) {
      problems.add(`${at}.alertmanager.webhookCidrs: is empty and the webhook host is not an IP address, so Alertmanager (default-deny egress) could not reach it; list its address(es), e.g. ["10.10.10.50/32"].`);
    }
    if (egress.port === undefined) {
      problems.add(`${at}.alertmanager.webhookPort: is missing; with webhookUrlSecretName the URL is not known at synth time, so give the port the webhook listens on (e.g. 443).`);
    }
    const pods = parseCidr(cluster.podCidr);
    egress.cidrs.forEach((cidr, i) => {
      const block = parseCidr(cidr);
      if (pods && block && (cidrContains(pods, { family: block.family, value: block.network }) || cidrContains(block, { family: pods.family, value: pods.network }))) {
        problems.add(`${at}.alertmanager.webhookCidrs[${i}]: ${show(cidr)} lies in the pod network ${cluster.podCidr}; an in-cluster receiver is reached by a flow to its pods, not by an address.`);
      }
    });
  } else if (am.webhookCidrs.length > 0 || am.webhookPort !== undefined) {
    problems.add(`${at}.alertmanager: webhookCidrs/webhookPort are set but there is no webhook; set webhookUrl or webhookUrlSecretName, or remove them.`);
  }
}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function observabilityNamespaces(config: { readonly observability: ObservabilityConfig }): string[] {
  const obs = config.observability;
  if (!obs.enabled) return [];
  return [obs.namespaces.logging, obs.namespaces.monitoring, obs.namespaces.nodeAgents];
}
