import * as fs from 'fs';
import * as path from 'path';
import { EXIT_PLAN_CHANGES, runCli } from '../../lib/cli';
import { deleteCommand, fieldDiff, planChanges } from '../../lib/output/plan';
import { MINIMAL_CLUSTER, synthDefault, tempDir, treeHash } from '../support/helpers';

const config = (tenants: string, gitops = 'gitops: { enabled: false }') =>
  `${MINIMAL_CLUSTER}tenants:\n${tenants}mysql: { enabled: false }\nobservability: { enabled: false }\n${gitops}\n`;

function run(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.env = saved;
  }
}

function setup(tenants = '  - name: team-a\n  - name: team-b\n'): { dir: string; file: string; out: string } {
  const dir = tempDir();
  const file = path.join(dir, 'platform.yaml');
  fs.writeFileSync(file, config(tenants));
  return { dir, file, out: path.join(dir, 'dist') };
}

describe('npm run synth -- --plan', () => {
  test('with no output yet, every object is to be added, exit 3, and nothing is written', () => {
    const { dir, file, out } = setup();
    const before = treeHash(dir);
    const result = run(['--config', file, '--out', out, '--plan']);
    expect(result.code).toBe(EXIT_PLAN_CHANGES);
    expect(result.out).toMatch(/\n10-tenancy\n {2}\+ Namespace team-a\n/);
    expect(result.out).toMatch(/\d+ to add, 0 to change, 0 to remove/);
    expect(Number(/(\d+) to add/.exec(result.out)![1])).toBe((result.out.match(/^ {2}\+ /gm) ?? []).length);
    expect(treeHash(dir)).toBe(before);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('right after a synth there is nothing to do: exit 0', () => {
    const { file, out } = setup();
    expect(run(['--config', file, '--out', out]).code).toBe(0);
    const result = run(['--config', file, '--out', out, '--plan']);
    expect(result).toEqual({ code: 0, out: expect.stringMatching(/Plan: no changes/), err: '' });
  });

  test('a changed field is shown as old → new; a removed tenant lists the exact kubectl delete commands', () => {
    const { file, out } = setup();
    run(['--config', file, '--out', out]);
    fs.writeFileSync(file, config('  - name: team-a\n    quota: { cpu: "2" }\n'));
    const before = treeHash(out);
    const result = run(['--config', file, '--out', out, '--plan']);
    expect(result.code).toBe(EXIT_PLAN_CHANGES);
    expect(result.out).toMatch(/ {2}~ ResourceQuota team-a\/tenant-quota\n {6}spec\.hard\.requests\.cpu: "1" → "2"/);
    expect(result.out).toMatch(/ {2}- Namespace team-b\n {6}kubectl delete namespace\/team-b\n/);
    expect(result.out).toMatch(/ {2}- ResourceQuota team-b\/tenant-quota\n {6}kubectl delete -n team-b resourcequota\/tenant-quota\n/);
    expect(result.out).toMatch(/- Role team-b\/namespace-admin\n {6}kubectl delete -n team-b role\.rbac\.authorization\.k8s\.io\/namespace-admin/);
    expect(result.out).toMatch(/Removed objects stay in the cluster on the kubectl path/);
    expect(result.out).not.toMatch(/Argo CD deletes them/); // gitops is off in this config
    expect(treeHash(out)).toBe(before);
  });

  test('with Argo CD on, the plan says that Argo CD prunes removed objects', () => {
    const { file, out } = setup();
    fs.writeFileSync(file, config('  - name: team-a\n  - name: team-b\n', 'gitops: { repoURL: "https://git.lab.example/p.git" }'));
    run(['--config', file, '--out', out]);
    fs.writeFileSync(file, config('  - name: team-a\n', 'gitops: { repoURL: "https://git.lab.example/p.git" }'));
    expect(run(['--config', file, '--out', out, '--plan']).out).toMatch(/Argo CD deletes them itself \(automated prune\) when it syncs the commit/);
  });

  test('--plan refuses the same directories synth refuses, and touches nothing', () => {
    const { dir, file } = setup();
    const before = treeHash(dir);
    const result = run(['--config', file, '--out', dir, '--plan']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/refusing to write the output.*\n.*it holds the config file/);
    expect(treeHash(dir)).toBe(before);
  });
});

describe('npm run synth -- --check', () => {
  test('runs every check and writes nothing', () => {
    const { dir, file, out } = setup();
    const result = run(['--config', file, '--out', out, '--check']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Capacity \(requests;[\s\S]*check passed: 22 objects from .* pass every check; nothing was written/);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('a config problem fails the check with exit 1', () => {
    const { file, out } = setup('  - name: Team_A\n');
    const result = run(['--config', file, '--out', out, '--check']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Team_A/);
  });
});

describe('PLATFORM_KIT_TIMINGS', () => {
  test('json prints one line with every phase, the total and the peak memory', () => {
    const { file, out } = setup();
    const result = run(['--config', file, '--out', out], { PLATFORM_KIT_TIMINGS: 'json' });
    const line = result.err.split('\n').find((l) => l.startsWith('platform-kit-timings '));
    const data = JSON.parse(line!.slice('platform-kit-timings '.length));
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['start', 'load', 'build', 'checks', 'render', 'write', 'total', 'peakRssMiB']));
    expect(data.total).toBeGreaterThanOrEqual(data.build);
  });

  test('is silent when unset', () => {
    const { file, out } = setup();
    expect(run(['--config', file, '--out', out], { PLATFORM_KIT_TIMINGS: '' }).err).toBe('');
  });
});

describe('planChanges and its parts', () => {
  const yaml = (body: string) => `# header\n---\n${body}`;

  test('an object that moves to another unit is a change noted as a move, not a removal', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: n }\n';
    const plan = planChanges([{ path: '10-a.10-x.yaml', content: yaml(cm) }], [{ path: '20-b.10-x.yaml', content: yaml(cm) }]);
    expect(plan.changes).toEqual([{ unit: '20-b', change: 'change', object: 'ConfigMap n/c', details: [], movedFrom: '10-a' }]);
    expect(plan.changedFiles).toEqual(['10-a.10-x.yaml', '20-b.10-x.yaml']);
  });

  test('a file that changes only in comments is a change of files, not of objects', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n';
    const plan = planChanges([{ path: 'u/a.yaml', content: `# old\n---\n${cm}` }], [{ path: 'u/a.yaml', content: `# new\n---\n${cm}` }]);
    expect(plan).toEqual({ changes: [], changedFiles: ['u/a.yaml'], hasChanges: true });
  });

  test('fieldDiff matches list items by name, and cuts long lists of differences', () => {
    const before = { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] };
    const after = { containers: [{ name: 'b', image: 'y:2' }, { name: 'a', image: 'x:1' }] };
    expect(fieldDiff(before, after)).toEqual(['containers[b].image: "y:1" → "y:2"']);
    const many = fieldDiff({}, Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])));
    expect(many).toHaveLength(6);
    expect(many[5]).toBe('… and 5 more fields');
  });

  test('upgrading from the release that gave platform namespaces tenant names lists exactly the stale pair of each (docs/deploying.md)', () => {
    // GIVEN the default dist/ as that release wrote it: platform namespaces' quota and limits named like a tenant's
    const next = synthDefault().files.map((f) => ({ path: f.path, content: f.content }));
    // (the websites unit came later, with the new names: it never had the old ones)
    const previous = next.map((f) => (f.path.startsWith('10-tenancy.') || f.path.startsWith('28-websites.') ? f : {
      path: f.path, content: f.content.replace(/name: namespace-quota/g, 'name: tenant-quota').replace(/name: namespace-limits/g, 'name: tenant-limits'),
    }));
    // WHEN planned THEN each platform namespace's tenant-quota and tenant-limits are removals with their delete command
    const removals = planChanges(previous, next).changes.filter((c) => c.change === 'remove');
    const namespaces = ['mysql', 'gateway', 'logging', 'monitoring', 'node-agents', 'backup'];
    expect(removals.flatMap((c) => c.details).sort()).toEqual(namespaces.flatMap((ns) => [
      `kubectl delete -n ${ns} limitrange/tenant-limits`, `kubectl delete -n ${ns} resourcequota/tenant-quota`,
    ]).sort());
  });

  test('deleteCommand names the API group, and no namespace for cluster-scoped objects', () => {
    expect(deleteCommand({ kind: 'StorageClass', group: 'storage.k8s.io', name: 'nfs' })).toBe('kubectl delete storageclass.storage.k8s.io/nfs');
    expect(deleteCommand({ kind: 'Application', group: 'argoproj.io', namespace: 'argocd', name: 'x' })).toBe('kubectl delete -n argocd application.argoproj.io/x');
  });
});
