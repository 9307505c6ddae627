import { k8s } from 'cdk8s-plus-27';

/** Reading a resource. */
export const READ_VERBS: readonly string[] = ['get', 'list', 'watch'];
/**
 * Managing a resource: every verb except the RBAC-only `escalate`, `bind` and `impersonate`. Roles name their verbs
 * instead of `*`, because `*` on `roles` includes `escalate` (write a Role with permissions one does not hold) and
 * `bind` (bind any Role or ClusterRole), which would turn a namespace admin into whatever it likes — including
 * `patch` on its own Namespace object, where the Pod Security labels live.
 */
export const MANAGE_VERBS: readonly string[] = [...READ_VERBS, 'create', 'update', 'patch', 'delete', 'deletecollection'];
/** Opening a session into a pod (exec, attach, port-forward): the API server authorizes these as `create` (and `get`). */
const SESSION_VERBS: readonly string[] = ['get', 'create'];

/**
 * What a namespace admin may do. Deliberately not `*` on `*`: an admin with write access to ResourceQuota,
 * LimitRange or NetworkPolicy could lift the very limits the baseline sets, so those stay read-only (network
 * access opens through flows in platform.yaml). Role/RoleBinding writes are safe without `escalate` and `bind`:
 * the API server then refuses any Role or RoleBinding that grants more than its author holds.
 */
export const NAMESPACE_ADMIN_RULES: k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'secrets', 'serviceaccounts', 'services'],
    verbs: [...MANAGE_VERBS],
  },
  { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward'], verbs: [...SESSION_VERBS] },
  { apiGroups: [''], resources: ['pods/log'], verbs: [...READ_VERBS] },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'statefulsets', 'statefulsets/scale'], verbs: [...MANAGE_VERBS] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: [...MANAGE_VERBS] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...MANAGE_VERBS] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...MANAGE_VERBS] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: [...MANAGE_VERBS] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...MANAGE_VERBS] },
  { apiGroups: [''], resources: ['events', 'limitranges', 'resourcequotas'], verbs: [...READ_VERBS] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ_VERBS] },
];

/** Read-only view: everything the admin sees, except Secrets' contents and exec/attach/port-forward. */
export const NAMESPACE_VIEWER_RULES: k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'pods/log',
      'resourcequotas', 'serviceaccounts', 'services'],
    verbs: [...READ_VERBS],
  },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: [...READ_VERBS] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: [...READ_VERBS] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: [...READ_VERBS] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...READ_VERBS] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: [...READ_VERBS] },
];

/** Who gets a role. ServiceAccounts are written `namespace/name`. */
export interface RoleSubjects {
  /** @default [] */
  readonly groups?: readonly string[];
  /** @default [] */
  readonly users?: readonly string[];
  /** @default [] */
  readonly serviceAccounts?: readonly string[];
}

/**
 * Subjects that must never be bound to a tenant role: an empty name binds nobody the author meant, and these
 * built-in identities mean "anyone" (anonymous and unauthenticated requests) or already hold cluster-admin
 * (system:masters), so binding them either opens the namespace to everyone or hides who really has access.
 */
export const FORBIDDEN_SUBJECTS: Readonly<Record<string, string>> = {
  'system:anonymous': 'every unauthenticated request',
  'system:unauthenticated': 'every unauthenticated request',
  'system:masters': 'cluster-admin holders, who need no binding',
};

/** Every subject a role must not bind, as `field.kind[i]: reason; fix` (the loader and TenantNamespace share it). */
export function subjectProblems(subjects: RoleSubjects, field: string): string[] {
  const problems: string[] = [];
  for (const kind of ['groups', 'users', 'serviceAccounts'] as const) {
    (subjects[kind] ?? []).forEach((name, i) => {
      const at = `${field}.${kind}[${i}]`;
      if (typeof name !== 'string' || name.trim() === '') {
        problems.push(`${at}: ${JSON.stringify(name)} is empty; give the ${kind === 'groups' ? 'group' : kind === 'users' ? 'user' : 'ServiceAccount'} name, or remove the entry.`);
      } else if (FORBIDDEN_SUBJECTS[name.trim()] !== undefined) {
        problems.push(`${at}: ${JSON.stringify(name)} stands for ${FORBIDDEN_SUBJECTS[name.trim()]}; binding it would give them this role. Name the real users or groups instead.`);
      }
    });
  }
  return problems;
}

export function toSubjects(subjects: RoleSubjects): k8s.Subject[] {
  return [
    ...(subjects.groups ?? []).map((name) => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' })),
    ...(subjects.users ?? []).map((name) => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' })),
    ...(subjects.serviceAccounts ?? []).map((ref) => {
      const [namespace, name] = ref.split('/');
      return { kind: 'ServiceAccount', name, namespace };
    }),
  ];
}
