import { JsonSchema, bool, object } from '../config/schema-helpers';
import { ProblemList } from '../core/errors';

/** The `apps:` section of platform.yaml (placeholder: the Apps issue fills it in). */
export interface AppsConfig {
  readonly enabled: boolean;
}

export const appsSchema: JsonSchema = object({ enabled: bool('Deploy this part.', true) }, { default: {}, description: 'Apps (placeholder).' });

/** Cross-field checks of the section, run after schema validation. */
export function checkAppsConfig(_config: { readonly apps: AppsConfig }, _problems: ProblemList): void {}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function appsNamespaces(_config: { readonly apps: AppsConfig }): string[] {
  return [];
}
