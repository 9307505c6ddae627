import { formatCpu, parseQuantity } from '../core/quantity';
import { DEFAULT_LIMITS, DEFAULT_QUOTA, LimitSettings, QuotaSettings } from '../tenancy/defaults';
import { ObservabilityConfig, ResourcesConfig } from './config';

/** What one workload of the stack costs its namespace. */
export interface WorkloadBudget {
  readonly name: string;
  readonly namespace: string;
  /** Pods at steady state (a DaemonSet: one per node). */
  readonly pods: number;
  /** A rolling update adds one pod for a while (Deployments with RollingUpdate). */
  readonly surge: boolean;
  /** One container per pod. */
  readonly resources: ResourcesConfig;
  /** Sizes of the claims the workload's pods make (StatefulSets). @default [] */
  readonly claims?: readonly string[];
}

/**
 * The stack's workloads per namespace, from the config alone (the namespaces are created before the workloads, so
 * their quotas cannot be read off the constructs). The synth-time quota-fit check compares the real pod templates
 * with the quotas derived here, so a construct that grows a sidecar without updating this fails the synth.
 */
export function observabilityWorkloads(obs: ObservabilityConfig, nodeCount: number): WorkloadBudget[] {
  const n = obs.namespaces;
  // DaemonSets tolerate every taint: one pod per node, plus one for a node joined before platform.yaml says so.
  const perNode = nodeCount + 1;
  return [
    { name: 'loki', namespace: n.logging, pods: 1, surge: false, resources: obs.loki.resources, claims: [obs.storage.loki.size] },
    ...(obs.alloy.collectEvents ? [{ name: 'alloy-events', namespace: n.logging, pods: 1, surge: false, resources: obs.alloy.eventsResources }] : []),
    { name: 'prometheus', namespace: n.monitoring, pods: 1, surge: false, resources: obs.prometheus.resources, claims: [obs.storage.prometheus.size] },
    { name: 'alertmanager', namespace: n.monitoring, pods: 1, surge: true, resources: obs.alertmanager.resources },
    { name: 'kube-state-metrics', namespace: n.monitoring, pods: 1, surge: true, resources: obs.kubeStateMetrics.resources },
    { name: 'grafana', namespace: n.monitoring, pods: 1, surge: false, resources: obs.grafana.resources },
    { name: 'node-exporter', namespace: n.nodeAgents, pods: perNode, surge: false, resources: obs.nodeExporter.resources },
    { name: 'alloy', namespace: n.nodeAgents, pods: perNode, surge: false, resources: obs.alloy.resources },
  ];
}

const MI = 2 ** 20;
/** Bytes rounded up to whole MiB, written in Gi when exact: `1Gi`, `1152Mi`, `0`. */
const mebibytes = (bytes: number) => {
  const mi = Math.ceil(bytes / MI - 1e-9);
  if (mi === 0) return '0';
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
};
/** Cores rounded up to whole millicores (ignoring float noise such as 1.2000000000000002). */
const cpu = (cores: number) => formatCpu(Math.ceil(cores * 1000 - 1e-6) / 1000);

/**
 * ResourceQuota and LimitRange of one namespace that fit exactly its workloads, plus the largest surging pod (a
 * rolling update must not be refused by the quota). The LimitRange keeps the tenancy defaults and widens `max` and
 * `maxPvcSize` only where a component needs more.
 */
export function namespaceBudget(workloads: readonly WorkloadBudget[]): { quota: QuotaSettings; limits: LimitSettings } {
  const sum = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  const surge = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  let pods = 0;
  let surgePods = 0;
  let claims = 0;
  let storage = 0;
  let maxCpu = parseQuantity(DEFAULT_LIMITS.max.cpu);
  let maxMemory = parseQuantity(DEFAULT_LIMITS.max.memory);
  let maxClaim = parseQuantity(DEFAULT_LIMITS.maxPvcSize);
  for (const w of workloads) {
    const r = {
      requestsCpu: parseQuantity(w.resources.requests.cpu), requestsMemory: parseQuantity(w.resources.requests.memory),
      limitsCpu: parseQuantity(w.resources.limits.cpu), limitsMemory: parseQuantity(w.resources.limits.memory),
    };
    for (const k of Object.keys(sum) as Array<keyof typeof sum>) {
      sum[k] += w.pods * r[k];
      if (w.surge) surge[k] = Math.max(surge[k], r[k]);
    }
    pods += w.pods;
    if (w.surge) surgePods = 1;
    for (const size of w.claims ?? []) {
      claims += w.pods;
      storage += w.pods * parseQuantity(size);
      maxClaim = Math.max(maxClaim, parseQuantity(size));
    }
    maxCpu = Math.max(maxCpu, r.limitsCpu);
    maxMemory = Math.max(maxMemory, r.limitsMemory);
  }
  return {
    quota: {
      ...DEFAULT_QUOTA,
      cpu: cpu(sum.requestsCpu + surge.requestsCpu),
      memory: mebibytes(sum.requestsMemory + surge.requestsMemory),
      limitsCpu: cpu(sum.limitsCpu + surge.limitsCpu),
      limitsMemory: mebibytes(sum.limitsMemory + surge.limitsMemory),
      pods: pods + surgePods,
      persistentVolumeClaims: claims,
      storage: mebibytes(storage),
      nodePorts: 0,
      loadBalancers: 0,
    },
    limits: { ...DEFAULT_LIMITS, max: { cpu: cpu(maxCpu), memory: mebibytes(maxMemory) }, maxPvcSize: mebibytes(maxClaim) },
  };
}
