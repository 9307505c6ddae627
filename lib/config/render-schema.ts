import { PlatformPart } from '../parts/platform-part';
import { platformSchemaOf } from './platform-config';

/** platform.schema.json as committed: a test keeps the file equal to this, so the schema cannot drift. */
export function renderConfigSchema(parts?: readonly PlatformPart<any, any>[]): string {
  return `${JSON.stringify(platformSchemaOf(parts), null, 2)}\n`;
}
