import { JsonSchema, bool, object } from '../config/schema-helpers';
import { ProblemList } from '../core/errors';

/** The `gitops:` section of platform.yaml (placeholder: the GitOps issue fills it in). */
export interface GitOpsConfig {
  readonly enabled: boolean;
}

export const gitopsSchema: JsonSchema = object({ enabled: bool('Deploy this part.', true) }, { default: {}, description: 'GitOps (placeholder).' });

/** Cross-field checks of the section, run after schema validation. */
export function checkGitOpsConfig(_config: { readonly gitops: GitOpsConfig }, _problems: ProblemList): void {}

/** Namespaces the section creates (they are managed: default-deny, flows write policies there). */
export function gitopsNamespaces(_config: { readonly gitops: GitOpsConfig }): string[] {
  return [];
}
