import { JsonSchema, bool, object } from '../config/schema-helpers';
import { ProblemList } from '../core/errors';

/** The `observability:` section of platform.yaml (placeholder: the Observability issue fills it in). */
export interface ObservabilityConfig {
  readonly enabled: boolean;
}

export const observabilitySchema: JsonSchema = object({ enabled: bool('Deploy this part.', true) }, { default: {}, description: 'Observability (placeholder).' });

/** Cross-field checks of the section, run after schema validation. */
export function checkObservabilityConfig(_config: { readonly observability: ObservabilityConfig }, _problems: ProblemList): void {}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function observabilityNamespaces(_config: { readonly observability: ObservabilityConfig }): string[] {
  return [];
}
