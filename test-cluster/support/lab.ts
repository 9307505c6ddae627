import { ClusterConfig } from '../../lib/config/cluster';
import { formatCpu, parseQuantity } from '../../lib/core/quantity';

/** How many pods a kubelet accepts by default (kubelet --max-pods). */
const MAX_PODS = 110;
const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** Node i's pod range: the i-th /(prefix+8) of cluster.podCidr, as kubeadm's node IPAM hands out /24s of a /16. */
export function nodePodCidr(podCidr: string, i: number): string {
  const [base, bits] = podCidr.split('/');
  const prefix = Number(bits) + 8;
  const start = base.split('.').reduce((n, octet) => n * 256 + Number(octet), 0) + i * 2 ** (32 - prefix);
  return `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.')}/${prefix}`;
}

/**
 * One Node per cluster.nodes entry, as a kubelet would register it: name, InternalIP, capacity = the node's size,
 * allocatable = size minus cluster.reservedPerNode, the control-plane label and taint. The kwok annotation hands
 * the node to kwok, which keeps it Ready and runs its pods.
 */
export function labNodes(cluster: ClusterConfig): any[] {
  const reservedCpu = parseQuantity(cluster.reservedPerNode.cpu);
  const reservedMemory = parseQuantity(cluster.reservedPerNode.memory);
  return cluster.nodes.map((node, i) => {
    const controlPlane = node.role === 'control-plane';
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: node.name,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
          'type': 'kwok', ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
      spec: { podCIDR: nodePodCidr(cluster.podCidr, i), podCIDRs: [nodePodCidr(cluster.podCidr, i)], ...(node.schedulable ? {} : { taints: [CONTROL_PLANE_TAINT] }) },
      status: {
        addresses: [{ type: 'InternalIP', address: node.ip }, { type: 'Hostname', address: node.name }],
        capacity: { cpu: node.cpu, memory: node.memory, pods: String(MAX_PODS) },
        allocatable: {
          cpu: formatCpu(parseQuantity(node.cpu) - reservedCpu),
          memory: `${Math.floor((parseQuantity(node.memory) - reservedMemory) / 1024)}Ki`,
          pods: String(MAX_PODS),
        },
        nodeInfo: { kubeletVersion: 'v1.36.3-kwok', operatingSystem: 'linux', architecture: 'amd64' },
      },
    };
  });
}

/**
 * Stand-ins for what the platform expects from the cluster: CoreDNS (cluster.dns: its namespace and pod labels;
 * no requests, because cluster.reservedPerNode already counts it) and the ingress controller's namespace.
 */
export function labAddons(cluster: ClusterConfig): any[] {
  const dnsLabels = { ...cluster.dns.podSelector };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: cluster.ingress.controllerNamespace } },
    ...(cluster.dns.namespace === 'kube-system' ? [] : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: cluster.dns.namespace } }]),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: cluster.dns.namespace, labels: dnsLabels },
      spec: {
        replicas: 2,
        selector: { matchLabels: dnsLabels },
        template: {
          metadata: { labels: dnsLabels },
          spec: {
            tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { ...CONTROL_PLANE_TAINT }],
            containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.12.1', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
          },
        },
      },
    },
  ];
}
