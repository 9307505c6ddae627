import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { isDnsLabel, isDnsSubdomain, isIpv4 } from '../core/validate';

/** Name of the StorageClass of the static NFS volumes (the name the reference notes use). */
export const NFS_STORAGE_CLASS = 'nfs';

/**
 * Mount options of the NFS volumes. `hard`: an unreachable server blocks I/O until it is back instead of returning
 * errors a database would take for a broken disk (`soft` mounts can corrupt data). `nfsvers=4.1`: NFSv4 carries
 * file locking in the protocol itself, so InnoDB's file locks do not depend on the separate lockd/statd daemons
 * NFSv3 needs (MySQL's manual warns that NFS locking through lockd is not reliable).
 */
export const DEFAULT_NFS_MOUNT_OPTIONS: readonly string[] = ['hard', 'nfsvers=4.1'];

const MOUNT_OPTION = /^[A-Za-z0-9_]+(=[A-Za-z0-9_.,:/-]+)?$/;

/** An IPv4 address or a DNS name: what an NFS volume's `server` may be (the node's kubelet resolves it). */
export function isNfsServer(value: string): boolean {
  // A name needs a letter, so a malformed address ("10.0.0.256", "010.0.0.1") is not taken for a host name.
  return isIpv4(value) || (/[a-z]/.test(value) && isDnsSubdomain(value));
}

/** An absolute directory path an NFS server can export: starts with "/", no "..", no spaces, no trailing "/". */
export function isExportPath(value: string): boolean {
  return value.startsWith('/') && value.length > 1 && !value.endsWith('/') && !value.split('/').includes('..') && !/\s/.test(value) && !value.includes('//');
}

/** A reference to a StorageClass by name (an {@link NfsStorageClass}, or one the cluster already has). */
export interface IStorageClassRef {
  readonly name: string;
}

export interface NfsStorageClassProps {
  /** Name of the StorageClass. @default 'nfs' */
  readonly name?: string;
  /** Labels of the StorageClass. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * The StorageClass that static NFS volumes and their claims name: no provisioner (every PersistentVolume is written
 * by Platform Kit), `Immediate` binding (an NFS volume is reachable from every node, so nothing is gained by waiting
 * for the pod to be scheduled, and a pre-bound claim binds as soon as both objects exist).
 */
export class NfsStorageClass extends Construct implements IStorageClassRef {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NfsStorageClassProps = {}) {
    super(scope, id);
    this.name = props.name ?? NFS_STORAGE_CLASS;
    if (!isDnsSubdomain(this.name)) {
      throw new Error(`NfsStorageClass: name ${show(this.name)} is not a DNS name; use lowercase letters, digits, "-" and "." (example: "${NFS_STORAGE_CLASS}").`);
    }
    new k8s.KubeStorageClass(this, 'Resource', {
      metadata: { name: this.name, ...labelsOf(props.labels) },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
      // Only dynamically provisioned volumes take the class's policy; the volumes say Retain themselves.
      reclaimPolicy: 'Retain',
    });
  }
}

/** The claim a StatefulSet creates for one of its pods: `<claimTemplate>-<statefulSet>-<ordinal>`. */
export interface StatefulSetClaim {
  /** Namespace of the StatefulSet. */
  readonly namespace: string;
  /** Name of the StatefulSet. */
  readonly statefulSet: string;
  /** `metadata.name` of the StatefulSet's volumeClaimTemplate. */
  readonly claimTemplate: string;
  /** Pod ordinal. */
  readonly ordinal: number;
}

/** A claim given by namespace and name (e.g. a PersistentVolumeClaim Platform Kit writes itself). */
export interface NamedClaim {
  readonly namespace: string;
  readonly name: string;
}

export interface NfsVolumeProps {
  /** Name of the PersistentVolume (cluster-wide: make it unique, e.g. `mysql-pv1`). */
  readonly name: string;
  /** NFS server: an IPv4 address or a DNS name the nodes resolve. */
  readonly server: string;
  /** Exported directory on the server (absolute path). */
  readonly path: string;
  /** Capacity (Kubernetes quantity); a claim must not ask for more. @default '5Gi' */
  readonly capacity?: string;
  /**
   * The one claim this volume is for: the volume is pre-bound to it (`claimRef`), so no other claim can take it.
   * A {@link StatefulSetClaim} names the claim the StatefulSet creates for that ordinal.
   * @default - not pre-bound: any claim of the StorageClass that fits may bind it
   */
  readonly claim?: StatefulSetClaim | NamedClaim;
  /** StorageClass the volume (and its claim) names. @default 'nfs' */
  readonly storageClass?: IStorageClassRef;
  /** Access modes. NFS itself allows many writers; a database volume wants one. @default ['ReadWriteOnce'] */
  readonly accessModes?: readonly string[];
  /** What happens to the volume when its claim is deleted. @default 'Retain' */
  readonly reclaimPolicy?: 'Retain' | 'Delete';
  /** Mount options. @default DEFAULT_NFS_MOUNT_OPTIONS (`hard`, `nfsvers=4.1`) */
  readonly mountOptions?: readonly string[];
  /** Labels of the PersistentVolume. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A static NFS PersistentVolume: one exported directory, kept on release (`Retain`), optionally pre-bound through
 * `claimRef` to exactly one claim — for a StatefulSet the claim it creates for one ordinal, so pod N always mounts
 * its own export and a deleted and re-created StatefulSet finds its data again.
 */
export class NfsVolume extends Construct {
  /** The name Kubernetes gives the claim of pod `ordinal` of a StatefulSet: `<claimTemplate>-<statefulSet>-<ordinal>`. */
  static claimName(claim: StatefulSetClaim): string {
    return `${claim.claimTemplate}-${claim.statefulSet}-${claim.ordinal}`;
  }

  public readonly name: string;
  public readonly server: string;
  public readonly path: string;
  public readonly capacity: string;
  public readonly storageClassName: string;
  public readonly accessModes: readonly string[];
  public readonly reclaimPolicy: 'Retain' | 'Delete';
  public readonly mountOptions: readonly string[];
  /** Namespace and name of the claim the volume is reserved for, when pre-bound. */
  public readonly claimRef: NamedClaim | undefined;

  constructor(scope: Construct, id: string, props: NfsVolumeProps) {
    super(scope, id);
    this.name = props.name;
    this.server = props.server;
    this.path = props.path;
    this.capacity = props.capacity ?? '5Gi';
    this.storageClassName = props.storageClass?.name ?? NFS_STORAGE_CLASS;
    this.accessModes = props.accessModes ?? ['ReadWriteOnce'];
    this.reclaimPolicy = props.reclaimPolicy ?? 'Retain';
    this.mountOptions = props.mountOptions ?? DEFAULT_NFS_MOUNT_OPTIONS;

    const where = `NfsVolume ${show(this.name)}`;
    if (!isDnsSubdomain(this.name)) {
      throw new Error(`${where}: name is not a DNS name; use lowercase letters, digits, "-" and "." (example: "mysql-pv1").`);
    }
    if (!isNfsServer(this.server)) {
      throw new Error(`${where}: server ${show(this.server)} is not an IPv4 address or DNS name (example: "10.10.10.101").`);
    }
    if (!isExportPath(this.path)) {
      const fix = this.path.startsWith('/') ? this.path.replace(/\/+$/, '').replace(/\/{2,}/g, '/') : `/${this.path}`;
      throw new Error(`${where}: path ${show(this.path)} is not an absolute export path (no "..", spaces, "//" or trailing "/")${isExportPath(fix) ? `; did you mean ${show(fix)}?` : ' (example: "/nfs_mysql")'}`);
    }
    if (!isQuantity(this.capacity) || parseQuantity(this.capacity) <= 0) {
      throw new Error(`${where}: capacity ${show(this.capacity)} is not a positive Kubernetes quantity (example: "5Gi").`);
    }
    if (this.accessModes.length === 0 || this.accessModes.some((m) => !['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'].includes(m))) {
      throw new Error(`${where}: accessModes ${show(this.accessModes)} must be a non-empty list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.`);
    }
    for (const option of this.mountOptions) {
      if (!MOUNT_OPTION.test(option)) {
        throw new Error(`${where}: mount option ${show(option)} is not of the form "name" or "name=value" (examples: "hard", "nfsvers=4.1").`);
      }
      if (option === 'soft') {
        throw new Error(`${where}: mount option "soft" returns I/O errors when the server is slow, which corrupts databases; use "hard".`);
      }
    }
    if (props.claim !== undefined) {
      if ('statefulSet' in props.claim && (!Number.isInteger(props.claim.ordinal) || props.claim.ordinal < 0)) {
        throw new Error(`${where}: claim ordinal ${show(props.claim.ordinal)} must be a whole number >= 0.`);
      }
      const name = 'statefulSet' in props.claim ? NfsVolume.claimName(props.claim) : props.claim.name;
      if (!isDnsLabel(props.claim.namespace) || !isDnsSubdomain(name)) {
        throw new Error(`${where}: claim ${show(`${props.claim.namespace}/${name}`)} is not a valid namespace/claim name.`);
      }
      this.claimRef = { namespace: props.claim.namespace, name };
    }

    new k8s.KubePersistentVolume(this, 'Resource', {
      metadata: { name: this.name, ...labelsOf(props.labels) },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(this.capacity) },
        accessModes: [...this.accessModes],
        volumeMode: 'Filesystem',
        persistentVolumeReclaimPolicy: this.reclaimPolicy,
        storageClassName: this.storageClassName,
        ...(this.mountOptions.length > 0 ? { mountOptions: [...this.mountOptions] } : {}),
        nfs: { server: this.server, path: this.path },
        ...(this.claimRef ? { claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: this.claimRef.namespace, name: this.claimRef.name } } : {}),
      },
    });
  }
}

export interface NfsVolumeClaimProps {
  /** Name of the PersistentVolumeClaim. */
  readonly name: string;
  /** Namespace of the claim. */
  readonly namespace: string;
  /** The volume the claim binds to (`spec.volumeName`); it should be pre-bound to this claim. */
  readonly volume: NfsVolume;
  /** Requested size; at most the volume's capacity. @default - the volume's capacity */
  readonly size?: string;
  /** Labels of the claim. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A PersistentVolumeClaim bound to one {@link NfsVolume} from both sides (`spec.volumeName` here, `claimRef` there),
 * for workloads that are not StatefulSets (a backup CronJob).
 */
export class NfsVolumeClaim extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly size: string;

  constructor(scope: Construct, id: string, props: NfsVolumeClaimProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace;
    this.size = props.size ?? props.volume.capacity;
    const where = `NfsVolumeClaim ${show(`${this.namespace}/${this.name}`)}`;
    if (!isDnsLabel(this.namespace) || !isDnsSubdomain(this.name)) {
      throw new Error(`${where}: not a valid namespace/claim name (example: "mysql/mysql-backup").`);
    }
    if (!isQuantity(this.size) || parseQuantity(this.size) <= 0) {
      throw new Error(`${where}: size ${show(this.size)} is not a positive Kubernetes quantity (example: "10Gi").`);
    }
    if (parseQuantity(this.size) > parseQuantity(props.volume.capacity)) {
      throw new Error(`${where}: size ${show(this.size)} is larger than volume ${props.volume.name} (${props.volume.capacity}); the claim would never bind. Lower the size or raise the volume's capacity.`);
    }
    const ref = props.volume.claimRef;
    if (ref !== undefined && (ref.namespace !== this.namespace || ref.name !== this.name)) {
      throw new Error(`${where}: volume ${props.volume.name} is reserved for ${ref.namespace}/${ref.name}; give the claim that name or pre-bind the volume to this claim.`);
    }
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...labelsOf(props.labels) },
      spec: {
        accessModes: [...props.volume.accessModes],
        storageClassName: props.volume.storageClassName,
        volumeName: props.volume.name,
        resources: { requests: { storage: k8s.Quantity.fromString(this.size) } },
      },
    });
  }
}

function labelsOf(labels: Record<string, string> | undefined): { labels?: Record<string, string> } {
  return labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {};
}
