import { PodResources } from '../core/pod-templates';
import { formatCpu, formatMebibytesUp as bytes, parseQuantity } from '../core/quantity';
import { ContainerResources } from '../core/security';
import { DEFAULT_LIMITS, LimitSettings } from '../tenancy/defaults';
import type { MySqlCluster } from './cluster';
import { CONFIG_INIT_RESOURCES } from './defaults';

function numbers(r: ContainerResources): PodResources {
  const limitsCpu = r.limits.cpu ?? r.requests.cpu;
  return {
    requestsCpu: parseQuantity(r.requests.cpu),
    requestsMemory: parseQuantity(r.requests.memory),
    limitsCpu: parseQuantity(limitsCpu),
    limitsMemory: parseQuantity(r.limits.memory),
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
