import { Document, isScalar } from 'yaml';
import { isQuantity } from '../core/quantity';
import { JsonSchema } from './schema-helpers';
import { PathKey } from './source-lines';

/**
 * Kubernetes takes a quantity as a JSON number too (`cpu: 2`, `memory: 1073741824`), so platform.yaml does: before
 * validation every YAML number where the schema expects a quantity becomes the string quantity the rest of
 * Platform Kit works with. The number's own text is kept when it is a quantity (a large integer keeps every digit);
 * `.inf`, `.nan` and other non-quantities stay numbers and are refused by the schema with the usual message.
 */
export function quantitiesAsStrings(schema: JsonSchema, value: unknown, doc: Document, path: PathKey[] = []): unknown {
  if (typeof value === 'number' && schema.format === 'quantity') {
    const node = doc.getIn(path, true);
    const source = isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
    if (source !== undefined && isQuantity(source)) return source;
    const text = String(value);
    return Number.isFinite(value) && isQuantity(text) ? text : value;
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object') {
    return value.map((item, i) => quantitiesAsStrings(schema.items as JsonSchema, item, doc, [...path, i]));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const rest = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as JsonSchema) : undefined;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childSchema = Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : rest;
      out[key] = childSchema ? quantitiesAsStrings(childSchema, child, doc, [...path, key]) : child;
    }
    return out;
  }
  return value;
}
