import { parseQuantity } from '../../lib/core/quantity';
import { ControlPlane } from './control-plane';

/** Namespaces the platform owns in a dist/ tree: every Namespace object it ships. */
export function namespacesOf(manifests: readonly any[]): string[] {
  return manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name).sort();
}

export interface WorkloadStatus {
  readonly ref: string;
  readonly desired: number;
  readonly ready: number;
}

/** Desired and ready replicas of every Deployment, StatefulSet and DaemonSet in the given namespaces. */
export async function workloadStatus(cluster: ControlPlane, namespaces: readonly string[]): Promise<WorkloadStatus[]> {
  const list = await cluster.getJson(['get', 'deployments,statefulsets,daemonsets', '-A']);
  return list.items
    .filter((w: any) => namespaces.includes(w.metadata.namespace))
    .map((w: any) => {
      const daemon = w.kind === 'DaemonSet';
      return {
        ref: `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`,
        desired: daemon ? w.status?.desiredNumberScheduled ?? 0 : w.spec.replicas ?? 1,
        ready: daemon ? w.status?.numberReady ?? 0 : w.status?.readyReplicas ?? 0,
      };
    })
    .sort((a: WorkloadStatus, b: WorkloadStatus) => a.ref.localeCompare(b.ref));
}

/**
 * Waits until every Deployment, StatefulSet and DaemonSet of the namespaces is ready (an autoscaled Deployment also
 * lifted to its HorizontalPodAutoscaler's minReplicas), or the time is up; returns what is not, and why.
 */
export async function settledWorkloads(cluster: ControlPlane, namespaces: readonly string[], hpas: readonly any[], timeoutMs = 180_000): Promise<{ status: WorkloadStatus[]; notReady: WorkloadStatus[]; why: string[] }> {
  let status = await workloadStatus(cluster, namespaces);
  const belowMin = () => hpas.some((h) => (status.find((w) => w.ref === `Deployment ${h.metadata.namespace}/${h.spec.scaleTargetRef.name}`)?.desired ?? 0) < h.spec.minReplicas);
  const deadline = Date.now() + timeoutMs;
  while ((status.some((w) => w.ready < w.desired || w.desired === 0) || belowMin()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    status = await workloadStatus(cluster, namespaces);
  }
  const notReady = status.filter((w) => w.ready < w.desired || w.desired === 0);
  return { status, notReady, why: notReady.length > 0 ? await whyNotReady(cluster, namespaces) : [] };
}

/** Why pods are not running: Pending pods with the scheduler's last message, and controllers' FailedCreate events. */
export async function whyNotReady(cluster: ControlPlane, namespaces: readonly string[]): Promise<string[]> {
  const pods = (await cluster.getJson(['get', 'pods', '-A'])).items.filter((p: any) => namespaces.includes(p.metadata.namespace));
  const events = (await cluster.getJson(['get', 'events', '-A'])).items;
  const lines: string[] = [];
  for (const p of pods.filter((x: any) => x.status?.phase !== 'Running')) {
    const scheduled = (p.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
    lines.push(`pod ${p.metadata.namespace}/${p.metadata.name} is ${p.status?.phase}${scheduled?.message ? `: ${scheduled.message}` : ''}`);
  }
  for (const e of events.filter((x: any) => ['FailedCreate', 'FailedScheduling', 'ProvisioningFailed', 'FailedBinding'].includes(x.reason) && namespaces.includes(x.metadata.namespace))) {
    lines.push(`${e.involvedObject.kind} ${e.metadata.namespace}/${e.involvedObject.name}: ${e.reason}: ${e.message}`);
  }
  return lines;
}

export interface NodePlacement {
  readonly node: string;
  readonly pods: number;
  readonly cpu: number;
  readonly memory: number;
  readonly allocatableCpu: number;
  readonly allocatableMemory: number;
}

/** Where the real scheduler put the pods of the given namespaces, and what they request, per node. */
export async function placement(cluster: ControlPlane, namespaces: readonly string[]): Promise<{ nodes: NodePlacement[]; unscheduled: string[] }> {
  const nodes = (await cluster.getJson(['get', 'nodes'])).items;
  const pods = (await cluster.getJson(['get', 'pods', '-A'])).items
    .filter((p: any) => namespaces.includes(p.metadata.namespace) && !['Succeeded', 'Failed'].includes(p.status?.phase) && !p.metadata.ownerReferences?.some((o: any) => o.kind === 'Job'));
  const requests = (p: any, resource: string) => (p.spec.containers as any[]).reduce((sum, c) => sum + parseQuantity(c.resources?.requests?.[resource] ?? '0'), 0);
  return {
    nodes: nodes.map((n: any) => {
      const here = pods.filter((p: any) => p.spec.nodeName === n.metadata.name);
      return {
        node: n.metadata.name,
        pods: here.length,
        cpu: here.reduce((s: number, p: any) => s + requests(p, 'cpu'), 0),
        memory: here.reduce((s: number, p: any) => s + requests(p, 'memory'), 0),
        allocatableCpu: parseQuantity(n.status.allocatable.cpu),
        allocatableMemory: parseQuantity(n.status.allocatable.memory),
      };
    }),
    unscheduled: pods.filter((p: any) => !p.spec.nodeName).map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`),
  };
}

/** Ready endpoint pod names of a Service, from its EndpointSlices (v1 Endpoints is deprecated since 1.33). */
export async function readyEndpointPods(cluster: ControlPlane, namespace: string, service: string): Promise<string[]> {
  const slices = (await cluster.getJson(['get', 'endpointslices', '-n', namespace, '-l', `kubernetes.io/service-name=${service}`])).items;
  return slices
    .flatMap((s: any) => s.endpoints ?? [])
    .filter((e: any) => e.conditions?.ready !== false && e.targetRef?.kind === 'Pod')
    .map((e: any) => e.targetRef.name)
    .sort();
}

/** `kubectl auth can-i` as a user in groups: true when allowed. */
export async function canI(cluster: ControlPlane, as: { user: string; groups: readonly string[] }, verb: string, resource: string, namespace: string, subresource?: string): Promise<boolean> {
  const args = ['auth', 'can-i', verb, resource, '-n', namespace, `--as=${as.user}`, ...as.groups.map((g) => `--as-group=${g}`)];
  if (subresource) args.push(`--subresource=${subresource}`);
  const r = await cluster.kubectl(args);
  return r.stdout.trim() === 'yes';
}

/**
 * Controllers converge a moment after the objects they watch (EndpointSlices after pod readiness, PDB status after
 * pods): polls `get` until `done` holds or time runs out, and returns the last value for the assertion to judge.
 */
export async function eventually<T>(get: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await get();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    value = await get();
  }
  return value;
}
