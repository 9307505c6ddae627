/**
 * Defaults of the tenancy baseline, sized for the lab cluster (three nodes of 2 CPU / 2–3 GiB). They are used by
 * the construct (`??`) and published in platform.schema.json, so the docs an editor shows cannot drift.
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Pod Security Admission policy version the labels pin: the rules of Kubernetes 1.27, the target release. */
export const POD_SECURITY_VERSION = 'v1.27';

export const DEFAULT_POD_SECURITY_LEVEL: PodSecurityLevel = 'restricted';

export interface QuotaSettings {
  /** requests.cpu */
  readonly cpu: string;
  /** requests.memory */
  readonly memory: string;
  /** limits.cpu */
  readonly limitsCpu: string;
  /** limits.memory */
  readonly limitsMemory: string;
  readonly pods: number;
  readonly persistentVolumeClaims: number;
  /** requests.storage */
  readonly storage: string;
  /** services.nodeports: 0 unless a tenant really exposes a NodePort. */
  readonly nodePorts: number;
  /** services.loadbalancers: a bare-metal cluster rarely has a load-balancer implementation. */
  readonly loadBalancers: number;
}

export const DEFAULT_QUOTA: QuotaSettings = {
  cpu: '1',
  memory: '1Gi',
  limitsCpu: '2',
  limitsMemory: '2Gi',
  pods: 20,
  persistentVolumeClaims: 5,
  storage: '20Gi',
  nodePorts: 0,
  loadBalancers: 0,
};

export interface CpuMemory {
  readonly cpu: string;
  readonly memory: string;
}

export interface LimitSettings {
  /** Request given to a container that sets none. */
  readonly defaultRequest: CpuMemory;
  /** Limit given to a container that sets none. */
  readonly default: CpuMemory;
  /** Smallest request a container may ask for. */
  readonly min: CpuMemory;
  /** Largest limit a container may set. */
  readonly max: CpuMemory;
  /** Largest PersistentVolumeClaim. */
  readonly maxPvcSize: string;
}

export const DEFAULT_LIMITS: LimitSettings = {
  defaultRequest: { cpu: '50m', memory: '64Mi' },
  default: { cpu: '250m', memory: '256Mi' },
  min: { cpu: '5m', memory: '8Mi' },
  max: { cpu: '1', memory: '1Gi' },
  maxPvcSize: '10Gi',
};
