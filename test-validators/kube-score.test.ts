import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { runTool, vanillaFiles } from './support/run';

// kube-score, a second opinion on dist/ (its checks overlap ours: probes, resources, security context, network
// policies, disruption budgets). Every finding is either fixed in the project or listed, with its reason, in
// kube-score-ignored.yaml; an entry that no longer matches a finding is stale and fails too.
interface Ignored {
  readonly check: string;
  /** "Kind/namespace/name"; `*` matches any run of characters. */
  readonly object: string;
  readonly reason: string;
}

interface Finding {
  readonly check: string;
  readonly object: string;
  readonly summary: string;
}

const IGNORE_FILE = path.join(__dirname, 'kube-score-ignored.yaml');

function findings(): Finding[] {
  const r = runTool('kube-score', ['score', '--kubernetes-version', 'v1.27', '--output-format', 'json', ...vanillaFiles()]);
  // kube-score exits 1 when it grades anything critical; the JSON is the verdict, judged below.
  expect([0, 1]).toContain(r.status);
  const scored: Array<{ type_meta: { kind: string }; object_meta: { name: string; namespace?: string }; checks: Array<{ check: { id: string }; grade: number; skipped: boolean; comments: Array<{ summary: string; path: string }> | null }> }> = JSON.parse(r.output.slice(r.output.indexOf('[')));
  return scored.flatMap((o) => o.checks
    .filter((c) => !c.skipped && c.grade < 10)
    .map((c) => ({
      check: c.check.id,
      object: `${o.type_meta.kind}/${o.object_meta.namespace ?? ''}/${o.object_meta.name}`,
      summary: (c.comments ?? []).map((x) => `${x.path ? `${x.path}: ` : ''}${x.summary}`).join('; '),
    })));
}

describe('kube-score on the vanilla manifests of dist/', () => {
  const ignored: Ignored[] = parse(fs.readFileSync(IGNORE_FILE, 'utf8')).ignored;
  const pattern = (object: string): RegExp => new RegExp(`^${object.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  const matches = (i: Ignored, f: Finding): boolean => i.check === f.check && pattern(i.object).test(f.object);
  const all = findings();

  test('every ignored finding has a reason', () => {
    for (const i of ignored) expect(i.reason.trim().length).toBeGreaterThan(20);
  });

  test('finds nothing that is neither fixed nor ignored with a reason', () => {
    const open = all.filter((f) => !ignored.some((i) => matches(i, f)));
    expect(open.map((f) => `${f.check} ${f.object}: ${f.summary}`)).toEqual([]);
  });

  test('no ignore entry is stale', () => {
    expect(ignored.filter((i) => !all.some((f) => matches(i, f))).map((i) => `${i.check} ${i.object}`)).toEqual([]);
  });
});
