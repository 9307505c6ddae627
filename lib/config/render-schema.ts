import { platformSchema } from './platform-config';

/** platform.schema.json as committed: a test keeps the file equal to this, so the schema cannot drift. */
export function renderConfigSchema(): string {
  return `${JSON.stringify(platformSchema, null, 2)}\n`;
}
