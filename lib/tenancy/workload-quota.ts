import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceUsage } from '../core/pod-templates';
import { formatCpuUp as cpu, formatMebibytesUp as mebibytes, parseQuantity } from '../core/quantity';
import { LimitSettings, QuotaSettings } from './defaults';

/** How a namespace's ResourceQuota is computed from what really runs there (see {@link NamespaceBaselineProps}). */
export interface QuotaFromWorkloads {
  /** Nodes a DaemonSet of the namespace runs on (one pod each). */
  readonly nodeCount: number;
  /** Claims no object shows, such as those a scaled-down StatefulSet keeps. @default - none */
  readonly extraClaims?: { readonly count: number; readonly storage: string };
}

/** Kinds whose objects count against a quota: pod templates, autoscalers (their ceiling), claims, Services. */
const COUNTED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'HorizontalPodAutoscaler', 'PersistentVolumeClaim', 'Service']);

/**
 * The counted objects of every namespace, found with one walk of the tree per synthesis pass: each computed quota is
 * resolved at least twice per synth (the output, and the Argo CD inventory's size check), and with 1,000 tenants
 * the tree has 30,000 constructs. Dropped when the synchronous pass ends, so the next synth sees the tree anew.
 */
const passes = new WeakMap<IConstruct, { readonly objects: Map<string, ApiObject[]>; readonly quotas: Map<string, QuotaSettings> }>();

function passOf(root: IConstruct): { readonly objects: Map<string, ApiObject[]>; readonly quotas: Map<string, QuotaSettings> } {
  let pass = passes.get(root);
  if (pass === undefined) {
    const objects = new Map<string, ApiObject[]>();
    const visit = (c: IConstruct): void => {
      if (c instanceof ApiObject && COUNTED_KINDS.has(c.kind) && c.metadata.namespace !== undefined) {
        const list = objects.get(c.metadata.namespace);
        if (list) list.push(c);
        else objects.set(c.metadata.namespace, [c]);
      }
      for (const child of c.node.children) visit(child);
    };
    visit(root);
    pass = { objects, quotas: new Map() };
    passes.set(root, pass);
    queueMicrotask(() => passes.delete(root));
  }
  return pass;
}

/**
 * The quota that fits exactly the objects of `namespace` anywhere in the tree of `scope`, counted by the same
 * {@link namespaceUsage} the synth-time quota-fit check uses: call it at synth time (from a `Lazy`), when every
 * workload of the namespace exists. Within one synchronous synthesis pass the result is computed once (objects
 * added during the pass, after the quota was written, are not counted).
 */
export function quotaFromWorkloads(scope: IConstruct, namespace: string, options: QuotaFromWorkloads, limits: LimitSettings): QuotaSettings {
  const pass = passOf(scope.node.root);
  const known = pass.quotas.get(namespace);
  if (known !== undefined) return known;
  const manifests = (pass.objects.get(namespace) ?? []).map((o) => o.toJson());
  const { usage } = namespaceUsage(manifests, options.nodeCount, { default: limits.default, defaultRequest: limits.defaultRequest });
  const extra = options.extraClaims;
  const quota: QuotaSettings = {
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
  pass.quotas.set(namespace, quota);
  return quota;
}
