import { Construct } from 'constructs';
import { ComponentProps, ObservabilityComponent } from './component';
import { tcpLivenessProbe } from '../core/probes';
import { hardenedPodSpec } from '../core/hardened-pod';
import { podFieldEnv } from '../core/downward-api';
import { httpProbe } from './common';
import { imageRef, NODE_EXPORTER_IMAGE } from './config-files';
import { DEFAULT_RESOURCES, OBSERVABILITY_NAMESPACES } from './defaults';
import { SECURITY_EXEMPTION } from '../core/security';

export interface NodeExporterProps extends ComponentProps {
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
export class NodeExporter extends ObservabilityComponent {
  static readonly NAME = 'node-exporter';
  static readonly PORT = 9100;
  static readonly UID = 65534;

  /** Port on every node's address; Prometheus reaches it through a flow to the node addresses. */
  public readonly port = NodeExporter.PORT;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.nodeAgents, resources: DEFAULT_RESOURCES.nodeExporter, image: NODE_EXPORTER_IMAGE, name: NodeExporter.NAME, component: 'node-metrics' });
    this.addServiceAccount(false);

    this.addDaemonSet(NodeExporter.NAME, { [SECURITY_EXEMPTION]: NODE_EXPORTER_HOST_REASON }, hardenedPodSpec({
      serviceAccountName: NodeExporter.NAME,
      hostNetwork: true,
      hostPid: true,
      tolerations: [{ operator: 'Exists' }],
      uid: NodeExporter.UID,
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
        env: [podFieldEnv('HOST_IP', 'status.hostIP')],
        // With hostNetwork the API server sets hostPort = containerPort anyway; saying so keeps diffs quiet.
        ports: [{ name: 'metrics', containerPort: NodeExporter.PORT, hostPort: NodeExporter.PORT, protocol: 'TCP' }],
        readinessProbe: httpProbe('/', NodeExporter.PORT),
        livenessProbe: tcpLivenessProbe(NodeExporter.PORT, { initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5 }),
        resources: this.resources,
        volumeMounts: [
          { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
          { name: 'sys', mountPath: '/host/sys', readOnly: true, mountPropagation: 'HostToContainer' },
        ],
      }],
      volumes: [
        { name: 'root', hostPath: { path: '/', type: 'Directory' } },
        { name: 'sys', hostPath: { path: '/sys', type: 'Directory' } },
      ],
    }));
  }
}
