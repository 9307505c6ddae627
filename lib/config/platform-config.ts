import { PLATFORM_PARTS } from '../parts';
import { PlatformPart } from '../parts/platform-part';
import { clusterSchema } from './cluster';
import { JsonSchema } from './schema-helpers';

export type { PlatformConfig } from '../parts';

/**
 * platform.schema.json for a list of parts: `cluster` plus one property per part, by its key. Validation, defaults
 * and editor completion all come from this one object.
 */
export function platformSchemaOf(parts: readonly PlatformPart<any, any>[] = PLATFORM_PARTS): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://platform-kit.dev/platform.schema.json',
    title: 'Platform Kit platform.yaml',
    description: 'One typed description of a small self-managed Kubernetes platform. `npm run synth` turns it into dist/.',
    type: 'object',
    properties: { cluster: clusterSchema, ...Object.fromEntries(parts.map((p) => [p.key, p.schema])) },
    required: ['cluster', ...parts.filter((p) => p.required).map((p) => p.key)],
    additionalProperties: false,
  };
}

/** The schema of the default platform. */
export const platformSchema: JsonSchema = platformSchemaOf();
