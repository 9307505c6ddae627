import * as fs from 'fs';
import * as path from 'path';
import { KubernetesSchema } from '../../lib/checks/kubernetes-schema';
import { parseConfig } from '../../lib/config/load';
import { isClusterScoped, OutputFile } from '../../lib/output/layout';
import { synthesize } from '../../lib/pipeline/synthesize';
import { ROOT } from '../support/helpers';

/**
 * `kubectl apply -R -f dist/platform` walks the tree like Go's filepath.Walk: each directory's entries sorted by
 * name (byte order), depth first; objects in a file in document order; each object applied before the next is
 * read. Comparing paths segment by segment gives exactly that order (comparing whole strings does not: "-" sorts
 * before "/", so `10-a-b/x` would come before `10-a/x`).
 */
function kubectlOrder(paths: readonly string[]): string[] {
  const bytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...paths].sort((a, b) => {
    const x = a.split('/');
    const y = b.split('/');
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return bytes(x[i], y[i]);
    }
    return x.length - y.length;
  });
}

/** Objects under `platform/`, in the order one `kubectl apply -R -f dist/platform` applies them. */
function applySequence(files: readonly Pick<OutputFile, 'path' | 'objects'>[]): Array<{ file: string; manifest: any }> {
  const platform = files.filter((f) => f.path.startsWith('platform/'));
  const byPath = new Map(platform.map((f) => [f.path, f]));
  return kubectlOrder(platform.map((f) => f.path)).flatMap((p) => byPath.get(p)!.objects.map((o) => ({ file: p, manifest: o.manifest })));
}

/** What a single in-order pass would trip over: an object before its Namespace, a PVC before its StorageClass. */
function applyOrderProblems(files: readonly Pick<OutputFile, 'path' | 'objects'>[]): string[] {
  const sequence = applySequence(files);
  const storageClassesInOutput = new Set(sequence.filter((s) => s.manifest.kind === 'StorageClass').map((s) => s.manifest.metadata.name));
  const namespaces = new Set<string>();
  const storageClasses = new Set<string>();
  const problems: string[] = [];
  for (const { file, manifest: m } of sequence) {
    const ref = `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name} (${file})`;
    if (!isClusterScoped(m) && !namespaces.has(m.metadata.namespace)) problems.push(`${ref} comes before Namespace ${m.metadata.namespace}`);
    const storageClass = m.kind === 'PersistentVolumeClaim' ? m.spec?.storageClassName : undefined;
    if (storageClass && storageClassesInOutput.has(storageClass) && !storageClasses.has(storageClass)) problems.push(`${ref} comes before StorageClass ${storageClass}`);
    if (m.kind === 'Namespace') namespaces.add(m.metadata.name);
    if (m.kind === 'StorageClass') storageClasses.add(m.metadata.name);
  }
  return problems;
}

/** A file of plain manifests, as the layout writes them. */
function file(p: string, ...manifests: any[]): Pick<OutputFile, 'path' | 'objects'> {
  return { path: p, objects: manifests.map((manifest) => ({ manifest })) as any };
}

describe('apply order of dist/platform', () => {
  const result = synthesize(parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8')));

  test('kubectl order is per path segment, not per string', () => {
    // GIVEN two folders where one name is a prefix of the other WHEN ordered
    const order = kubectlOrder(['platform/10-a-b/x.yaml', 'platform/10-a/x.yaml', 'platform/10-a/00-c.yaml']);
    // THEN the shorter folder is walked first, and its files by name
    expect(order).toEqual(['platform/10-a/00-c.yaml', 'platform/10-a/x.yaml', 'platform/10-a-b/x.yaml']);
  });

  test('the check catches an object before its Namespace and a PVC before its StorageClass', () => {
    // GIVEN a tree whose names put things in the wrong order
    const files = [
      file('platform/10-app/00-cluster-scoped.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } }),
      file('platform/05-early/10-role.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'app' } }),
      file('platform/10-app/10-data.yaml', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', namespace: 'app' }, spec: { storageClassName: 'nfs' } }),
      file('platform/20-storage/00-cluster-scoped.yaml', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs' } }),
    ];
    // WHEN checked THEN both are reported
    expect(applyOrderProblems(files)).toEqual([
      'Role app/r (platform/05-early/10-role.yaml) comes before Namespace app',
      'PersistentVolumeClaim app/d (platform/10-app/10-data.yaml) comes before StorageClass nfs',
    ]);
  });

  test('in the default synth, no namespaced object precedes its Namespace and no PVC its StorageClass', () => {
    // GIVEN the default platform.yaml, synthesized WHEN walked as kubectl walks dist/platform
    const sequence = applySequence(result.files);
    // THEN there is something to apply, and one pass succeeds in order
    expect(sequence.length).toBeGreaterThan(10);
    expect(applyOrderProblems(result.files)).toEqual([]);
  });

  test('each unit folder starts with its cluster-scoped file and numbers its files', () => {
    // GIVEN the files of dist/platform
    const folders = new Map<string, string[]>();
    for (const f of result.files.filter((x) => x.path.startsWith('platform/'))) {
      const dir = path.posix.dirname(f.path);
      folders.set(dir, [...(folders.get(dir) ?? []), path.posix.basename(f.path)]);
    }
    // THEN folders are `NN-name` and files `NN-name.yaml`, and a cluster-scoped file sorts first
    for (const [dir, names] of folders) {
      expect(path.posix.basename(dir)).toMatch(/^\d{2}-[a-z0-9-]+$/);
      for (const name of names) expect(name).toMatch(/^\d{2,}-[a-z0-9-]+\.yaml$/);
      const ordered = kubectlOrder(names);
      if (names.includes('00-cluster-scoped.yaml')) expect(ordered[0]).toBe('00-cluster-scoped.yaml');
    }
  });

  test('nothing under platform/ needs a CRD, so a vanilla cluster accepts it; Argo CD objects live in argocd/', () => {
    // GIVEN the Kubernetes 1.27 schema
    const schema = KubernetesSchema.forVersion('1.27.0');
    // THEN every object under platform/ is a built-in kind, and every argoproj.io object is outside platform/
    const needCrd = applySequence(result.files).filter(({ manifest: m }) => !schema.knows(m.apiVersion, m.kind)).map(({ file: f, manifest: m }) => `${m.apiVersion} ${m.kind} (${f})`);
    expect(needCrd).toEqual([]);
    const argo = result.files.filter((f) => f.objects.some((o) => String(o.manifest.apiVersion).startsWith('argoproj.io/')));
    expect(argo.map((f) => f.path.split('/')[0])).toEqual(argo.map(() => 'argocd'));
    expect(argo.length).toBeGreaterThan(0);
  });
});
