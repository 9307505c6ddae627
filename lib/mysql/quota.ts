import { formatCpu, parseQuantity } from '../core/quantity';
import { ContainerResources } from '../core/security';
import { DEFAULT_LIMITS, LimitSettings, QuotaSettings } from '../tenancy/defaults';
import type { MySqlCluster } from './cluster';
import { CONFIG_INIT_RESOURCES } from './defaults';

interface PodNumbers { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number }

const MI = 2 ** 20;
const GI = 2 ** 30;

function numbers(r: ContainerResources): PodNumbers {
  const limitsCpu = r.limits.cpu ?? r.requests.cpu;
  return {
    requestsCpu: parseQuantity(r.requests.cpu),
    requestsMemory: parseQuantity(r.requests.memory),
    limitsCpu: parseQuantity(limitsCpu),
    limitsMemory: parseQuantity(r.limits.memory),
  };
}

/**
 * What one pod counts against a quota, the way Kubernetes counts it: the larger of the sum of its containers and
 * its biggest init container.
 */
export function podNumbers(containers: readonly ContainerResources[], initContainers: readonly ContainerResources[] = []): PodNumbers {
  const keys = ['requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'] as const;
  const sum: PodNumbers = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  const init: PodNumbers = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  for (const c of containers.map(numbers)) for (const k of keys) sum[k] += c[k];
  for (const c of initContainers.map(numbers)) for (const k of keys) init[k] = Math.max(init[k], c[k]);
  return {
    requestsCpu: Math.max(sum.requestsCpu, init.requestsCpu),
    requestsMemory: Math.max(sum.requestsMemory, init.requestsMemory),
    limitsCpu: Math.max(sum.limitsCpu, init.limitsCpu),
    limitsMemory: Math.max(sum.limitsMemory, init.limitsMemory),
  };
}

/** A member pod: mysqld + exporter; init containers config (small) and bootstrap (mysqld's resources). */
export function memberPodNumbers(cluster: MySqlCluster): PodNumbers {
  return podNumbers([cluster.mysqldResources, cluster.exporterResources], [CONFIG_INIT_RESOURCES, cluster.mysqldResources]);
}

const cpu = (cores: number) => `${Math.ceil(Math.round(cores * 1e6) / 1e3)}m`;
const bytes = (n: number) => (n % GI === 0 ? `${n / GI}Gi` : `${Math.ceil(n / MI)}Mi`);

/**
 * The namespace's ResourceQuota, computed from the workload so it always fits exactly: `replicas` members plus one
 * backup pod (Forbid keeps one at a time), and a claim per export path (claims of members removed by scaling down
 * are retained) plus the backup claim.
 */
export function namespaceQuota(cluster: MySqlCluster): QuotaSettings {
  const member = memberPodNumbers(cluster);
  const backup = cluster.backupOptions.enabled ? podNumbers([cluster.backupOptions.resources]) : undefined;
  const total = (k: keyof PodNumbers) => cluster.replicas * member[k] + (backup ? backup[k] : 0);
  const dataClaims = Math.max(cluster.replicas, cluster.exportPaths.length);
  const claims = dataClaims + (backup ? 1 : 0);
  const storage = dataClaims * parseQuantity(cluster.requestSize) + (backup ? parseQuantity(cluster.backupOptions.size) : 0);
  return {
    cpu: cpu(total('requestsCpu')),
    memory: bytes(total('requestsMemory')),
    limitsCpu: cpu(total('limitsCpu')),
    limitsMemory: bytes(total('limitsMemory')),
    pods: cluster.replicas + (backup ? 1 : 0),
    persistentVolumeClaims: claims,
    storage: bytes(storage),
    nodePorts: 0,
    loadBalancers: 0,
  };
}

/** The LimitRange: the baseline's, widened where the cluster's own containers or claims need more. */
export function namespaceLimits(cluster: MySqlCluster): LimitSettings {
  const all = [cluster.mysqldResources, cluster.exporterResources, CONFIG_INIT_RESOURCES, ...(cluster.backupOptions.enabled ? [cluster.backupOptions.resources] : [])].map(numbers);
  const l = DEFAULT_LIMITS;
  const claims = [parseQuantity(cluster.requestSize), ...(cluster.backupOptions.enabled ? [parseQuantity(cluster.backupOptions.size)] : [])];
  return {
    ...l,
    min: {
      cpu: formatCpu(Math.min(parseQuantity(l.min.cpu), ...all.map((c) => c.requestsCpu))),
      memory: bytes(Math.min(parseQuantity(l.min.memory), ...all.map((c) => c.requestsMemory))),
    },
    max: {
      cpu: formatCpu(Math.max(parseQuantity(l.max.cpu), ...all.map((c) => c.limitsCpu))),
      memory: bytes(Math.max(parseQuantity(l.max.memory), ...all.map((c) => c.limitsMemory))),
    },
    maxPvcSize: bytes(Math.max(...claims)),
  };
}
