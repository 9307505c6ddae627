import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceUsage } from '../core/pod-templates';
import { formatCpuUp as cpu, formatMebibytesUp as mebibytes, parseQuantity } from '../core/quantity';
import { LimitSettings, QuotaSettings } from './defaults';

/** How a namespace's ResourceQuota is computed from what really runs there (see {@link TenantNamespaceProps}). */
export interface QuotaFromWorkloads {
  /** Nodes a DaemonSet of the namespace runs on (one pod each). */
  readonly nodeCount: number;
  /** Claims no object shows, such as those a scaled-down StatefulSet keeps. @default - none */
  readonly extraClaims?: { readonly count: number; readonly storage: string };
}

/** Kinds whose objects count against a quota: pod templates, autoscalers (their ceiling), claims, Services. */
const COUNTED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim', 'Service']);

/**
 * The quota that fits exactly the objects of `namespace` anywhere in the tree of `scope`, counted by the same
 * {@link namespaceUsage} the synth-time quota-fit check uses: call it at synth time (from a `Lazy`), when every
 * workload of the namespace exists.
 */
export function quotaFromWorkloads(scope: IConstruct, namespace: string, options: QuotaFromWorkloads, limits: LimitSettings): QuotaSettings {
  const manifests: any[] = [];
  // A plain walk (no findAll array of the whole tree): with 1,000 tenants the tree has 30,000 constructs.
  const visit = (c: IConstruct): void => {
    if (c instanceof ApiObject && COUNTED_KINDS.has(c.kind) && c.metadata.namespace === namespace) manifests.push(c.toJson());
    for (const child of c.node.children) visit(child);
  };
  visit(scope.node.root);
  const { usage } = namespaceUsage(manifests, options.nodeCount, { default: limits.default, defaultRequest: limits.defaultRequest });
  const extra = options.extraClaims;
  return {
    cpu: cpu(usage.requestsCpu),
    memory: mebibytes(usage.requestsMemory),
    limitsCpu: cpu(usage.limitsCpu),
    limitsMemory: mebibytes(usage.limitsMemory),
    pods: usage.pods,
    persistentVolumeClaims: usage.persistentVolumeClaims + (extra?.count ?? 0),
    storage: mebibytes(usage.storage + (extra ? parseQuantity(extra.storage) : 0)),
    nodePorts: usage.nodePorts,
    loadBalancers: usage.loadBalancers,
  };
}
