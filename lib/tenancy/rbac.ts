import { k8s } from 'cdk8s-plus-27';

/**
 * What a namespace admin may do. Deliberately not `*` on `*`: an admin with write access to ResourceQuota,
 * LimitRange or NetworkPolicy could lift the very limits the baseline sets, so those stay read-only (network
 * access opens through flows in platform.yaml). Role/RoleBinding writes are safe: the API server refuses to let
 * anyone grant more than they hold.
 */
export const NAMESPACE_ADMIN_RULES: k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'pods/attach', 'pods/exec', 'pods/log',
      'pods/portforward', 'secrets', 'serviceaccounts', 'services'],
    verbs: ['*'],
  },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'statefulsets', 'statefulsets/scale'], verbs: ['*'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['*'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['*'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['*'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['*'] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['*'] },
  { apiGroups: [''], resources: ['events', 'limitranges', 'resourcequotas'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'watch'] },
];

/** Read-only view: everything the admin sees, except Secrets' contents and exec/attach/port-forward. */
export const NAMESPACE_VIEWER_RULES: k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'pods/log',
      'resourcequotas', 'serviceaccounts', 'services'],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['get', 'list', 'watch'] },
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
