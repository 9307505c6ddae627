import { Construct } from 'constructs';
import { NamespaceBaseline, NamespaceBaselineProps } from './namespace-baseline';

// Kept importable from here: TypeScript users composing a TenantNamespace import them beside it.
export type { DnsSettings, PodSecuritySettings } from './namespace-baseline';

/** ResourceQuota and LimitRange names of every tenant namespace; clusters applied before the baseline split keep them. */
export const TENANT_QUOTA_NAME = 'tenant-quota';
export const TENANT_LIMITS_NAME = 'tenant-limits';

/** A tenant namespace: the {@link NamespaceBaselineProps} but those fixed by being a tenant (owner, object names). */
export interface TenantNamespaceProps extends Omit<NamespaceBaselineProps, 'part' | 'resourceQuotaName' | 'limitRangeName'> {}

/**
 * One tenant's namespace (a `tenants:` entry): the {@link NamespaceBaseline} owned by tenancy. Its objects carry
 * `app.kubernetes.io/name: tenancy` (instance = the namespace), and its ResourceQuota and LimitRange are
 * `tenant-quota` and `tenant-limits`. The platform's own namespaces use NamespaceBaseline with their part's name.
 */
export class TenantNamespace extends NamespaceBaseline {
  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id, { ...props, part: 'tenancy', resourceQuotaName: TENANT_QUOTA_NAME, limitRangeName: TENANT_LIMITS_NAME });
  }
}
