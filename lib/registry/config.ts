import { checkRequestsWithinLimits } from '../config/resource-limits';
import { ClusterConfig } from '../config/cluster';
import { array, bool, int, JsonSchema, nfsDumpSchema, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show, showList } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { CRON_SCHEDULE, problemOf } from '../core/validate';
import { timeZoneProblem } from '../core/validate/time-zone';
import { isIpv4Cidr } from '../core/validate';
import { RESERVED_NAMESPACES } from '../tenancy/config';
import { DEFAULT_HARBOR_RESOURCES, DEFAULT_REGISTRY } from './defaults';
import type { ProxyCacheConfig, RegistryConfig, RegistryLocalVolume } from './config.generated';

// The section's types are generated from registrySchema (`npm run schema`).
export type { HarborContainerResources, ProxyCacheConfig, RegistryConfig, RegistryLocalVolume } from './config.generated';

const d = DEFAULT_REGISTRY;
const localVolume = (what: string, v: { path: string; size: string }) => object(
  {
    node: str('Node whose disk holds the directory. Default: the first schedulable node.', { format: 'dns-subdomain' }),
    path: str('Directory on that node (create it, owned by uid 999, before the first apply).', { format: 'absolute-path', default: v.path }),
    size: str('Capacity of the local PersistentVolume (and its claim).', { format: 'quantity', default: v.size }),
  },
  { default: {}, description: `${what}: a local volume (never NFS).` },
);

export const registrySchema: JsonSchema = object(
  {
    enabled: bool('Deploy Harbor (dist/25-registry.*.yaml). Off by default: it does not fit the lab cluster beside everything else (README, "Registry").', false),
    namespace: str('Namespace of every Harbor component.', { format: 'dns-label', default: d.namespace }),
    host: str('Host name clients push and pull through; externalURL is https://<host>.', { format: 'dns-subdomain', default: d.host }),
    tlsSecretName: str('Existing kubernetes.io/tls Secret in the namespace for the host.', { format: 'dns-subdomain', default: d.tlsSecretName }),
    coreReplicas: int('Replicas of core (a PodDisruptionBudget is added above 1).', { minimum: 1, default: 1 }),
    portalReplicas: int('Replicas of the portal (a PodDisruptionBudget is added above 1).', { minimum: 1, default: 1 }),
    trivy: object(
      {
        enabled: bool('Run the Trivy scanner.', true),
        dbRepository: str('OCI repository of a trivy-db mirror. Without it Trivy never downloads its database (offline: scans only with a database put in its cache by hand).'),
      },
      { default: {}, description: 'Vulnerability scanning.' },
    ),
    projects: array(str('Project name.', { format: 'dns-label' }), 'Projects the day-one Job creates (private); existing ones are left alone.', { default: [], uniqueItems: true }),
    proxyCache: array(
      object(
        {
          upstream: str('Upstream registry host.', { enum: ['docker.io', 'registry.k8s.io', 'quay.io', 'ghcr.io'] }),
          project: str('Harbor project caching it. Default: proxy-<upstream with dashes>.', { format: 'dns-label' }),
        },
        { required: ['upstream'] },
      ),
      'Upstream registries Harbor caches: the day-one Job creates a proxy-cache project per entry, and dist/host points the nodes\' container runtime at it.',
      { default: [] },
    ),
    egressCidrs: array(str('IPv4 CIDR.', { format: 'ipv4-cidr' }), 'Addresses core and jobservice may reach on 443 (upstream registries, replication targets, a trivy-db mirror); nothing else leaves the namespace.', { default: [], uniqueItems: true }),
    storage: object(
      {
        nfsServer: str('NFS server of the blob and backup exports. Default: cluster.nfs.server.', { format: 'ipv4' }),
        blobs: object(
          {
            exportPath: str('NFS export holding the image blobs, owned by uid 10000.', { format: 'absolute-path', default: d.blobs.exportPath }),
            size: str('Capacity of the blob PersistentVolume.', { format: 'quantity', default: d.blobs.size }),
          },
          { default: {}, description: 'Registry blobs: a pre-bound NFS PersistentVolume (Retain).' },
        ),
        database: localVolume('PostgreSQL data', d.database),
        redis: localVolume('Redis data', d.redis),
        trivy: localVolume('Trivy cache', d.trivy),
      },
      { default: {}, description: 'Where Harbor keeps its data.' },
    ),
    backup: nfsDumpSchema('Nightly pg_dump of the Harbor database (the blobs are on NFS; back up that export with the server).', d.backup, {
      enabled: 'Dump the Harbor database nightly (pg_dump) onto NFS.',
      // The schedule is checked in checkRegistryConfig (CRON_SCHEDULE), which names the field and the fix.
      schedule: 'Cron schedule.',
      retentionDays: 'Days of dumps kept; 0 keeps all.',
      exportPath: 'NFS export holding the dumps, owned by uid 999.',
      size: 'Capacity of the backup PersistentVolume.',
    }),
    resources: object(
      Object.fromEntries(Object.entries(DEFAULT_HARBOR_RESOURCES).map(([k, v]) => [k, resourcesSchema(`The ${k} container.`, v)])),
      { default: {}, description: 'Requests and limits per container.' },
    ),
  },
  { default: {}, description: 'Harbor: the cluster\'s image registry (core, portal, registry, jobservice, Trivy, PostgreSQL, Redis, exporter).' },
);

/** The project caching an upstream. */
export function proxyProject(p: ProxyCacheConfig): string {
  return p.project ?? `proxy-${p.upstream.replace(/\./g, '-')}`;
}

/** The NFS server of the blob and backup exports. */
export function registryNfsServer(r: RegistryConfig, cluster: Pick<ClusterConfig, 'nfs'>): string {
  return r.storage.nfsServer ?? cluster.nfs.server;
}

/** The node of a local volume: its own, or the first schedulable node. */
export function registryVolumeNode(v: RegistryLocalVolume, cluster: Pick<ClusterConfig, 'nodes'>): string | undefined {
  return v.node ?? cluster.nodes.find((n) => n.schedulable)?.name;
}

export function registryNamespaces(r: RegistryConfig): string[] {
  return r.enabled ? [r.namespace] : [];
}

/** Cross-field checks of the section. */
export function checkRegistryConfig(r: RegistryConfig, cluster: ClusterConfig, problems: ProblemList): void {
  if (!r.enabled) return;
  const at = 'registry';
  if (RESERVED_NAMESPACES.includes(r.namespace)) problems.add(`${at}.namespace: ${show(r.namespace)} is a Kubernetes system namespace; keep ${show(d.namespace)} or choose a new name.`);
  if (!r.host.includes('.')) problems.add(`${at}.host: ${show(r.host)} needs a domain (example: ${show(d.host)}); it is the TLS name and externalURL.`);
  const nodes = cluster.nodes.map((n) => n.name);
  for (const key of ['database', 'redis', 'trivy'] as const) {
    const v = r.storage[key];
    if (v.node !== undefined && !nodes.includes(v.node)) problems.add(`${at}.storage.${key}.node: ${show(v.node)} is not in cluster.nodes (${showList(nodes)}).`);
    if (v.node !== undefined && !cluster.nodes.find((n) => n.name === v.node)?.schedulable) {
      if (nodes.includes(v.node)) problems.add(`${at}.storage.${key}.node: ${show(v.node)} takes no ordinary pods (schedulable: false); pick a worker.`);
    }
  }
  if (r.backup.enabled && r.backup.exportPath === r.storage.blobs.exportPath) {
    problems.add(`${at}.backup.exportPath: ${show(r.backup.exportPath)} is also storage.blobs.exportPath; dumps need an export of their own, e.g. ${show(d.backup.exportPath)}.`);
  }
  const schedule = r.backup.enabled ? problemOf(CRON_SCHEDULE, r.backup.schedule, `${at}.backup.schedule`) : undefined;
  if (schedule !== undefined) problems.add(schedule);
  const timeZone = r.backup.enabled ? timeZoneProblem(r.backup.timeZone, `${at}.backup.timeZone`) : undefined;
  if (timeZone !== undefined) problems.add(timeZone);
  for (const [field, size] of [['storage.blobs.size', r.storage.blobs.size], ['backup.size', r.backup.size]] as const) {
    if (!isQuantity(size) || parseQuantity(size) <= 0) problems.add(`${at}.${field}: ${show(size)} is not a positive quantity (example: "10Gi").`);
  }
  r.egressCidrs.forEach((c, i) => {
    if (!isIpv4Cidr(c)) problems.add(`${at}.egressCidrs[${i}]: ${show(c)} is not an IPv4 CIDR; did you mean "${c}/32"?`);
    else if (c === '0.0.0.0/0') problems.add(`${at}.egressCidrs[${i}]: "0.0.0.0/0" opens the whole internet to core and jobservice; list the upstream and replication addresses.`);
  });
  const projects = new Map<string, string>();
  r.projects.forEach((p, i) => projects.set(p, `projects[${i}]`));
  const upstreams = new Set<string>();
  r.proxyCache.forEach((p, i) => {
    const name = proxyProject(p);
    if (projects.has(name)) problems.add(`${at}.proxyCache[${i}]: project ${show(name)} is also ${projects.get(name)}; a proxy-cache project caches one upstream only.`);
    projects.set(name, `proxyCache[${i}]`);
    if (upstreams.has(p.upstream)) problems.add(`${at}.proxyCache[${i}].upstream: ${show(p.upstream)} is listed twice.`);
    upstreams.add(p.upstream);
  });
  if (r.proxyCache.length > 0 && r.egressCidrs.length === 0) {
    problems.add(`${at}.proxyCache: Harbor would cache ${showList(r.proxyCache.map((p) => p.upstream))} but registry.egressCidrs is empty, so core cannot reach them; list their addresses (or an internal mirror's) in egressCidrs.`);
  }
  for (const [k, v] of Object.entries(r.resources)) checkRequestsWithinLimits(`${at}.resources.${k}`, v, problems);
}
