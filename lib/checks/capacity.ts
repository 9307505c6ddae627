import { ClusterConfig } from '../config/cluster';
import { formatBytes, formatCpu, parseQuantity } from '../core/quantity';
import { SynthesizedObject } from '../output/synthesized';
import { podResources } from '../core/pod-templates';
import { ConfigKeys, NO_CONFIG_KEYS } from './config-keys';
import { TreeIndex } from './tree-index';
import { PodTemplate } from './tree-pod-templates';

interface NodeLoad { readonly name: string; readonly cpu: number; readonly memory: number; usedCpu: number; usedMemory: number; readonly schedulable: boolean; pods: string[] }
interface PodRequest { readonly ref: string; readonly template: PodTemplate; readonly cpu: number; readonly memory: number; readonly pinnedTo?: string }

export interface CapacityResult {
  readonly table: string[];
  /** The workloads whose pods fit on no node, and nodes over-committed by pods bound to them. */
  readonly problems: string[];
  /** When anything failed: each node after placing what fits (context for the problems, not problems themselves). */
  readonly summaries: string[];
}

/**
 * Will the platform fit the nodes? Allocatable = node size minus `cluster.reservedPerNode`. DaemonSet pods land on
 * every node they tolerate; pods bound to a node (local PersistentVolumes, a hostname nodeSelector) go there; the
 * rest are placed first-fit-decreasing, as a scheduler packing by requests would at best. Fails when a pod fits
 * nowhere or a node is over-committed, with one line per workload whose pods do not fit and one summary line per
 * node; prints the table either way.
 */
export function checkCapacity(objects: readonly SynthesizedObject[], cluster: ClusterConfig, keys: ConfigKeys = NO_CONFIG_KEYS): CapacityResult {
  const reservedCpu = parseQuantity(cluster.reservedPerNode.cpu);
  const reservedMemory = parseQuantity(cluster.reservedPerNode.memory);
  const nodes: NodeLoad[] = cluster.nodes.map((n) => ({
    name: n.name, cpu: parseQuantity(n.cpu) - reservedCpu, memory: parseQuantity(n.memory) - reservedMemory,
    usedCpu: 0, usedMemory: 0, schedulable: n.schedulable, pods: [],
  }));
  const index = TreeIndex.of(objects);
  const pvNode = localVolumeNodes(index.ofKind('PersistentVolume'));
  const problems: string[] = [];
  const pending: PodRequest[] = [];

  for (const t of index.podTemplates) {
    if (t.runsToCompletion) continue; // Jobs come and go; their quota is checked per namespace.
    const pod = podRequest(t);
    if (t.perNode) {
      const toleratesAll = (t.spec.tolerations ?? []).some((tol: any) => tol.operator === 'Exists' && tol.key === undefined);
      const toleratesControlPlane = toleratesAll || (t.spec.tolerations ?? []).some((tol: any) => tol.key === 'node-role.kubernetes.io/control-plane');
      for (const node of nodes.filter((n) => n.schedulable || toleratesControlPlane)) place(node, { ...pod, ref: t.ref });
      continue;
    }
    for (let i = 0; i < t.replicas; i++) {
      const ref = t.replicas > 1 || t.kind === 'StatefulSet' ? `${t.namespace}/${t.name}-${i}` : t.ref;
      const pinned = t.spec.nodeSelector?.['kubernetes.io/hostname'] ?? (t.kind === 'StatefulSet' ? claimNode(t, i, pvNode) : undefined);
      pending.push({ ...pod, ref, pinnedTo: pinned });
    }
  }

  const unplaced = new Map<PodTemplate, number>();
  for (const pod of pending.filter((p) => p.pinnedTo !== undefined)) {
    const node = nodes.find((n) => n.name === pod.pinnedTo);
    if (!node) problems.push(`${pod.ref} is bound to node ${pod.pinnedTo}, which is not in cluster.nodes; add it there or move the volume.`);
    else place(node, pod);
  }
  const free = pending.filter((p) => p.pinnedTo === undefined).sort((a, b) => b.memory - a.memory || b.cpu - a.cpu || a.ref.localeCompare(b.ref));
  for (const pod of free) {
    const candidates = nodes
      .filter((n) => n.schedulable && n.cpu - n.usedCpu >= pod.cpu - 1e-9 && n.memory - n.usedMemory >= pod.memory - 1)
      .sort((a, b) => (b.memory - b.usedMemory) - (a.memory - a.usedMemory) || a.name.localeCompare(b.name));
    if (candidates.length === 0) unplaced.set(pod.template, (unplaced.get(pod.template) ?? 0) + 1);
    else place(candidates[0], pod);
  }
  // One line per workload whose pods do not fit (with the numbers that do not change from pod to pod) ...
  for (const [t, count] of unplaced) {
    const pod = podRequest(t);
    const app = keys.app(t.namespace, t.name);
    const lower = app ? `lower ${app}.resources.requests or ${keys.appReplicas(t.namespace, t.name)}` : 'lower its requests or replicas';
    problems.push(`${t.ref}: ${count} of ${t.replicas} pod${t.replicas === 1 ? '' : 's'} (${formatCpu(pod.cpu)} CPU / ${formatBytes(pod.memory)} each) fit${count === 1 ? 's' : ''} on no schedulable node; ${lower}, or add a node to cluster.nodes.`);
  }
  // ... then, when anything failed, one summary per node after placement.
  const overCommitted = nodes.filter((n) => n.usedCpu > n.cpu + 1e-9 || n.usedMemory > n.memory + 1);
  for (const node of overCommitted) {
    problems.push(`node ${node.name} is over-committed by the requests of the pods bound to it (its volumes pin them there): ${formatCpu(node.usedCpu)} of ${formatCpu(node.cpu)} CPU, ${formatBytes(node.usedMemory)} of ${formatBytes(node.memory)} memory; lower their requests, or give cluster.nodes[${cluster.nodes.findIndex((n) => n.name === node.name)}] more room.`);
  }
  const summaries: string[] = [];
  if (unplaced.size > 0 || overCommitted.length > 0) {
    for (const node of nodes) {
      const over = overCommitted.includes(node) ? ' — over-committed by requests (pods bound to it)' : '';
      summaries.push(`node ${node.name}${node.schedulable ? '' : ' (no ordinary pods)'}: ${formatCpu(node.usedCpu)} of ${formatCpu(node.cpu)} CPU and ${formatBytes(node.usedMemory)} of ${formatBytes(node.memory)} memory requested by ${node.pods.length} pod${node.pods.length === 1 ? '' : 's'}, free ${formatCpu(Math.max(0, node.cpu - node.usedCpu))} / ${formatBytes(Math.max(0, node.memory - node.usedMemory))}${over} (allocatable = cluster.nodes[${cluster.nodes.findIndex((n) => n.name === node.name)}] size - cluster.reservedPerNode).`);
    }
  }
  return { table: renderTable(nodes, cluster), problems, summaries };
}

function place(node: NodeLoad, pod: PodRequest): void {
  node.usedCpu += pod.cpu;
  node.usedMemory += pod.memory;
  node.pods.push(pod.ref);
}

/** What one pod asks the scheduler for: requests only (no LimitRange defaulting: platform pods state them). */
function podRequest(t: PodTemplate): PodRequest {
  const r = podResources(t.spec);
  return { ref: t.ref, template: t, cpu: r.requestsCpu, memory: r.requestsMemory };
}

/** PV name → node, for PersistentVolumes pinned by required node affinity on kubernetes.io/hostname, keyed by their claimRef. */
function localVolumeNodes(volumes: readonly SynthesizedObject[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const o of volumes) {
    const m = o.manifest;
    if (!m.spec?.claimRef) continue;
    const terms = m.spec.nodeAffinity?.required?.nodeSelectorTerms ?? [];
    for (const term of terms) {
      for (const expr of term.matchExpressions ?? []) {
        if (expr.key === 'kubernetes.io/hostname' && expr.operator === 'In' && expr.values?.length === 1) {
          map.set(`${m.spec.claimRef.namespace}/${m.spec.claimRef.name}`, expr.values[0]);
        }
      }
    }
  }
  return map;
}

function claimNode(t: PodTemplate, ordinal: number, pvNode: Map<string, string>): string | undefined {
  for (const tpl of t.object.manifest.spec?.volumeClaimTemplates ?? []) {
    const node = pvNode.get(`${t.namespace}/${tpl.metadata?.name}-${t.name}-${ordinal}`);
    if (node) return node;
  }
  return undefined;
}

function renderTable(nodes: NodeLoad[], cluster: ClusterConfig): string[] {
  const rows = nodes.map((n) => [
    n.name + (n.schedulable ? '' : ' (no ordinary pods)'),
    `${formatCpu(n.usedCpu)} / ${formatCpu(n.cpu)}`,
    `${pct(n.usedCpu, n.cpu)}`,
    `${formatBytes(n.usedMemory)} / ${formatBytes(n.memory)}`,
    `${pct(n.usedMemory, n.memory)}`,
    String(n.pods.length),
  ]);
  const header = ['node', 'CPU requested / allocatable', '%', 'memory requested / allocatable', '%', 'pods'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [
    `Capacity (requests; allocatable = node size - reservedPerNode ${cluster.reservedPerNode.cpu} CPU / ${cluster.reservedPerNode.memory}; DaemonSets counted on every node they tolerate):`,
    `  ${line(header)}`,
    ...rows.map((r) => `  ${line(r)}`),
  ];
}

function pct(used: number, total: number): string {
  return total > 0 ? `${Math.round((used / total) * 100)}%` : '-';
}
