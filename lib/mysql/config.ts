import { JsonSchema, bool, object } from '../config/schema-helpers';
import { ProblemList } from '../core/errors';

/** The `mysql:` section of platform.yaml (placeholder: the MySql issue fills it in). */
export interface MySqlConfig {
  readonly enabled: boolean;
}

export const mysqlSchema: JsonSchema = object({ enabled: bool('Deploy this part.', true) }, { default: {}, description: 'MySql (placeholder).' });

/** Cross-field checks of the section, run after schema validation. */
export function checkMySqlConfig(_config: { readonly mysql: MySqlConfig }, _problems: ProblemList): void {}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function mysqlNamespaces(_config: { readonly mysql: MySqlConfig }): string[] {
  return [];
}
