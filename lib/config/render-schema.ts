import { PlatformPart } from '../parts/platform-part';
import { platformSchemaOf } from './platform-config';

/**
 * platform.schema.json as committed: a test keeps the file equal to this, so the schema cannot drift.
 * Quantities may be YAML numbers (`cpu: 2`), which the loader turns into strings before it validates
 * (config/quantities.ts); the editors' copy says so, so an editor does not flag what synth accepts.
 */
export function renderConfigSchema(parts?: readonly PlatformPart<any, any>[]): string {
  const forEditors = (_key: string, value: unknown): unknown => {
    const node = value as Record<string, unknown> | null;
    return node !== null && typeof node === 'object' && node.format === 'quantity' && node.type === 'string' ? { ...node, type: ['string', 'number'] } : value;
  };
  return `${JSON.stringify(platformSchemaOf(parts), forEditors, 2)}\n`;
}
