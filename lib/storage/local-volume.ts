import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { isDnsLabel, isDnsSubdomain } from '../core/validate';

/** Name of the StorageClass of local volumes (the name the Kubernetes "local volume" docs use). */
export const LOCAL_STORAGE_CLASS = 'local-storage';

/** The node label a local PersistentVolume is pinned by (set by the kubelet on every node). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';


export interface LocalStorageClassProps {
  /** Name of the StorageClass. @default 'local-storage' */
  readonly name?: string;
  /** Labels of the StorageClass. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * The StorageClass of statically created local volumes: no provisioner (every PersistentVolume is written by
 * Platform Kit, pinned to a node), and `WaitForFirstConsumer`, so a claim binds only when its pod is scheduled —
 * the scheduler then honours the volume's node affinity instead of binding first and stranding the pod.
 */
export class LocalStorageClass extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: LocalStorageClassProps = {}) {
    super(scope, id);
    this.name = props.name ?? LOCAL_STORAGE_CLASS;
    if (!isDnsSubdomain(this.name)) {
      throw new Error(`LocalStorageClass: name ${show(this.name)} is not a DNS name (example: "${LOCAL_STORAGE_CLASS}").`);
    }
    new k8s.KubeStorageClass(this, 'Resource', {
      metadata: { name: this.name, ...(props.labels && Object.keys(props.labels).length > 0 ? { labels: props.labels } : {}) },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
      // Only dynamically provisioned volumes take the class's policy; the volumes below say Retain themselves.
      reclaimPolicy: 'Retain',
    });
  }
}

/** The claim a StatefulSet creates for one of its pods, which a local volume is reserved for. */
export interface StatefulSetClaim {
  /** Namespace of the StatefulSet. */
  readonly namespace: string;
  /** Name of the StatefulSet. */
  readonly statefulSet: string;
  /** `metadata.name` of the StatefulSet's volumeClaimTemplate. */
  readonly claimTemplate: string;
  /** Pod ordinal. @default 0 */
  readonly ordinal?: number;
}

export interface LocalVolumeProps {
  /** Name of the PersistentVolume (cluster-wide, so make it unique: e.g. `prometheus-k8s-node1`). */
  readonly name: string;
  /** Node whose disk holds the directory (`kubectl get nodes` name). */
  readonly node: string;
  /** Absolute path of the directory on that node; it must exist before the pod starts. */
  readonly path: string;
  /** Capacity (Kubernetes quantity), e.g. `10Gi`; the claim must not ask for more. */
  readonly size: string;
  /** The one claim this volume is for; the volume is pre-bound to it (`claimRef`). */
  readonly claim: StatefulSetClaim;
  /** StorageClass the claim names. @default 'local-storage' */
  readonly storageClassName?: string;
  /** Labels of the PersistentVolume. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A local PersistentVolume: a directory on one node's own disk, pinned to that node by required node affinity on
 * `kubernetes.io/hostname`, kept on release (`Retain`), and pre-bound through `claimRef` to exactly the claim a
 * StatefulSet pod creates (`<claimTemplate>-<statefulSet>-<ordinal>`), so no other claim can take it. The capacity
 * check reads the same claimRef and affinity to place the pod on that node.
 */
export class LocalVolume extends Construct {
  /** The name Kubernetes gives the claim of pod `ordinal` of a StatefulSet: `<claimTemplate>-<statefulSet>-<ordinal>`. */
  static claimName(claim: StatefulSetClaim): string {
    return `${claim.claimTemplate}-${claim.statefulSet}-${claim.ordinal ?? 0}`;
  }

  public readonly name: string;
  /** The node the volume is pinned to (`node` is the construct tree node). */
  public readonly nodeName: string;
  public readonly path: string;
  public readonly size: string;
  public readonly storageClassName: string;
  /** Namespace and name of the claim the volume is reserved for. */
  public readonly claimRef: { readonly namespace: string; readonly name: string };

  constructor(scope: Construct, id: string, props: LocalVolumeProps) {
    super(scope, id);
    this.name = props.name;
    this.nodeName = props.node;
    this.path = props.path;
    this.size = props.size;
    this.storageClassName = props.storageClassName ?? LOCAL_STORAGE_CLASS;
    this.claimRef = { namespace: props.claim.namespace, name: LocalVolume.claimName(props.claim) };

    const where = `LocalVolume ${show(this.name)}`;
    if (!isDnsSubdomain(this.name)) {
      throw new Error(`${where}: name is not a DNS name; use lowercase letters, digits, "-" and "." (example: "prometheus-k8s-node1").`);
    }
    if (!isDnsSubdomain(this.nodeName)) {
      throw new Error(`${where}: node ${show(this.nodeName)} is not a node name as \`kubectl get nodes\` prints it (example: "k8s-node1").`);
    }
    if (!this.path.startsWith('/') || this.path.endsWith('/') || this.path.split('/').includes('..') || /\s/.test(this.path)) {
      throw new Error(`${where}: path ${show(this.path)} must be an absolute directory path without "..", spaces or a trailing "/" (example: "/mnt/local-storage/prometheus").`);
    }
    if (!isQuantity(this.size) || parseQuantity(this.size) <= 0) {
      throw new Error(`${where}: size ${show(this.size)} is not a positive Kubernetes quantity (example: "10Gi").`);
    }
    if (!isDnsLabel(props.claim.namespace) || !isDnsSubdomain(this.claimRef.name)) {
      throw new Error(`${where}: claim ${show(`${props.claim.namespace}/${this.claimRef.name}`)} is not a valid namespace/claim name.`);
    }
    const ordinal = props.claim.ordinal ?? 0;
    if (!Number.isInteger(ordinal) || ordinal < 0) {
      throw new Error(`${where}: claim ordinal ${show(ordinal)} must be a whole number >= 0.`);
    }

    new k8s.KubePersistentVolume(this, 'Resource', {
      metadata: { name: this.name, ...(props.labels && Object.keys(props.labels).length > 0 ? { labels: props.labels } : {}) },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(this.size) },
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Filesystem',
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: this.storageClassName,
        local: { path: this.path },
        claimRef: { namespace: this.claimRef.namespace, name: this.claimRef.name },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [this.nodeName] }] }],
          },
        },
      },
    });
  }
}
