/** The lab's three nodes plus a big worker: enough room for Harbor beside everything else. */
export const BIG_CLUSTER = `cluster:
  nodes:
    - { name: k8s-master, ip: 10.10.10.200, role: control-plane, cpu: "2", memory: 3Gi }
    - { name: k8s-node1, ip: 10.10.10.201, cpu: "2", memory: 2Gi }
    - { name: k8s-node2, ip: 10.10.10.202, cpu: "2", memory: 2Gi }
    - { name: k8s-node3, ip: 10.10.10.203, cpu: "4", memory: 8Gi }
  nfs: { server: 10.10.10.101 }
`;

/** Harbor's blobs are on the NFS server and backed up there, as docs/registry.md tells a user enabling it to say. */
export const BLOBS_NOT_BACKED_UP = { namespace: 'harbor', claim: 'harbor-registry-blobs', reason: 'the export is backed up on the NFS server (docs/registry.md)' };

/** A parsed platform.yaml whose backup section also declares the registry's blobs as backed up outside the cluster. */
export function declaringBlobs<T extends { backup?: { notBackedUp?: unknown[] } }>(platform: T): T {
  return { ...platform, backup: { ...platform.backup, notBackedUp: [...(platform.backup?.notBackedUp ?? []), BLOBS_NOT_BACKED_UP] } };
}

/** The lab's S3-compatible object store (Garage on the NFS server's network), for tests that turn Velero on. */
export const LAB_OBJECT_STORE = { url: 'http://10.10.10.50:3900', bucket: 'platform-backups', region: 'garage' };
