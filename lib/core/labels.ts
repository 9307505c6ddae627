/**
 * The two label sets (see STYLE.md §7). Common labels go on every object; selector labels are the small,
 * version-free subset used in immutable selectors (Deployment/StatefulSet `spec.selector`) and in policies.
 */
export const PART_OF = 'platform-kit';
export const MANAGED_BY = 'platform-kit';

export interface WorkloadIdentity {
  /** `app.kubernetes.io/name`: what it is (`mysql`, `loki`, `tenancy`). */
  readonly name: string;
  /** `app.kubernetes.io/instance`: which one (`mysql`, `dwayne`). @default - same as name */
  readonly instance?: string;
  /** `app.kubernetes.io/component`: its role in the architecture (`database`, `namespace-baseline`). */
  readonly component: string;
  /** `app.kubernetes.io/version`: the version of the software, when there is one. @default - no version label */
  readonly version?: string;
}

export function selectorLabels(id: WorkloadIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance ?? id.name,
  };
}

export function commonLabels(id: WorkloadIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    'app.kubernetes.io/component': id.component,
    ...(id.version !== undefined ? { 'app.kubernetes.io/version': id.version } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Pods with this label receive traffic from the ingress controller (the tenancy baseline's ingress flow). */
export const EXPOSED_LABEL = 'platform-kit.io/exposed';

/**
 * Labels for places Kubernetes never lets change (StatefulSet volumeClaimTemplates, selectors): the version label
 * is dropped, or the next upgrade would be refused by the API server.
 */
export function withoutVersion(labels: Record<string, string>): Record<string, string> {
  const { 'app.kubernetes.io/version': _version, ...rest } = labels;
  return rest;
}
