import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { parseConfig } from '../../lib/config/load';
import { PlatformConfig } from '../../lib/config/platform-config';
import { RESOURCES_FINALIZER, SYNC_OPTIONS, SYNC_WAVE } from '../../lib/gitops/argo-application';
import { checkCustomResources } from '../../lib/checks/custom-resource-schema';
import { SERVER_SIDE_APPLY_THRESHOLD_BYTES, addGitOpsUnit, GITOPS_UNIT, gitopsPart } from '../../lib/gitops/part';
import { isClusterScoped } from '../../lib/output/layout';
import { PlatformChart } from '../../lib/output/platform-chart';
import { SynthesizedObject, synthesizeObjects } from '../../lib/output/synthesized';
import { argoDirectoryFiles } from '../output/layout-readers';
import { find, MINIMAL_CLUSTER, synthDefault } from '../support/helpers';

const ROOT = 'platform-kit';

/** Everything the default synth writes, with the file each object is in. */
function defaultOutput(): { path: string; manifest: any; object: SynthesizedObject }[] {
  return synthDefault().files.flatMap((f) => f.objects.map((object) => ({ path: f.path, manifest: object.manifest, object })));
}

const ARGO = `${GITOPS_UNIT.folder}/`;
const argoObjects = () => defaultOutput().filter((o) => o.path.startsWith(ARGO)).map((o) => o.manifest);
const platformObjects = () => defaultOutput().filter((o) => !o.path.startsWith(ARGO)).map((o) => o.manifest);
const children = (argo: any[]) => argo.filter((m) => m.kind === 'Application' && m.metadata.name !== ROOT);
/** Children that select top-level files of dist/ (needs-* units read their folder instead). */
const topLevelChildren = (argo: any[]) => children(argo).filter((m) => m.spec.source.directory?.include !== undefined);
/** The repository's files, with dist/ at `dist` (gitops.path's default). */
// The manifests (README.md and the ownership marker are not YAML: neither kubectl nor Argo CD reads them).
const repoFiles = () => synthDefault().files.filter((f) => f.objects.length > 0).map((f) => `dist/${f.path}`);
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const kindKeys = (list: Array<{ group: string; kind: string }>) => list.map((k) => `${k.group}/${k.kind}`).sort(byteOrder);

/** A platform with hand-made units, for what the default platform.yaml does not exercise. */
function customPlatform(gitops = '', units: (app: App) => void = () => {}): App {
  const config: PlatformConfig = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n${gitops}`);
  const app = new App();
  units(app);
  // What the pipeline does for the gitops part: connect it (add the Applications) after every other unit exists.
  if (gitopsPart.enabled!(config.gitops)) addGitOpsUnit(app, config.gitops, config.cluster);
  return app;
}

function configMapUnit(app: App, id: string, folder: string, wave: number, bytes: number): PlatformChart {
  const chart = new PlatformChart(app, id, { folder, wave, description: `${id} unit` });
  new k8s.KubeConfigMap(chart, 'Data', { metadata: { name: `${id.toLowerCase()}-data`, namespace: 'team-a' }, data: { blob: 'x'.repeat(bytes) } });
  return chart;
}

describe('Argo CD app-of-apps (default platform)', () => {
  test('every AppProject and Application validates against its CRD', () => {
    // GIVEN the default synth WHEN its custom resources are checked against schemas/crds
    const objects = defaultOutput().map((o) => o.object);
    // THEN there is something to check, and no problem
    expect(objects.filter((o) => o.manifest.apiVersion === 'argoproj.io/v1alpha1').length).toBeGreaterThanOrEqual(3);
    expect(checkCustomResources(objects)).toEqual([]);
  });

  test('each child Application reads exactly its unit\'s files, and every file of dist/ is read by one Application', () => {
    // GIVEN the manifest files of each unit (not dist/README.md, the marker or dist/host/'s node-side files: no
    // Kubernetes objects), and the Applications read as Argo CD's repo server reads a directory source
    const files = synthDefault().files.filter((f) => f.objects.length > 0);
    const unitFiles = (folder: string) => files.filter((f) => f.objects[0].chart.folder === folder).map((f) => `dist/${f.path}`).sort(byteOrder);
    const readBy = new Map<string, string[]>();
    // Every file of dist/ (node-side files and README.md included), as the repo server sees the repository.
    const allFiles = synthDefault().files.map((f) => `dist/${f.path}`);
    expect(allFiles.filter((f) => f.startsWith('dist/host/')).length).toBeGreaterThan(0);
    for (const app of argoObjects().filter((m) => m.kind === 'Application')) {
      const selected = argoDirectoryFiles(allFiles, app.spec.source);
      expect({ app: app.metadata.name, selected: selected.length > 0 }).toEqual({ app: app.metadata.name, selected: true });
      for (const f of selected) readBy.set(f, [...(readBy.get(f) ?? []), app.metadata.name]);
    }
    // THEN each child reads its unit's files and nothing else (a child is named <project>-<unit without its number>)
    const folderOf = new Map(files.map((f) => f.objects[0].chart.folder).map((folder) => [`${ROOT}-${folder.replace(/^\d+-/, '')}`, folder]));
    for (const app of children(argoObjects())) {
      expect({ app: app.metadata.name, files: argoDirectoryFiles(repoFiles(), app.spec.source) }).toEqual({ app: app.metadata.name, files: unitFiles(folderOf.get(app.metadata.name)!) });
    }
    // AND the root reads dist/needs-argocd; every file is read by exactly one Application
    expect(argoDirectoryFiles(repoFiles(), find(argoObjects(), 'Application', ROOT, 'argocd').spec.source)).toEqual(unitFiles(GITOPS_UNIT.folder));
    // (exactly the manifests: no Application reads dist/host/ or README.md)
    expect([...readBy.keys()].sort(byteOrder)).toEqual(repoFiles().sort(byteOrder));
    expect([...readBy.entries()].filter(([, apps]) => apps.length !== 1)).toEqual([]);
  });

  test('top-level units are read from dist/ with an include glob and no recursion', () => {
    // GIVEN the child Applications THEN each reads dist/ itself, selecting `<unit>.*.yaml`, never a folder
    const sources = topLevelChildren(argoObjects()).map((a) => a.spec.source);
    expect(sources.map((s) => ({ path: s.path, include: s.directory?.include })).sort((a, b) => byteOrder(a.include, b.include))).toEqual([
      { path: 'dist', include: '10-tenancy.*.yaml' },
      { path: 'dist', include: '20-mysql.*.yaml' },
      { path: 'dist', include: '25-gateway.*.yaml' },
      { path: 'dist', include: '28-websites.*.yaml' },
      { path: 'dist', include: '30-observability.*.yaml' },
      { path: 'dist', include: '40-app-helloworld.*.yaml' },
      { path: 'dist', include: '50-backup.*.yaml' },
    ]);
    // AND the CRD-dependent units besides Argo CD's own read their folders
    expect(children(argoObjects()).filter((a) => a.spec.source.directory === undefined).map((a) => a.spec.source.path).sort()).toEqual(['dist/needs-gateway-api', 'dist/needs-websites']);
    // `recurse: false` is the default and is left out: Argo CD drops it and the root would stay OutOfSync
    for (const s of sources) expect(Object.keys(s.directory)).toEqual(['include']);
  });

  test('child waves are the unit numbers, so Argo CD and `kubectl apply -f dist` follow one order', () => {
    // GIVEN the child Applications of top-level units
    const apps = topLevelChildren(argoObjects());
    // THEN each wave is its unit's number
    for (const app of apps) {
      const unitNumber = Number(/^(\d+)-/.exec(app.spec.source.directory.include)?.[1]);
      expect(Number(app.metadata.annotations[SYNC_WAVE])).toBe(unitNumber);
    }
    // AND ordering by wave never contradicts ordering by file name (lexical, as kubectl reads dist/)
    const byName = [...apps].sort((a, b) => byteOrder(a.spec.source.directory.include, b.spec.source.directory.include));
    const waves = byName.map((a) => Number(a.metadata.annotations[SYNC_WAVE]));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
  });

  test('the AppProject allows exactly the cluster-scoped kinds the platform creates', () => {
    // GIVEN the cluster-scoped objects at the top level of dist/
    const created = platformObjects().filter(isClusterScoped).map((m) => ({ group: groupOf(m.apiVersion), kind: m.kind }));
    // WHEN the project is read
    const project = find(argoObjects(), 'AppProject', ROOT, 'argocd');
    // THEN its whitelist is that set, no more
    expect(kindKeys(project.spec.clusterResourceWhitelist)).toEqual([...new Set(kindKeys(created))]);
    expect(kindKeys(project.spec.clusterResourceWhitelist)).toContain('/Namespace');
  });

  test('the AppProject allows the namespaced kinds the platform creates, plus the Argo CD kinds of the root', () => {
    // GIVEN the namespaced objects of dist/ and dist/needs-argocd
    const created = [...platformObjects(), ...argoObjects()].filter((m) => !isClusterScoped(m)).map((m) => ({ group: groupOf(m.apiVersion), kind: m.kind }));
    // THEN the namespaced whitelist is exactly those kinds
    const project = find(argoObjects(), 'AppProject', ROOT, 'argocd');
    expect(kindKeys(project.spec.namespaceResourceWhitelist)).toEqual([...new Set(kindKeys(created))]);
  });

  test('the AppProject allows only the platform namespaces and Argo CD\'s, and only the configured repository', () => {
    // GIVEN the namespaces of the top level of dist/ (where objects live, and those it creates)
    const namespaces = new Set<string>(['argocd']);
    for (const m of platformObjects()) {
      if (m.metadata.namespace) namespaces.add(m.metadata.namespace);
      if (m.kind === 'Namespace') namespaces.add(m.metadata.name);
    }
    const project = find(argoObjects(), 'AppProject', ROOT, 'argocd');
    // THEN
    expect(project.spec.destinations.map((d: any) => d.namespace).sort(byteOrder)).toEqual([...namespaces].sort(byteOrder));
    expect(project.spec.destinations.every((d: any) => d.server === 'https://kubernetes.default.svc')).toBe(true);
    expect(project.spec.sourceRepos).toEqual(['https://git.example.invalid/platform-kit.git']);
    // AND every Application's own destination is one of them
    for (const app of argoObjects().filter((m) => m.kind === 'Application')) {
      expect(namespaces.has(app.spec.destination.namespace)).toBe(true);
      expect(app.spec.project).toBe(ROOT);
    }
  });

  test('children sync automatically with prune and self-heal, cascade on delete, and never create namespaces', () => {
    // GIVEN the child Applications THEN each has the sync policy and finalizer
    const apps = children(argoObjects());
    expect(apps.length).toBeGreaterThanOrEqual(2);
    for (const app of apps) {
      expect(app.metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=false');
      expect(app.spec.source.repoURL).toBe('https://git.example.invalid/platform-kit.git');
      expect(app.spec.source.targetRevision).toBe('main');
      expect(app.metadata.name).toMatch(/^platform-kit-[a-z0-9-]+$/);
    }
  });

  test('the root syncs dist/needs-argocd but never prunes or cascades itself, and the project comes first', () => {
    // GIVEN the root and the project
    const argo = argoObjects();
    const root = find(argo, 'Application', ROOT, 'argocd');
    const project = find(argo, 'AppProject', ROOT, 'argocd');
    // THEN the root reads its own folder, is not prunable, and deleting it orphans the units instead of deleting them
    expect(root.spec.source.path).toBe('dist/needs-argocd');
    expect(root.spec.source.directory).toBeUndefined();
    expect(root.spec.destination.namespace).toBe('argocd');
    expect(root.metadata.finalizers).toBeUndefined();
    expect(root.metadata.annotations[SYNC_OPTIONS]).toBe('Prune=false');
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(project.metadata.annotations[SYNC_OPTIONS]).toBe('Prune=false');
    // AND waves: project < root < every unit
    const wave = (m: any) => Number(m.metadata.annotations[SYNC_WAVE]);
    expect(wave(project)).toBeLessThan(wave(root));
    for (const child of children(argo)) expect(wave(child)).toBeGreaterThan(wave(root));
    // AND the placeholder repository is flagged where Argo CD users look
    expect(root.spec.info).toContainEqual({ name: 'Warning', value: expect.stringContaining('gitops.repoURL is still the placeholder') });
  });

  test('a person applies only 10-bootstrap.yaml (project + root); the root creates the children in wave order', () => {
    // GIVEN the files of dist/needs-argocd
    const files = synthDefault().files.filter((f) => f.path.startsWith(ARGO));
    // THEN bootstrap holds the project then the root, and the children are in a file of their own
    expect(files.map((f) => f.path)).toEqual(['needs-argocd/10-bootstrap.yaml', 'needs-argocd/11-units.yaml']);
    expect(files[0].objects.map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}`)).toEqual([`AppProject/${ROOT}`, `Application/${ROOT}`]);
    expect(files[1].objects.every((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name !== ROOT)).toBe(true);
  });
});

describe('Argo CD app-of-apps (options)', () => {
  test('the gitops: keys set repository, revision, path, namespace and names', () => {
    // GIVEN a configured section and one unit
    const app = customPlatform(
      'gitops:\n  repoURL: https://git.lab.example/ops/platform.git\n  targetRevision: v1.2.0\n  path: "."\n  namespace: gitops\n  project: lab\n',
      (a) => configMapUnit(a, 'Tenancy', '10-tenancy', 10, 10),
    );
    // WHEN synthesized
    const objects = synthesizeObjects(app).map((o) => o.manifest);
    const child = find(objects, 'Application', 'lab-tenancy', 'gitops');
    const root = find(objects, 'Application', 'lab', 'gitops');
    // THEN
    expect(child.spec.source).toEqual({ repoURL: 'https://git.lab.example/ops/platform.git', targetRevision: 'v1.2.0', path: '.', directory: { include: '10-tenancy.*.yaml' } });
    expect(root.spec.source.path).toBe('needs-argocd');
    expect(root.spec.info).not.toContainEqual(expect.objectContaining({ name: 'Warning' }));
    expect(find(objects, 'AppProject', 'lab', 'gitops').spec.sourceRepos).toEqual(['https://git.lab.example/ops/platform.git']);
  });

  test('disabled: no Argo CD objects at all', () => {
    // GIVEN gitops.enabled false and a unit
    const app = customPlatform('gitops:\n  enabled: false\n', (a) => configMapUnit(a, 'Tenancy', '10-tenancy', 10, 10));
    // WHEN synthesized
    const objects = synthesizeObjects(app);
    // THEN only the unit's object is there, and no chart writes to needs-argocd/
    expect(objects.map((o) => o.manifest.kind)).toEqual(['ConfigMap']);
    expect(objects.filter((o) => o.chart.folder === GITOPS_UNIT.folder)).toEqual([]);
  });

  test('a unit with a large object syncs server-side; a small one does not', () => {
    // GIVEN one unit above the threshold and one far below
    const app = customPlatform('', (a) => {
      configMapUnit(a, 'Small', '10-small', 10, 1024);
      configMapUnit(a, 'Dashboards', '30-dashboards', 30, SERVER_SIDE_APPLY_THRESHOLD_BYTES + 1);
    });
    // WHEN synthesized
    const objects = synthesizeObjects(app).map((o) => o.manifest);
    // THEN only the large unit gets ServerSideApply=true
    expect(find(objects, 'Application', 'platform-kit-dashboards').spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(find(objects, 'Application', 'platform-kit-small').spec.syncPolicy.syncOptions).not.toContain('ServerSideApply=true');
    expect(SERVER_SIDE_APPLY_THRESHOLD_BYTES).toBe(128 * 1024);
  });

  test('a unit without objects gets no Application (Argo CD would fail on a missing folder)', () => {
    // GIVEN an empty unit next to a real one
    const app = customPlatform('', (a) => {
      new PlatformChart(a, 'Empty', { folder: '20-empty', wave: 20, description: 'nothing' });
      configMapUnit(a, 'Real', '10-real', 10, 10);
    });
    // WHEN synthesized THEN only the real unit has a child
    const names = synthesizeObjects(app).filter((o) => o.manifest.kind === 'Application').map((o) => o.manifest.metadata.name);
    expect(names.sort(byteOrder)).toEqual(['platform-kit', 'platform-kit-real']);
  });

  test('a unit added after the gitops unit is a validation error, not a silently missing Application', () => {
    // GIVEN the gitops unit built first, then a unit
    const app = customPlatform();
    configMapUnit(app, 'Late', '50-late', 50, 10);
    // WHEN synthesized THEN the validation names the unit and the fix
    expect(() => synthesizeObjects(app)).toThrow(/unit Late \(50-late\) has no Argo CD Application: it was added after the gitops part connected/);
  });

  test('a unit that needs CRDs is read from its own folder, without a glob', () => {
    // GIVEN a unit in a needs-* folder next to a top-level one
    const app = customPlatform('', (a) => {
      configMapUnit(a, 'Tenancy', '10-tenancy', 10, 10);
      configMapUnit(a, 'Backups', 'needs-velero', 50, 10);
    });
    // WHEN synthesized
    const objects = synthesizeObjects(app).map((o) => o.manifest);
    // THEN the needs-* unit's child reads the whole folder (its CRDs are installed by then), the other one its glob
    expect(find(objects, 'Application', 'platform-kit-needs-velero').spec.source.path).toBe('dist/needs-velero');
    expect(find(objects, 'Application', 'platform-kit-needs-velero').spec.source.directory).toBeUndefined();
    expect(find(objects, 'Application', 'platform-kit-tenancy').spec.source).toMatchObject({ path: 'dist', directory: { include: '10-tenancy.*.yaml' } });
  });

  test('Argo CD objects for two units (snapshot)', () => {
    // GIVEN two small units WHEN synthesized
    const app = customPlatform('', (a) => {
      configMapUnit(a, 'Tenancy', '10-tenancy', 10, 10);
      configMapUnit(a, 'Web', '40-app-web', 40, 10);
    });
    // THEN the Argo CD objects read as expected
    expect(synthesizeObjects(app).filter((o) => o.chart.folder === GITOPS_UNIT.folder).map((o) => o.manifest)).toMatchSnapshot();
  });
});
