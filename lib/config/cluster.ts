import { ProblemList, show } from '../core/errors';
import { parseQuantity } from '../core/quantity';
import { array, JsonSchema, map, object, str } from './schema-helpers';
import type { ClusterNode, ClusterSection } from './cluster.generated';
import type { ConfigTypeSpec } from './schema-types';

// The section's types are generated from clusterSchema (`npm run schema`); what completeCluster adds is refined here.
export type { NodeRole } from './cluster.generated';

/**
 * A node as loaded: the schema's node, with `schedulable` always set — {@link completeCluster} fills it from `role`
 * (a schema default cannot depend on another field).
 */
export interface NodeConfig extends ClusterNode {
  /** Whether ordinary workloads may run there (kubeadm taints control-plane nodes). */
  readonly schedulable: boolean;
}

/** The `cluster:` section as loaded: the schema's section with every node completed ({@link NodeConfig}). */
export interface ClusterConfig extends Omit<ClusterSection, 'nodes'> {
  readonly nodes: readonly NodeConfig[];
}

export const DEFAULT_RESERVED_PER_NODE = { cpu: '350m', memory: '640Mi' };
/** Kubernetes minors Platform Kit supports: its floor (cdk8s-plus-27) to the newest it is tested on. */
export const SUPPORTED_KUBERNETES_VERSIONS = Array.from({ length: 10 }, (_, i) => `1.${27 + i}`);

/** Whether the cluster serves an API that became GA in `minor` (e.g. "1.30"). */
export function clusterHas(cluster: Pick<ClusterConfig, 'version'>, minor: string): boolean {
  return Number(cluster.version.split('.')[1]) >= Number(minor.split('.')[1]);
}

export const clusterSchema: JsonSchema = object(
  {
    name: str('A short name for the cluster, used in labels and Argo CD objects.', { format: 'dns-label', default: 'lab' }),
    version: str(
      'Kubernetes minor version of the cluster. Output stays valid for 1.27; objects of newer APIs (the ValidatingAdmissionPolicy that refuses Service externalIPs, from 1.30) are added only when the cluster has them. Quote it ("1.30"): unquoted, YAML reads 1.30 as the number 1.3.',
      { enum: SUPPORTED_KUBERNETES_VERSIONS, default: '1.27' },
    ),
    nodes: array(
      object(
        {
          name: str('Node name as `kubectl get nodes` shows it.', { format: 'dns-subdomain' }),
          ip: str('Node InternalIP (Prometheus scrapes kubelets and node-exporter there).', { format: 'ipv4' }),
          role: str('control-plane or worker.', { enum: ['control-plane', 'worker'], default: 'worker' }),
          cpu: str('CPU capacity of the node.', { format: 'quantity', examples: ['2'] }),
          memory: str('Memory capacity of the node.', { format: 'quantity', examples: ['2Gi'] }),
          schedulable: { type: 'boolean', description: 'Whether ordinary pods may run there. Default: false for control-plane nodes (kubeadm taints them), true for workers.' },
        },
        { required: ['name', 'ip', 'cpu', 'memory'] },
      ),
      'The nodes of the cluster (the capacity check and kubelet scraping use them).',
      { minItems: 1 },
    ),
    podCidr: str('Pod network CIDR (kubeadm --pod-network-cidr).', { format: 'ipv4-cidr', default: '10.244.0.0/16' }),
    serviceCidr: str('Service CIDR.', { format: 'ipv4-cidr', default: '10.96.0.0/12' }),
    apiServerPort: { type: 'integer', minimum: 1, maximum: 65535, default: 6443, description: 'Port of the API server on control-plane nodes.' },
    reservedPerNode: object(
      {
        cpu: str('CPU each node keeps for the system.', { format: 'quantity', default: DEFAULT_RESERVED_PER_NODE.cpu }),
        memory: str('Memory each node keeps for the system.', { format: 'quantity', default: DEFAULT_RESERVED_PER_NODE.memory }),
      },
      { default: {}, description: 'Capacity the capacity check treats as taken on every node (OS, kubelet, runtime, Calico, kube-proxy, CoreDNS).' },
    ),
    nfs: object({ server: str('Address of the NFS server.', { format: 'ipv4' }) }, { required: ['server'], description: 'The NFS server that backs static PersistentVolumes.' }),
    ingress: object(
      {
        className: str('IngressClass of the controller.', { format: 'dns-subdomain', default: 'nginx' }),
        controllerNamespace: str('Namespace of the ingress controller pods (reach exposed pods).', { format: 'dns-label', default: 'ingress-nginx' }),
      },
      { default: {}, description: 'The ingress controller installed in the cluster.' },
    ),
    dns: object(
      {
        namespace: str('Namespace of cluster DNS pods.', { format: 'dns-label', default: 'kube-system' }),
        podSelector: map({ type: 'string' }, 'Labels of cluster DNS pods.', { 'k8s-app': 'kube-dns' }),
      },
      { default: {}, description: 'Where cluster DNS runs; every namespace may reach it on port 53.' },
    ),
  },
  { required: ['nodes', 'nfs'], description: 'The cluster Platform Kit deploys to.' },
);

/**
 * Fills the defaults that depend on other fields (the schema's `default` cannot express them). `raw` is the section
 * after the schema (the loader's untyped data, hence `unknown`).
 */
export function completeCluster(raw: unknown): ClusterConfig {
  const section = raw as ClusterSection;
  return {
    ...section,
    nodes: section.nodes.map((n) => ({ ...n, schedulable: n.schedulable ?? n.role !== 'control-plane' })),
  };
}

export function checkCluster(cluster: ClusterConfig, problems: ProblemList): void {
  const seenNames = new Map<string, number>();
  const seenIps = new Map<string, number>();
  cluster.nodes.forEach((node, i) => {
    if (seenNames.has(node.name)) problems.add(`cluster.nodes[${i}].name: ${show(node.name)} is already used by cluster.nodes[${seenNames.get(node.name)}]; node names must be unique.`);
    seenNames.set(node.name, i);
    if (seenIps.has(node.ip)) problems.add(`cluster.nodes[${i}].ip: ${show(node.ip)} is already used by cluster.nodes[${seenIps.get(node.ip)}]; give each node its own InternalIP.`);
    seenIps.set(node.ip, i);
    if (parseQuantity(node.cpu) <= parseQuantity(cluster.reservedPerNode.cpu) || parseQuantity(node.memory) <= parseQuantity(cluster.reservedPerNode.memory)) {
      // A bare number is bytes to Kubernetes: `memory: 3` is 3 bytes, most likely a missing unit.
      const bytes = /^\d+$/.test(String(node.memory)) && parseQuantity(node.memory) < 1024 * 1024 ? ` (memory ${show(node.memory)} is ${node.memory} bytes: write a unit, e.g. "${node.memory}Gi")` : '';
      problems.add(`cluster.nodes[${i}]: ${node.name} (${node.cpu} CPU, ${node.memory}) is not larger than cluster.reservedPerNode (${cluster.reservedPerNode.cpu} CPU, ${cluster.reservedPerNode.memory})${bytes}; check the node's size or lower reservedPerNode.`);
    }
  });
  if (!cluster.nodes.some((n) => n.schedulable)) {
    problems.add('cluster.nodes: no node is schedulable; add a worker or set `schedulable: true` on a node.');
  }
  if (!cluster.nodes.some((n) => n.role === 'control-plane')) {
    problems.add('cluster.nodes: no node has `role: control-plane`; mark the node(s) running the API server (Prometheus scrapes it there).');
  }
}

/** Where `npm run schema` writes the cluster section's types (the loaded section before {@link completeCluster}). */
export const CLUSTER_CONFIG_TYPE: ConfigTypeSpec = {
  file: 'lib/config/cluster.generated.ts', name: 'ClusterSection', names: { 'nodes[]': 'ClusterNode', 'nodes[].role': 'NodeRole' }, schemaSource: 'lib/config/cluster.ts',
};
