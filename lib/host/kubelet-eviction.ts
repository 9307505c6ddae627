import { yamlForEveryReader } from '../output/yaml-render';
import { ClusterConfig, NodeConfig } from '../config/cluster';
import { ProblemList, show } from '../core/errors';
import { formatBytes, isQuantity, parseQuantity } from '../core/quantity';

const MI = 2 ** 20;
/** The kubelet's own default hard threshold, and the floor: below it the OOM killer acts before eviction can. */
export const MIN_MEMORY_AVAILABLE = 100 * MI;
/** Share of a node's memory the hard threshold defaults to (above the floor). */
export const MEMORY_AVAILABLE_RATIO = 0.05;

export interface EvictionSettings {
  /** Hard memory threshold for every node; absent: 5% of the node's memory, at least 100Mi. */
  readonly memoryAvailable?: string;
  /** Hard threshold of the node's root filesystem (percentage). */
  readonly nodefsAvailable: string;
  /** Hard threshold of the image filesystem (percentage). */
  readonly imagefsAvailable: string;
}

export interface NodeEviction {
  readonly node: string;
  readonly hard: Readonly<Record<string, string>>;
  readonly soft: Readonly<Record<string, string>>;
}

const mebibytes = (bytes: number) => `${Math.ceil(bytes / MI)}Mi`;
const PERCENT = /^(\d{1,2}(\.\d+)?)%$/;

/**
 * The hard memory threshold of one node, in bytes: the configured one, or 5% of the node's memory, at least 100Mi and
 * at most half of `reservedPerNode.memory` (the threshold is part of what a node keeps back from pods, so a large
 * node does not outgrow the reservation the capacity check assumes).
 */
export function memoryThreshold(node: Pick<NodeConfig, 'memory'>, settings: EvictionSettings, reservedMemory: string): number {
  if (settings.memoryAvailable !== undefined) return parseQuantity(settings.memoryAvailable);
  const share = Math.ceil((parseQuantity(node.memory) * MEMORY_AVAILABLE_RATIO) / MI) * MI;
  return Math.max(MIN_MEMORY_AVAILABLE, Math.min(share, Math.floor(parseQuantity(reservedMemory) / 2 / MI) * MI));
}

/**
 * Thresholds that cannot work are refused: one that leaves nothing for pods (our notes set memory.available<2Gi on
 * 2 GiB nodes: the kubelet would evict every pod, forever), one larger than what `cluster.reservedPerNode` keeps back
 * (the kubelet subtracts it from allocatable, so the capacity check would promise memory the node never offers), and
 * disk thresholds that are not percentages (cluster.nodes gives no disk sizes) or would keep half the disk empty.
 */
export function checkEviction(settings: EvictionSettings, cluster: ClusterConfig, problems: ProblemList): void {
  const at = 'host.kubelet.eviction';
  if (settings.memoryAvailable !== undefined && (!isQuantity(settings.memoryAvailable) || parseQuantity(settings.memoryAvailable) <= 0)) {
    problems.add(`${at}.memoryAvailable: ${show(settings.memoryAvailable)} is not a positive memory quantity (example: "200Mi").`);
    return;
  }
  const reserved = parseQuantity(cluster.reservedPerNode.memory);
  cluster.nodes.forEach((node, i) => {
    const threshold = memoryThreshold(node, settings, cluster.reservedPerNode.memory);
    const memory = parseQuantity(node.memory);
    // A node no larger than its reservation is the cluster section's problem (checkCluster says so); nothing to add.
    if (memory <= reserved) return;
    if (threshold * 2 >= memory - reserved) {
      problems.add(`${at}.memoryAvailable: ${formatBytes(threshold)} on ${node.name} (cluster.nodes[${i}], ${node.memory}) leaves no room for pods: with ${cluster.reservedPerNode.memory} reserved the kubelet would evict every pod (the soft threshold is twice the hard one). Use at most ${mebibytes((memory - reserved) / 4)}, or leave it out for 5% of each node.`);
    } else if (threshold > reserved) {
      problems.add(`${at}.memoryAvailable: ${formatBytes(threshold)} on ${node.name} is more than cluster.reservedPerNode.memory (${cluster.reservedPerNode.memory}); the kubelet holds the threshold back from allocatable, so raise reservedPerNode.memory to at least ${mebibytes(threshold)} or lower the threshold.`);
    }
  });
  for (const key of ['nodefsAvailable', 'imagefsAvailable'] as const) {
    const m = PERCENT.exec(settings[key]);
    if (!m) problems.add(`${at}.${key}: ${show(settings[key])} must be a percentage such as "10%" (cluster.nodes gives no disk sizes to check an absolute value against).`);
    else if (Number(m[1]) <= 0 || Number(m[1]) >= 50) problems.add(`${at}.${key}: ${show(settings[key])} must be above 0% and below 50%; ${Number(m[1]) >= 50 ? 'the kubelet would keep evicting with half the disk free' : 'the kubelet would never free the disk'}.`);
  }
}

/** Hard and soft thresholds per node; soft ones are twice as generous and act after 90 s, before the hard ones. */
export function nodeEvictions(cluster: ClusterConfig, settings: EvictionSettings): NodeEviction[] {
  return cluster.nodes.map((node) => {
    const memory = memoryThreshold(node, settings, cluster.reservedPerNode.memory);
    const pct = (v: string, factor: number) => `${Math.round(Number(v.replace('%', '')) * factor * 10) / 10}%`;
    return {
      node: node.name,
      hard: { 'memory.available': mebibytes(memory), 'nodefs.available': settings.nodefsAvailable, 'nodefs.inodesFree': '5%', 'imagefs.available': settings.imagefsAvailable },
      soft: { 'memory.available': mebibytes(memory * 2), 'nodefs.available': pct(settings.nodefsAvailable, 1.5), 'imagefs.available': pct(settings.imagefsAvailable, 1.5) },
    };
  });
}

/** A KubeletConfiguration fragment with one node's thresholds (merge into /var/lib/kubelet/config.yaml). */
export function kubeletEvictionYaml(e: NodeEviction): string {
  return `# Generated by Platform Kit (\`npm run synth\`) for node ${e.node} from platform.yaml (cluster.nodes, host.kubelet).\n${yamlForEveryReader({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    evictionHard: e.hard,
    evictionSoft: e.soft,
    evictionSoftGracePeriod: Object.fromEntries(Object.keys(e.soft).map((k) => [k, '1m30s'])),
    evictionMaxPodGracePeriod: 60,
    evictionPressureTransitionPeriod: '5m0s',
  })}`;
}
