import { imagePin } from '../versions';
import { ContainerResources, ImageRef } from '../core/security';

/**
 * etcd's own image (etcd-io's release image: etcd, etcdctl and etcdutl on distroless, no shell), from the versions table.
 * Its 3.6 client speaks the v3 API of both the 3.5 servers kubeadm installs for Kubernetes 1.27–1.33 and
 * the 3.6 servers of 1.34 and later.
 */
export const ETCD_IMAGE: ImageRef = imagePin('etcd');

/** The shell step (promote the verified snapshots, prune to the last N): busybox, as the apps' wait step uses. */
export const SHELL_IMAGE: ImageRef = imagePin('busybox');

/**
 * Velero v1.14.1: the release whose CRDs are in schemas/crds/velero-v1.14.1 (copied from ../shared/crds). It is no
 * longer a supported Velero release on 2026-12-01 (docs/backup.md, "Versions"); upgrading means replacing the CRDs
 * with the newer release's and changing these two pins together.
 */
export const VELERO_IMAGE: ImageRef = imagePin('velero');
/** The AWS object-store plugin line for Velero 1.14 (the plugin's compatibility table pairs v1.10.x with v1.14.x). */
export const VELERO_AWS_PLUGIN_IMAGE: ImageRef = imagePin('veleroAwsPlugin');

/** Unprivileged uid/gid the snapshot job and the Velero server run as (distroless "nonroot"). */
export const BACKUP_UID = 65532;

/** etcd's client port on every kubeadm control-plane node. */
export const ETCD_CLIENT_PORT = 2379;
/** Velero's Prometheus metrics port (server and node-agent, `--metrics-address` default). */
export const VELERO_METRICS_PORT = 8085;

export const DEFAULT_ETCD = {
  schedule: '0 */6 * * *',
  timeZone: 'Etc/UTC',
  keep: 8,
  exportPath: '/nfs_etcd_backup',
  size: '5Gi',
  clientSecret: 'etcd-backup-client',
};

/**
 * Keys of the etcd client Secret. kubeadm's `apiserver-etcd-client` pair (in /etc/kubernetes/pki/, signed by the
 * etcd CA) is the client certificate the API server itself uses; the `healthcheck-client` pair is meant for probes
 * only. We take the apiserver pair because it is the one kubeadm documents for etcdctl, and name the keys after it.
 */
export const ETCD_SECRET_KEYS = { ca: 'ca.crt', cert: 'apiserver-etcd-client.crt', key: 'apiserver-etcd-client.key' };

export const DEFAULT_ETCD_RESOURCES: ContainerResources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
export const DEFAULT_VELERO_RESOURCES: ContainerResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };
export const DEFAULT_NODE_AGENT_RESOURCES: ContainerResources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } };
/** The plugin init container only copies one binary. */
export const PLUGIN_COPY_RESOURCES: ContainerResources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

export const DEFAULT_VELERO = {
  namespace: 'velero',
  credentialsSecret: 'velero-s3-credentials',
  credentialsKey: 'cloud',
  region: 'us-east-1',
  schedule: { name: 'daily', schedule: '0 3 * * *', ttl: '720h0m0s' },
};
