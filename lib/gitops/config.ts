import { bool, JsonSchema, object, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import { credentialProblem } from '../core/validate';
import type { GitOpsConfig } from './config.generated';

// The section's type is generated from gitopsSchema (`npm run schema`).
export type { GitOpsConfig } from './config.generated';

/**
 * The default repoURL. `.invalid` is reserved (RFC 2606) and never resolves, so an Argo CD left pointing at it
 * fails loudly ("no such host") instead of syncing someone else's repository. dist/ still synthesizes, because the
 * kubectl path does not need a repository; the root Application carries a warning in `spec.info`.
 */
export const PLACEHOLDER_REPO_URL = 'https://git.example.invalid/platform-kit.git';

export const GITOPS_DEFAULTS = {
  enabled: true,
  repoURL: PLACEHOLDER_REPO_URL,
  targetRevision: 'main',
  path: 'dist',
  namespace: 'argocd',
  project: 'platform-kit',
} as const;

const d = GITOPS_DEFAULTS;

export const gitopsSchema: JsonSchema = object(
  {
    enabled: bool('Synthesize dist/needs-argocd (AppProject, root and child Applications).', d.enabled),
    repoURL: str(`Git repository Argo CD reads dist/ from. The default is a placeholder (${d.repoURL}): change it.`, { format: 'url', default: d.repoURL }),
    targetRevision: str('Branch, tag or commit Argo CD syncs.', { default: d.targetRevision }),
    path: str('Folder of dist/ inside the repository ("." when dist/ is the repository root).', { default: d.path }),
    namespace: str('Namespace Argo CD is installed in (its Applications and AppProjects live there).', { format: 'dns-label', default: d.namespace }),
    project: str('Name of the AppProject and of the root Application; child Applications are named <project>-<unit>.', { format: 'dns-label', default: d.project }),
  },
  { default: {}, description: 'Argo CD app-of-apps synthesized into dist/needs-argocd (`kubectl apply -f dist` skips it).' },
);

/** Where repository credentials belong instead of the URL (the loader and the constructs give the same fix). */
export const REPO_CREDENTIAL_FIX = 'give the URL without credentials and let Argo CD read them from its own repository Secret (`argocd repo add`).';

/** `dist`, `deploy/dist`, `.`: relative, no `..`, no leading or trailing `/`. */
const REPO_PATH = /^(\.|[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)$/;

/** Cross-field checks of the section, run after schema validation. */
export function checkGitOpsConfig(config: { readonly gitops: GitOpsConfig; readonly tenants?: readonly { readonly name: string }[] }, problems: ProblemList): void {
  const g = config.gitops;
  const credential = credentialProblem(g.repoURL, 'gitops.repoURL', REPO_CREDENTIAL_FIX);
  if (credential !== undefined) problems.add(credential);
  if (!REPO_PATH.test(g.path) || g.path.split('/').includes('..')) {
    problems.add(`gitops.path: ${show(g.path)} is not a folder inside the repository; write it relative to the repository root without "..", leading or trailing "/" (example: "dist", or "." when dist/ is the root).`);
  }
  if (g.targetRevision.trim() === '' || /\s/.test(g.targetRevision)) {
    problems.add(`gitops.targetRevision: ${show(g.targetRevision)} is not a branch, tag or commit; use e.g. "main" or "v1.2.0".`);
  }
  if (g.project.length > 40) {
    problems.add(`gitops.project: ${show(g.project)} is longer than 40 characters; child Applications are named <project>-<unit> — shorten it.`);
  }
  (config.tenants ?? []).forEach((t, i) => {
    if (t.name === g.namespace) {
      problems.add(`tenants[${i}].name: ${show(t.name)} is the Argo CD namespace (gitops.namespace); choose another tenant name.`);
    }
  });
}

/** Argo CD's namespace belongs to the Argo CD install, not to Platform Kit: the section creates no namespace. */
export function gitopsNamespaces(_config: { readonly gitops: GitOpsConfig }): string[] {
  return [];
}

/** Lines for the synth report: a placeholder repoURL is legal, but an Argo CD user must change it. */
export function gitopsWarnings(config: { readonly gitops: GitOpsConfig }): string[] {
  const g = config.gitops;
  return g.enabled && g.repoURL === PLACEHOLDER_REPO_URL
    ? [`warning: gitops.repoURL is the placeholder ${PLACEHOLDER_REPO_URL}; set it in platform.yaml before applying dist/needs-argocd (\`kubectl apply -f dist\` does not need it).`]
    : [];
}
