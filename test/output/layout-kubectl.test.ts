import * as fs from 'fs';
import * as path from 'path';
import { KubernetesSchema } from '../../lib/checks/kubernetes-schema';
import { isClusterScoped } from '../../lib/output/layout';
import { writeOutput } from '../../lib/output/write';
import { synthDefault, tempDir } from '../support/helpers';
import { kubectlApplyFiles, kubectlApplySequence } from './layout-readers';

const schema = KubernetesSchema.forVersion('1.27.0');
const key = (m: any) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
/** `20-mysql.10-mysql.yaml` → `20-mysql`: the unit a top-level file belongs to. */
const unitOf = (file: string) => file.slice(0, file.indexOf('.'));

/** Writes files into a fresh directory, as the synth does. */
function writeTree(files: Array<{ path: string; content: string }>): string {
  const dir = path.join(tempDir(), 'dist');
  writeOutput(dir, files.map((f) => ({ ...f, objects: [] })));
  return dir;
}

/** A file of plain manifests, as the layout renders them. */
function yamlFile(p: string, ...manifests: any[]): { path: string; content: string } {
  return { path: p, content: manifests.map((m) => `---\n${JSON.stringify(m)}\n`).join('') };
}

/**
 * What a single in-order pass would trip over: an object before its Namespace, a PVC before its StorageClass, a
 * cluster-scoped object after a namespaced one of its unit, a unit's files split by another unit's, or units out
 * of order.
 */
function applyOrderProblems(sequence: ReadonlyArray<{ file: string; manifest: any }>): string[] {
  const storageClassesInOutput = new Set(sequence.filter((s) => s.manifest.kind === 'StorageClass').map((s) => s.manifest.metadata.name));
  const namespaces = new Set<string>();
  const storageClasses = new Set<string>();
  const unitsWithNamespaced = new Set<string>();
  const unitsSeen: string[] = [];
  const problems: string[] = [];
  for (const { file, manifest: m } of sequence) {
    const ref = `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name} (${file})`;
    const unit = unitOf(file);
    if (unitsSeen[unitsSeen.length - 1] !== unit) {
      if (unitsSeen.includes(unit)) problems.push(`${ref}: unit ${unit} is split by ${unitsSeen[unitsSeen.length - 1]}`);
      else if (unitsSeen.length > 0 && Number(unit.split('-')[0]) < Number(unitsSeen[unitsSeen.length - 1].split('-')[0])) problems.push(`${ref}: unit ${unit} comes after ${unitsSeen[unitsSeen.length - 1]}`);
      unitsSeen.push(unit);
    }
    if (isClusterScoped(m) && unitsWithNamespaced.has(unit)) problems.push(`${ref} is cluster-scoped but comes after namespaced objects of unit ${unit}`);
    if (!isClusterScoped(m)) unitsWithNamespaced.add(unit);
    if (!isClusterScoped(m) && !namespaces.has(m.metadata.namespace)) problems.push(`${ref} comes before Namespace ${m.metadata.namespace}`);
    const storageClass = m.kind === 'PersistentVolumeClaim' ? m.spec?.storageClassName : undefined;
    if (storageClass && storageClassesInOutput.has(storageClass) && !storageClasses.has(storageClass)) problems.push(`${ref} comes before StorageClass ${storageClass}`);
    if (m.kind === 'Namespace') namespaces.add(m.metadata.name);
    if (m.kind === 'StorageClass') storageClasses.add(m.metadata.name);
  }
  return problems;
}

describe('what `kubectl apply -f DIR` reads (model of kubectl)', () => {
  test('only manifest files directly in the folder, in byte order; folders and other files are skipped', () => {
    // GIVEN a folder with files of every kind kubectl meets, and a subfolder
    const dir = writeTree([
      { path: 'b.yaml', content: '' }, { path: 'a.yml', content: '' }, { path: 'C.json', content: '' },
      { path: 'notes.txt', content: '' }, { path: 'upper.YAML', content: '' }, { path: 'needs-x/d.yaml', content: '' },
    ]);
    // WHEN read as kubectl reads a directory without -R
    // THEN the subfolder, the .txt and the upper-case extension are ignored, and upper case sorts first
    expect(kubectlApplyFiles(dir)).toEqual(['C.json', 'a.yml', 'b.yaml']);
  });

  test('the order check catches every way a pass can go wrong', () => {
    // GIVEN a tree whose names put things in the wrong order
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const dir = writeTree([
      yamlFile('05-early.10-role.yaml', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'app' } }),
      yamlFile('10-app.00-cluster-scoped.yaml', ns('app')),
      yamlFile('10-app.10-data.yaml', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', namespace: 'app' }, spec: { storageClassName: 'nfs' } }),
      yamlFile('10-app.20-late.yaml', ns('late')),
      yamlFile('20-storage.00-cluster-scoped.yaml', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs' } }),
    ]);
    // WHEN checked
    const problems = applyOrderProblems(kubectlApplySequence(dir));
    // THEN each mistake is reported
    expect(problems).toEqual([
      'Role app/r (05-early.10-role.yaml) comes before Namespace app',
      'PersistentVolumeClaim app/d (10-app.10-data.yaml) comes before StorageClass nfs',
      'Namespace late (10-app.20-late.yaml) is cluster-scoped but comes after namespaced objects of unit 10-app',
    ]);
    // AND units out of order or split are caught too
    const split = [
      { file: '20-b.00-cluster-scoped.yaml', manifest: ns('b') },
      { file: '10-a.00-cluster-scoped.yaml', manifest: ns('a') },
      { file: '20-b.01-more.yaml', manifest: ns('b2') },
    ];
    expect(applyOrderProblems(split)).toEqual([
      'Namespace a (10-a.00-cluster-scoped.yaml): unit 10-a comes after 20-b',
      'Namespace b2 (20-b.01-more.yaml): unit 20-b is split by 10-a',
    ]);
  });
});

describe('`kubectl apply -f dist` on the default synth', () => {
  // GIVEN the default platform.yaml, synthesized and written as `npm run synth` writes it
  const result = synthDefault();
  const dir = writeTree(result.files);
  const synthesized = result.files.flatMap((f) => f.objects.map((o) => o.manifest));
  // WHEN read as `kubectl apply -f dist` reads it (no -R, exactly as typed)
  const sequence = kubectlApplySequence(dir);

  test('applies every object a vanilla cluster serves, each exactly once', () => {
    const vanilla = synthesized.filter((m) => schema.knows(m.apiVersion, m.kind)).map(key).sort();
    const applied = sequence.map(({ manifest }) => key(manifest)).sort();
    expect(applied.length).toBeGreaterThan(100);
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied).toEqual(vanilla);
  });

  test('applies no object that needs a CRD; those are all in needs-* folders', () => {
    // THEN nothing applied is a custom resource
    expect(sequence.filter(({ manifest: m }) => !schema.knows(m.apiVersion, m.kind)).map(({ file, manifest }) => `${key(manifest)} (${file})`)).toEqual([]);
    // AND every custom resource sits in a folder whose name says what it needs
    const custom = result.files.filter((f) => f.objects.some((o) => !schema.knows(o.manifest.apiVersion, o.manifest.kind)));
    expect(custom.length).toBeGreaterThan(0);
    for (const f of custom) expect(f.path).toMatch(/^needs-[a-z0-9-]+\/[^/]+\.yaml$/);
  });

  test('one pass in lexical order is the dependency order', () => {
    // THEN Namespaces before their objects, StorageClasses before claims, cluster-scoped first per unit, units in order
    expect(applyOrderProblems(sequence)).toEqual([]);
    // AND the units come in the numbered order: tenancy, MySQL, the Gateway's namespace, the websites (CRD and
    // controller), observability, apps, backups
    const units = [...new Set(sequence.map(({ file }) => unitOf(file)))];
    expect(units).toEqual(['10-tenancy', '20-mysql', '25-gateway', '28-websites', '30-observability', '40-app-helloworld', '50-backup']);
  });

  test('every top-level file is `NN-unit.NN-component.yaml`, a unit\'s cluster-scoped file first', () => {
    const files = kubectlApplyFiles(dir);
    expect(files).toEqual(result.files.map((f) => f.path).filter((p) => !p.includes('/') && /\.(ya?ml|json)$/.test(p)).sort());
    for (const f of files) expect(f).toMatch(/^\d{2}-[a-z0-9-]+\.\d{2,}-[a-z0-9-]+\.yaml$/);
    for (const unit of new Set(files.map(unitOf))) {
      const own = files.filter((f) => unitOf(f) === unit);
      if (own.includes(`${unit}.00-cluster-scoped.yaml`)) expect(own[0]).toBe(`${unit}.00-cluster-scoped.yaml`);
    }
    // AND the only folders are needs-* folders and host/ (node-side files), both skipped by a non-recursive apply
    expect(fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()).toEqual(['host', 'needs-argocd', 'needs-gateway-api', 'needs-websites']);
  });
});
