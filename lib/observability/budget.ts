import { formatCpuUp as cpu, formatMebibytesUp as mebibytes, parseQuantity } from '../core/quantity';
import { DEFAULT_LIMITS, LimitSettings } from '../tenancy/defaults';
import { ObservabilityConfig, ResourcesConfig } from './config';

/** What one workload of the stack costs its namespace. */
export interface WorkloadBudget {
  readonly name: string;
  readonly namespace: string;
  /** Pods at steady state (a DaemonSet: one per node). */
  readonly pods: number;
  /** One container per pod. */
  readonly resources: ResourcesConfig;
  /** Sizes of the claims the workload's pods make (StatefulSets). @default [] */
  readonly claims?: readonly string[];
}

/**
 * The stack's workloads per namespace, from the config alone (the namespaces are created before the workloads), for
 * the LimitRange bounds; the synth-time quota-fit check holds the real pod templates against the LimitRange.
 */
export function observabilityWorkloads(obs: ObservabilityConfig, nodeCount: number): WorkloadBudget[] {
  const n = obs.namespaces;
  // DaemonSets tolerate every taint: one pod per node, plus one for a node joined before platform.yaml says so.
  const perNode = nodeCount + 1;
  return [
    { name: 'loki', namespace: n.logging, pods: 1, resources: obs.loki.resources, claims: [obs.storage.loki.size] },
    ...(obs.alloy.collectEvents ? [{ name: 'alloy-events', namespace: n.logging, pods: 1, resources: obs.alloy.eventsResources }] : []),
    { name: 'prometheus', namespace: n.monitoring, pods: 1, resources: obs.prometheus.resources, claims: [obs.storage.prometheus.size] },
    { name: 'alertmanager', namespace: n.monitoring, pods: 1, resources: obs.alertmanager.resources },
    { name: 'kube-state-metrics', namespace: n.monitoring, pods: 1, resources: obs.kubeStateMetrics.resources },
    { name: 'grafana', namespace: n.monitoring, pods: 1, resources: obs.grafana.resources },
    { name: 'node-exporter', namespace: n.nodeAgents, pods: perNode, resources: obs.nodeExporter.resources },
    { name: 'alloy', namespace: n.nodeAgents, pods: perNode, resources: obs.alloy.resources },
  ];
}

/**
 * The LimitRange of one namespace: the tenancy defaults, with `max` and `maxPvcSize` widened only where a component
 * needs more. (Its ResourceQuota is computed at synth time from the pod templates really in the namespace:
 * NamespaceBaseline `quotaFromWorkloads`.)
 */
export function namespaceLimits(workloads: readonly WorkloadBudget[]): LimitSettings {
  let maxCpu = parseQuantity(DEFAULT_LIMITS.max.cpu);
  let maxMemory = parseQuantity(DEFAULT_LIMITS.max.memory);
  let maxClaim = parseQuantity(DEFAULT_LIMITS.maxPvcSize);
  for (const w of workloads) {
    maxCpu = Math.max(maxCpu, parseQuantity(w.resources.limits.cpu));
    maxMemory = Math.max(maxMemory, parseQuantity(w.resources.limits.memory));
    for (const size of w.claims ?? []) maxClaim = Math.max(maxClaim, parseQuantity(size));
  }
  return { ...DEFAULT_LIMITS, max: { cpu: cpu(maxCpu), memory: mebibytes(maxMemory) }, maxPvcSize: mebibytes(maxClaim) };
}
