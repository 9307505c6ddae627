import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SECURITY_EXEMPTION } from '../checks/workload-checks';
import { ContainerResources, restrictedContainerSecurity, restrictedPodSecurity, toKubeResources } from '../core/security';
import { ComponentIdentity, httpProbe, serviceAccount } from './common';
import { ImagePin, imageRef, NODE_EXPORTER_IMAGE } from './config-files';
import { DEFAULT_RESOURCES, OBSERVABILITY_NAMESPACES } from './defaults';

export interface NodeExporterProps {
  /** Namespace (Pod Security privileged: host network, host PID, host paths). @default 'node-agents' */
  readonly namespace?: string;
  /** Requests and limits per node. @default DEFAULT_RESOURCES.nodeExporter (10m/24Mi, limits 200m/64Mi) */
  readonly resources?: ContainerResources;
  /** Image. @default NODE_EXPORTER_IMAGE */
  readonly image?: ImagePin;
}

/** Filesystems and mounts that are not disks people fill (kubelet pod mounts, container layers, runtime dirs). */
const MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run|sys|var/lib/kubelet/.+|var/lib/containerd/.+|run/k3s/containerd/.+|var/lib/docker/.+)($|/)';
const FS_TYPES_EXCLUDE = '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs)$';
/** Pod-side virtual interfaces (Calico `cali*`, veth pairs, tunnels) are not the node's network. */
const NET_DEVICES_EXCLUDE = '^(veth.*|cali.*|tunl.*|vxlan.*|flannel.*|cni.*|lo)$';

/** Why the DaemonSet has host access; also the pod's `platform-kit.io/security-exemption` annotation. */
export const NODE_EXPORTER_HOST_REASON =
  'shares the host network and PID namespaces and mounts / and /sys read-only (hostPath): node metrics (CPU, ' +
  'memory, disks, filesystems, network interfaces, processes) are the host\'s own, not the container\'s; runs as ' +
  'nobody with every capability dropped, no privilege escalation and a read-only root filesystem';

/**
 * node-exporter on every node, control plane included (it tolerates every taint). It shares the host's network
 * and PID namespaces and reads the host's / and /sys read-only — which is why it lives in the Pod Security
 * `privileged` node-agents namespace — yet runs as `nobody` with every capability dropped: reading /proc, /sys
 * and mount statistics needs no privilege. It listens on the node's InternalIP only (not 0.0.0.0), where
 * Prometheus scrapes it; tenant pods cannot reach node addresses (their egress is default-deny).
 */
export class NodeExporter extends Construct {
  static readonly NAME = 'node-exporter';
  static readonly PORT = 9100;
  static readonly UID = 65534;

  public readonly namespace: string;
  public readonly resources: ContainerResources;
  public readonly image: ImagePin;
  public readonly identity: ComponentIdentity;
  /** Port on every node's address; Prometheus reaches it through a flow to the node addresses. */
  public readonly port = NodeExporter.PORT;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? OBSERVABILITY_NAMESPACES.nodeAgents;
    this.resources = props.resources ?? DEFAULT_RESOURCES.nodeExporter;
    this.image = props.image ?? NODE_EXPORTER_IMAGE;
    this.identity = new ComponentIdentity({ name: NodeExporter.NAME, component: 'node-metrics', version: this.image.tag });
    const labels = this.identity.labels;

    serviceAccount(this, NodeExporter.NAME, this.namespace, labels, false);

    new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: NodeExporter.NAME, namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: this.identity.selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels, annotations: { [SECURITY_EXEMPTION]: NODE_EXPORTER_HOST_REASON } },
          spec: {
            serviceAccountName: NodeExporter.NAME,
            automountServiceAccountToken: false,
            hostNetwork: true,
            hostPid: true,
            tolerations: [{ operator: 'Exists' }],
            securityContext: restrictedPodSecurity(NodeExporter.UID),
            containers: [{
              name: 'node-exporter',
              image: imageRef(this.image),
              args: [
                '--path.rootfs=/host/root',
                '--path.sysfs=/host/sys',
                `--web.listen-address=$(HOST_IP):${NodeExporter.PORT}`,
                `--collector.filesystem.mount-points-exclude=${MOUNT_POINTS_EXCLUDE}`,
                `--collector.filesystem.fs-types-exclude=${FS_TYPES_EXCLUDE}`,
                `--collector.netdev.device-exclude=${NET_DEVICES_EXCLUDE}`,
                `--collector.netclass.ignored-devices=${NET_DEVICES_EXCLUDE}`,
                '--no-collector.wifi',
              ],
              env: [{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }],
              // With hostNetwork the API server sets hostPort = containerPort anyway; saying so keeps diffs quiet.
              ports: [{ name: 'metrics', containerPort: NodeExporter.PORT, hostPort: NodeExporter.PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe('/', NodeExporter.PORT),
              livenessProbe: httpProbe('/', NodeExporter.PORT, { initialDelaySeconds: 10, periodSeconds: 20 }),
              resources: toKubeResources(this.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
                { name: 'sys', mountPath: '/host/sys', readOnly: true, mountPropagation: 'HostToContainer' },
              ],
            }],
            volumes: [
              { name: 'root', hostPath: { path: '/', type: 'Directory' } },
              { name: 'sys', hostPath: { path: '/sys', type: 'Directory' } },
            ],
          },
        },
      },
    });
  }
}
