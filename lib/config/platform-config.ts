import { TenantConfig, tenantsSchema } from '../tenancy/config';
import { ClusterConfig, clusterSchema } from './cluster';
import { JsonSchema } from './schema-helpers';

/** The whole typed description of the platform, after validation and defaults. */
export interface PlatformConfig {
  readonly cluster: ClusterConfig;
  readonly tenants: readonly TenantConfig[];
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
  },
  required: ['cluster'],
  additionalProperties: false,
};
