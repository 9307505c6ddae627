import { array, bool, cpuMemory, int, JsonSchema, object, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { subjectProblems } from './rbac';
import { DEFAULT_LIMITS, DEFAULT_POD_SECURITY_LEVEL, DEFAULT_QUOTA, QuotaSettings } from './defaults';
import type { TenantConfig } from './config.generated';

// The section's types are generated from tenantsSchema (`npm run schema`).
export type { TenantConfig, TenantsConfig } from './config.generated';

const LEVELS = ['privileged', 'baseline', 'restricted'] as const;

function subjectsSchema(role: string): JsonSchema {
  return object(
    {
      groups: array(str('Group name.'), 'Groups (as your authenticator names them).', { default: [], uniqueItems: true }),
      users: array(str('User name.'), 'Users.', { default: [], uniqueItems: true }),
      serviceAccounts: array(str('namespace/name', { format: 'service-account' }), 'ServiceAccounts as "namespace/name".', { default: [], uniqueItems: true }),
    },
    { default: {}, description: `Who is bound to the ${role} Role.` },
  );
}

const q = DEFAULT_QUOTA;
const l = DEFAULT_LIMITS;

export const tenantSchema: JsonSchema = object(
  {
    name: str('Namespace name of the tenant.', { format: 'dns-label' }),
    podSecurity: object(
      {
        enforce: str('Pod Security level enforced.', { enum: LEVELS, default: DEFAULT_POD_SECURITY_LEVEL }),
        audit: str('Pod Security level audited.', { enum: LEVELS, default: 'restricted' }),
        warn: str('Pod Security level warned about.', { enum: LEVELS, default: 'restricted' }),
      },
      { default: {}, description: 'Pod Security Admission levels (policy version pinned to v1.27).' },
    ),
    quota: object(
      {
        cpu: str('requests.cpu of the namespace.', { format: 'quantity', default: q.cpu }),
        memory: str('requests.memory of the namespace.', { format: 'quantity', default: q.memory }),
        limitsCpu: str('limits.cpu of the namespace.', { format: 'quantity', default: q.limitsCpu }),
        limitsMemory: str('limits.memory of the namespace.', { format: 'quantity', default: q.limitsMemory }),
        pods: int('Number of pods.', { minimum: 0, default: q.pods }),
        persistentVolumeClaims: int('Number of PersistentVolumeClaims.', { minimum: 0, default: q.persistentVolumeClaims }),
        storage: str('requests.storage: total size of all PVCs.', { format: 'quantity', default: q.storage }),
        nodePorts: int('services.nodeports.', { minimum: 0, default: q.nodePorts }),
        loadBalancers: int('services.loadbalancers.', { minimum: 0, default: q.loadBalancers }),
      },
      { default: {}, description: 'ResourceQuota of the namespace.' },
    ),
    limits: object(
      {
        defaultRequest: cpuMemory('Request given to containers that set none.', l.defaultRequest),
        default: cpuMemory('Limit given to containers that set none.', l.default),
        min: cpuMemory('Smallest request a container may have.', l.min),
        max: cpuMemory('Largest limit a container may have.', l.max),
        maxPvcSize: str('Largest PersistentVolumeClaim.', { format: 'quantity', default: l.maxPvcSize }),
      },
      { default: {}, description: 'LimitRange of the namespace.' },
    ),
    allowSameNamespace: bool('Pods of the namespace may reach each other on any port.', true),
    allowFrom: array(str('Namespace name.', { format: 'dns-label' }), 'Other namespaces whose pods may reach every pod of this one.', { default: [], uniqueItems: true }),
    admins: subjectsSchema('namespace-admin'),
    viewers: subjectsSchema('namespace-viewer'),
  },
  { required: ['name'] },
);

export const tenantsSchema: JsonSchema = array(tenantSchema, 'Tenant namespaces, each with the tenancy baseline.', { default: [] });

/** Namespaces a tenant must not take: Kubernetes' own. Platform namespaces are added by the sections that own them. */
export const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespaces that the usual add-ons of a kubeadm cluster already run in (CNI, load balancer, ingress, storage,
 * certificates). A tenant (or platform section) named like one would put default-deny NetworkPolicies and a quota
 * there, cutting the cluster's network or starving the add-on.
 */
export const CLUSTER_ADDON_NAMESPACES: Readonly<Record<string, string>> = {
  'calico-system': 'Calico', 'calico-apiserver': 'Calico', 'tigera-operator': 'the Tigera (Calico) operator',
  'kube-flannel': 'flannel', 'cilium': 'Cilium', 'cilium-secrets': 'Cilium', 'weave': 'Weave Net',
  'metallb-system': 'MetalLB', 'ingress-nginx': 'ingress-nginx', 'cert-manager': 'cert-manager',
  'longhorn-system': 'Longhorn', 'local-path-storage': 'the local-path provisioner', 'rook-ceph': 'Rook Ceph',
  'kubernetes-dashboard': 'the Kubernetes dashboard', 'gatekeeper-system': 'Gatekeeper', 'kyverno': 'Kyverno',
};

/** Why a namespace is not free for a tenant or a platform section, or `undefined`. */
export function takenNamespace(name: string): string | undefined {
  if (RESERVED_NAMESPACES.includes(name)) return 'a Kubernetes system namespace';
  const addon = CLUSTER_ADDON_NAMESPACES[name];
  return addon !== undefined ? `the namespace ${addon} runs in; default-deny there would cut the cluster's network or the add-on` : undefined;
}

export function checkTenants(tenants: readonly TenantConfig[], reserved: ReadonlyMap<string, string>, problems: ProblemList): void {
  const seen = new Map<string, number>();
  tenants.forEach((t, i) => {
    const at = `tenants[${i}]`;
    if (seen.has(t.name)) problems.add(`${at}.name: ${show(t.name)} is already tenants[${seen.get(t.name)}]; tenant names must be unique.`);
    seen.set(t.name, i);
    const owner = reserved.get(t.name) ?? takenNamespace(t.name);
    if (owner !== undefined) problems.add(`${at}.name: ${show(t.name)} is reserved (${owner}); choose another name.`);
    for (const role of ['admins', 'viewers'] as const) for (const p of subjectProblems(t[role], `${at}.${role}`)) problems.add(p);
    checkQuotaFitsDefaults(t, at, problems);
    if (t.allowFrom.includes(t.name)) problems.add(`${at}.allowFrom: lists the tenant itself (${show(t.name)}); same-namespace traffic is allowSameNamespace.`);
    checkLimitOrder(t, at, problems);
  });
}

/**
 * A container without requests gets the LimitRange's defaultRequest (and default as its limit); a quota below those
 * admits no such pod at all, and the refusal comes only at apply time, as "exceeded quota".
 */
function checkQuotaFitsDefaults(t: TenantConfig, at: string, problems: ProblemList): void {
  const pairs: Array<[keyof QuotaSettings, 'defaultRequest' | 'default', 'cpu' | 'memory']> = [
    ['cpu', 'defaultRequest', 'cpu'], ['memory', 'defaultRequest', 'memory'], ['limitsCpu', 'default', 'cpu'], ['limitsMemory', 'default', 'memory'],
  ];
  for (const [quotaKey, limitKey, resource] of pairs) {
    const quota = String(t.quota[quotaKey]);
    const perContainer = t.limits[limitKey][resource];
    if (isQuantity(quota) && isQuantity(perContainer) && parseQuantity(quota) < parseQuantity(perContainer)) {
      problems.add(`${at}.quota.${quotaKey}: ${show(quota)} is below limits.${limitKey}.${resource} (${show(perContainer)}), what one container without its own resources gets; no such pod would be admitted. Raise the quota or lower limits.${limitKey}.${resource}.`);
    }
  }
}

/** The API server rejects a LimitRange whose default is above max or below min; say so before apply does. */
function checkLimitOrder(t: TenantConfig, at: string, problems: ProblemList): void {
  for (const resource of ['cpu', 'memory'] as const) {
    const chain: Array<[string, string]> = [
      ['min', t.limits.min[resource]],
      ['defaultRequest', t.limits.defaultRequest[resource]],
      ['default', t.limits.default[resource]],
      ['max', t.limits.max[resource]],
    ];
    for (let k = 1; k < chain.length; k++) {
      const [lowName, low] = chain[k - 1];
      const [highName, high] = chain[k];
      if (isQuantity(low) && isQuantity(high) && parseQuantity(low) > parseQuantity(high)) {
        problems.add(`${at}.limits.${highName}.${resource}: ${show(high)} is below limits.${lowName}.${resource} (${show(low)}); keep min <= defaultRequest <= default <= max.`);
      }
    }
  }
}
