import { parseQuantity } from './quantity';

/**
 * How Kubernetes counts the pods of a workload manifest against quotas and nodes. One owner for that arithmetic:
 * the synth-time checks (quota fit, capacity) and the quotas Platform Kit computes for its own namespaces both call
 * it, so a quota computed here is exactly what the check then demands.
 */

/** Where a manifest keeps its pod template, and how many pods it runs. */
export interface ManifestPods {
  readonly metadata: any;
  readonly spec: any;
  /** Pods at steady state; for a DaemonSet the pods per node (1) — see `perNode`. */
  readonly replicas: number;
  /** DaemonSet: one pod on every node it tolerates. */
  readonly perNode: boolean;
  /** Runs to completion (Job, CronJob): probes do not apply. */
  readonly runsToCompletion: boolean;
  /** Extra pods a rolling update starts before it stops old ones (see {@link surgeOf}). */
  readonly surge: number;
}

/**
 * The pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod; undefined for other
 * kinds. `maxReplicas` is the HorizontalPodAutoscaler's ceiling when one targets the workload: quota and capacity
 * must hold at that size.
 */
export function podsOfManifest(m: any, maxReplicas?: number): ManifestPods | undefined {
  const template = { metadata: m.spec?.template?.metadata ?? {}, spec: m.spec?.template?.spec ?? {} };
  switch (m.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const replicas = maxReplicas ?? m.spec?.replicas ?? 1;
      return { ...template, replicas, perNode: false, runsToCompletion: false, surge: surgeOf(m, replicas) };
    }
    case 'DaemonSet':
      return { ...template, replicas: 1, perNode: true, runsToCompletion: false, surge: 0 };
    case 'Job':
      return { ...template, replicas: m.spec?.parallelism ?? 1, perNode: false, runsToCompletion: true, surge: 0 };
    case 'CronJob': {
      // Forbid/Replace keep one Job at a time; Allow may overlap, counted as one (the usual case) — the quota is
      // enforced by the API server anyway, this is the early warning.
      const job = m.spec?.jobTemplate?.spec ?? {};
      return { metadata: job.template?.metadata ?? {}, spec: job.template?.spec ?? {}, replicas: job.parallelism ?? 1, perNode: false, runsToCompletion: true, surge: 0 };
    }
    case 'Pod':
      return { metadata: m.metadata ?? {}, spec: m.spec ?? {}, replicas: 1, perNode: false, runsToCompletion: m.spec?.restartPolicy !== 'Always' && m.spec?.restartPolicy !== undefined, surge: 0 };
    default:
      return undefined;
  }
}

/**
 * Pods a rolling update adds on top of `replicas`: a Deployment's `strategy.rollingUpdate.maxSurge` (default 25%,
 * a percentage rounded up, as the Deployment controller does); 0 for `Recreate`. StatefulSets and ReplicaSets never
 * surge (a StatefulSet replaces pods one by one); DaemonSets are counted per node and default to maxSurge 0.
 */
export function surgeOf(m: any, replicas: number): number {
  if (m.kind !== 'Deployment') return 0;
  const strategy = m.spec?.strategy ?? {};
  if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return 0;
  const maxSurge = strategy.rollingUpdate?.maxSurge ?? '25%';
  if (typeof maxSurge === 'number') return maxSurge;
  const percent = /^(\d+)%$/.exec(String(maxSurge));
  return percent ? Math.ceil((replicas * Number(percent[1])) / 100) : Number(maxSurge) || 0;
}

/** HorizontalPodAutoscaler ceilings by `namespace/Kind/name` of their target. */
export function autoscalerCeilings(manifests: Iterable<any>): Map<string, number> {
  const ceilings = new Map<string, number>();
  for (const m of manifests) {
    if (m.kind !== 'HorizontalPodAutoscaler') continue;
    const target = m.spec?.scaleTargetRef ?? {};
    ceilings.set(`${m.metadata?.namespace ?? 'default'}/${target.kind}/${target.name}`, m.spec?.maxReplicas ?? 1);
  }
  return ceilings;
}

export function allContainers(spec: any): Array<{ container: any; init: boolean }> {
  return [
    ...(spec.initContainers ?? []).map((container: any) => ({ container, init: true })),
    ...(spec.containers ?? []).map((container: any) => ({ container, init: false })),
  ];
}

export interface PodResources { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number }

const RESOURCE_KEYS = ['requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'] as const;

/** A container's resources after LimitRange defaulting (what admission would set). */
export function resourcesOf(container: any, range?: any): PodResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const pick = (v: any, fallback: any) => (v !== undefined ? parseQuantity(v) : fallback !== undefined ? parseQuantity(fallback) : 0);
  const limitsCpu = pick(limits.cpu, range?.default?.cpu);
  const limitsMemory = pick(limits.memory, range?.default?.memory);
  return {
    // Kubernetes defaults a missing request to the limit when a limit is set.
    requestsCpu: requests.cpu !== undefined ? parseQuantity(requests.cpu) : limits.cpu !== undefined ? limitsCpu : pick(undefined, range?.defaultRequest?.cpu),
    requestsMemory: requests.memory !== undefined ? parseQuantity(requests.memory) : limits.memory !== undefined ? limitsMemory : pick(undefined, range?.defaultRequest?.memory),
    limitsCpu,
    limitsMemory,
  };
}

/** What one pod counts, as Kubernetes counts it: the larger of its app containers' sum and its biggest init container. */
export function podResources(spec: any, range?: any): PodResources {
  const sum: PodResources = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  const initMax: PodResources = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  for (const { container, init } of allContainers(spec)) {
    const r = resourcesOf(container, range);
    for (const k of RESOURCE_KEYS) {
      if (init) initMax[k] = Math.max(initMax[k], r[k]);
      else sum[k] += r[k];
    }
  }
  const out = { ...sum };
  for (const k of RESOURCE_KEYS) out[k] = Math.max(sum[k], initMax[k]);
  return out;
}

/** What a namespace's objects count against its ResourceQuota (the `spec.hard` keys Platform Kit sets). */
export interface NamespaceUsage extends PodResources {
  pods: number;
  persistentVolumeClaims: number;
  storage: number;
  nodePorts: number;
  loadBalancers: number;
}

/** One workload's share of {@link NamespaceUsage}, for messages. */
export interface WorkloadShare {
  readonly kind: string;
  readonly name: string;
  /** Pods at the workload's largest size (HPA maxReplicas, every node for a DaemonSet). */
  readonly pods: number;
  /** Extra pods during a rolling update. */
  readonly surge: number;
  readonly pod: PodResources;
}

/**
 * What the objects of one namespace need from its ResourceQuota at their largest: every workload at its HPA ceiling
 * (DaemonSets on `nodeCount` nodes), plus the surge pods of every rolling update (an apply that changes a shared
 * setting rolls them all at once), plus claims (StatefulSet claim templates per replica and PVC objects), NodePort
 * ports and LoadBalancer Services. `manifests` are the namespace's own objects; `range` its Container LimitRange.
 */
export function namespaceUsage(manifests: readonly any[], nodeCount: number, range?: any, ceilings = autoscalerCeilings(manifests)): { usage: NamespaceUsage; shares: WorkloadShare[] } {
  const usage: NamespaceUsage = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0, persistentVolumeClaims: 0, storage: 0, nodePorts: 0, loadBalancers: 0 };
  const shares: WorkloadShare[] = [];
  for (const m of manifests) {
    const ns = m.metadata?.namespace ?? 'default';
    const pods = podsOfManifest(m, ceilings.get(`${ns}/${m.kind}/${m.metadata?.name}`));
    if (pods) {
      const count = pods.perNode ? nodeCount : pods.replicas;
      const pod = podResources(pods.spec, range);
      for (const k of RESOURCE_KEYS) usage[k] += (count + pods.surge) * pod[k];
      usage.pods += count + pods.surge;
      shares.push({ kind: m.kind, name: m.metadata?.name, pods: count, surge: pods.surge, pod });
      for (const claim of m.kind === 'StatefulSet' ? m.spec?.volumeClaimTemplates ?? [] : []) {
        usage.persistentVolumeClaims += count;
        usage.storage += count * parseQuantity(claim.spec?.resources?.requests?.storage ?? '0');
      }
    } else if (m.kind === 'PersistentVolumeClaim') {
      usage.persistentVolumeClaims += 1;
      usage.storage += parseQuantity(m.spec?.resources?.requests?.storage ?? '0');
    } else if (m.kind === 'Service' && m.spec?.type === 'NodePort') {
      usage.nodePorts += (m.spec.ports ?? []).length;
    } else if (m.kind === 'Service' && m.spec?.type === 'LoadBalancer') {
      usage.loadBalancers += 1;
    }
  }
  return { usage, shares };
}
