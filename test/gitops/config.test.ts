import { parseConfig } from '../../lib/config/load';
import { UserError } from '../../lib/core/errors';
import { GITOPS_DEFAULTS, gitopsWarnings, PLACEHOLDER_REPO_URL } from '../../lib/gitops/config';
import { MINIMAL_CLUSTER } from '../support/helpers';

/** The minimal cluster plus the tenant the other sections' defaults refer to (e.g. the MySQL client allow-list). */
const BASE = `${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n`;

function problemsOf(yaml: string): string {
  try {
    parseConfig(yaml);
  } catch (e) {
    if (e instanceof UserError) return e.problems.join('\n');
    throw e;
  }
  throw new Error('expected the config to be refused');
}

describe('gitops: section', () => {
  test('defaults: on, placeholder repository, main, dist, argocd, project platform-kit', () => {
    // GIVEN no gitops: section WHEN parsed
    const { gitops } = parseConfig(BASE);
    // THEN every documented default is filled in
    expect(gitops).toEqual({
      enabled: true,
      repoURL: 'https://git.example.invalid/platform-kit.git',
      targetRevision: 'main',
      path: 'dist',
      namespace: 'argocd',
      project: 'platform-kit',
    });
    expect(gitops).toEqual(GITOPS_DEFAULTS);
  });

  test('the placeholder repository is allowed but produces a warning; a real one does not', () => {
    // GIVEN the placeholder, then a real repository
    const placeholder = parseConfig(BASE);
    const real = parseConfig(`${BASE}gitops:\n  repoURL: git@git.lab.example:ops/platform.git\n`);
    // THEN only the placeholder warns, naming the key to change
    expect(gitopsWarnings(placeholder)).toEqual([expect.stringContaining(`gitops.repoURL is the placeholder ${PLACEHOLDER_REPO_URL}`)]);
    expect(gitopsWarnings(real)).toEqual([]);
    // AND a disabled section never warns
    expect(gitopsWarnings(parseConfig(`${BASE}gitops:\n  enabled: false\n`))).toEqual([]);
  });

  test('"." is a valid path (dist/ is the repository root)', () => {
    // GIVEN path "." WHEN parsed THEN it is accepted
    expect(parseConfig(`${BASE}gitops:\n  path: "."\n`).gitops.path).toBe('.');
  });

  const CASES: Array<[string, string, RegExp]> = [
    ['a repository that is not a URL', 'gitops:\n  repoURL: my-repo\n', /gitops\.repoURL: "my-repo" is not a URL \(examples: "https:\/\/git\.lab\.example\/platform\.git"/],
    ['an absolute path', 'gitops:\n  path: /dist\n', /gitops\.path: "\/dist" is not a folder inside the repository; write it relative/],
    ['a path leaving the repository', 'gitops:\n  path: ../dist\n', /gitops\.path: "\.\.\/dist" is not a folder inside the repository/],
    ['a revision with spaces', 'gitops:\n  targetRevision: "my branch"\n', /gitops\.targetRevision: "my branch" is not a branch, tag or commit/],
    ['a namespace that is not a DNS label', 'gitops:\n  namespace: Argo_CD\n', /gitops\.namespace: "Argo_CD" is not a DNS label/],
    ['a tenant in the Argo CD namespace', '  - name: argocd\n', /tenants\[1\]\.name: "argocd" is the Argo CD namespace \(gitops\.namespace\); choose another tenant name/],
    ['a misspelt key', 'gitops:\n  repoUrl: https://git.lab.example/p.git\n', /gitops\.repoUrl: unknown key "repoUrl"; did you mean "repoURL"\?/],
  ];

  test.each(CASES)('refuses %s', (_label, section, message) => {
    // GIVEN a bad gitops: section WHEN parsed THEN the problem names the key, the value and the fix
    expect(problemsOf(`${BASE}${section}`)).toMatch(message);
  });
});
