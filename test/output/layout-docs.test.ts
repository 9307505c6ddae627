import * as fs from 'fs';
import * as path from 'path';
import { synthDefault, ROOT } from '../support/helpers';

/**
 * The documents say how to apply dist/ in the same words everywhere (docs/deploying.md, "Applying `dist/`: the
 * commands", is the one place that explains them), and every concrete dist/ file they name exists.
 */
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const text = (doc: string) => fs.readFileSync(path.join(ROOT, doc), 'utf8');

/** Every `kubectl apply|diff …` command of a document that reads dist/: inline code and lines of code blocks. */
function distCommands(doc: string): string[] {
  const commands: string[] = [];
  for (const line of text(doc).split('\n')) {
    const snippets = [...line.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
    for (const code of [...snippets, line.replace(/#.*$/, '')]) {
      for (const m of code.matchAll(/kubectl (?:apply|diff)\b[^`;|]*?-f dist[^\s`]*/g)) commands.push(m[0].trim());
    }
  }
  return [...new Set(commands)];
}

const ALLOWED = [
  /^kubectl (apply|diff) -f dist$/, // the quickstart (client-side)
  /^kubectl (apply|diff) --server-side --field-manager=platform-kit -f dist$/, // once objects grow
  /^kubectl apply -f dist\/needs-argocd\/10-bootstrap\.yaml$/, // Argo CD, once it is installed
  /^kubectl apply -f dist\/needs-gateway-api$/, // the Gateway and its routes, once the Gateway API CRDs are installed
  /^kubectl apply -f dist\/needs-velero$/, // Velero's custom resources, once 50-backup installed its CRDs
  /^kubectl apply -f dist\/needs-websites$/, // the Website objects, once 28-websites installed their CRD
  /^kubectl apply -f dist\/\d{2}-[a-z0-9-]+\.00-cluster-scoped\.yaml$/, // a unit's namespaces first (same form)
];
/** The form of the old layout, named only where the docs explain how to move from it. */
const OLD_LAYOUT = 'kubectl apply -R -f dist/platform';

describe('the documents apply dist/ in the same words', () => {
  test('every command that reads dist/ is one of the documented forms', () => {
    const all = DOCS.flatMap((doc) => distCommands(doc).map((command) => ({ doc, command })));
    expect(all.length).toBeGreaterThan(5);
    const others = all.filter(({ doc, command }) => !ALLOWED.some((re) => re.test(command)) && !(doc === 'docs/deploying.md' && command === OLD_LAYOUT));
    expect(others).toEqual([]);
  });

  test('both the quickstart and the server-side command are in the one place, and the README points there', () => {
    const deploying = text('docs/deploying.md');
    expect(deploying).toContain('## Applying `dist/`: the commands');
    expect(deploying).toContain('`kubectl apply -f dist`');
    expect(deploying).toContain('`kubectl apply --server-side --field-manager=platform-kit -f dist`');
    expect(text('README.md')).toContain('npm ci && npm run synth\nkubectl apply -f dist\n');
    expect(text('README.md')).toContain('docs/deploying.md#applying-dist-the-commands');
  });

  test('every concrete file of dist/ a document names exists in the default synth', () => {
    const files = new Set(synthDefault().files.map((f) => `dist/${f.path}`));
    const named = DOCS.flatMap((doc) => [...text(doc).matchAll(/dist\/(?:needs-[a-z0-9-]+\/)?\d{2}-[a-z0-9-]+(?:\.\d{2}-[a-z0-9-]+)?\.yaml/g)].map((m) => ({ doc, file: m[0] })));
    expect(named.length).toBeGreaterThan(3);
    // `40-app-old.10-old.yaml` is the example of a file that is gone
    expect(named.filter(({ file }) => !files.has(file) && file !== 'dist/40-app-old.10-old.yaml')).toEqual([]);
  });
});
