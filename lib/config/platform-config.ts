import { AppsConfig, appsSchema } from '../apps/config';
import { GitOpsConfig, gitopsSchema } from '../gitops/config';
import { MySqlConfig, mysqlSchema } from '../mysql/config';
import { ObservabilityConfig, observabilitySchema } from '../observability/config';
import { TenantConfig, tenantsSchema } from '../tenancy/config';
import { ClusterConfig, clusterSchema } from './cluster';
import { JsonSchema } from './schema-helpers';

/** The whole typed description of the platform, after validation and defaults. */
export interface PlatformConfig {
  readonly cluster: ClusterConfig;
  readonly tenants: readonly TenantConfig[];
  readonly mysql: MySqlConfig;
  readonly observability: ObservabilityConfig;
  readonly apps: AppsConfig;
  readonly gitops: GitOpsConfig;
}

/** platform.schema.json: validation, defaults and editor completion come from this one object. */
export const platformSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://platform-kit.dev/platform.schema.json',
  title: 'Platform Kit platform.yaml',
  description: 'One typed description of a small self-managed Kubernetes platform. `npm run synth` turns it into dist/.',
  type: 'object',
  properties: {
    cluster: clusterSchema,
    tenants: tenantsSchema,
    mysql: mysqlSchema,
    observability: observabilitySchema,
    apps: appsSchema,
    gitops: gitopsSchema,
  },
  required: ['cluster'],
  additionalProperties: false,
};
