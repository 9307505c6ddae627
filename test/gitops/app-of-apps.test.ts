import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { parseConfig } from '../../lib/config/load';
import { PlatformConfig } from '../../lib/config/platform-config';
import { RESOURCES_FINALIZER, SYNC_OPTIONS, SYNC_WAVE } from '../../lib/gitops/argo-application';
import { checkCustomResources } from '../../lib/gitops/crd-schema';
import { SERVER_SIDE_APPLY_THRESHOLD_BYTES, addGitOpsUnit } from '../../lib/gitops/unit';
import { isClusterScoped } from '../../lib/output/layout';
import { PlatformChart } from '../../lib/output/platform-chart';
import { SynthesizedObject, synthesizeObjects } from '../../lib/output/synthesized';
import { PlatformContext } from '../../lib/platform-context';
import { find, MINIMAL_CLUSTER, synthDefault } from '../support/helpers';

const ROOT = 'platform-kit';

/** Everything the default synth writes, with the file each object is in. */
function defaultOutput(): { path: string; manifest: any; object: SynthesizedObject }[] {
  return synthDefault().files.flatMap((f) => f.objects.map((object) => ({ path: f.path, manifest: object.manifest, object })));
}

const argoObjects = () => defaultOutput().filter((o) => o.path.startsWith('argocd/')).map((o) => o.manifest);
const platformObjects = () => defaultOutput().filter((o) => !o.path.startsWith('argocd/')).map((o) => o.manifest);
const children = (argo: any[]) => argo.filter((m) => m.kind === 'Application' && m.metadata.name !== ROOT);
/** Folders of dist/ other than argocd/, e.g. `platform/10-tenancy`. */
// Files at the top of dist/ (README.md, the ownership marker) belong to no unit.
const unitFolders = () => [...new Set(synthDefault().files.filter((f) => f.path.includes('/')).map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))].filter((d) => d !== 'argocd');
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const kindKeys = (list: Array<{ group: string; kind: string }>) => list.map((k) => `${k.group}/${k.kind}`).sort(byteOrder);

/** A platform with hand-made units, for what the default platform.yaml does not exercise. */
function customPlatform(gitops = '', units: (app: App) => void = () => {}): App {
  const config: PlatformConfig = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n${gitops}`);
  const ctx: PlatformContext = { config, managedNamespaces: new Set(), handles: new Map() };
  const app = new App();
  units(app);
  addGitOpsUnit(app, ctx);
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

  test('one child Application per unit folder, each pointing at a folder that exists in dist/', () => {
    // GIVEN the synthesized folders and the child Applications
    const paths = children(argoObjects()).map((a) => a.spec.source.path).sort(byteOrder);
    // THEN they match one to one
    expect(paths).toEqual(unitFolders().map((f) => `dist/${f}`).sort(byteOrder));
    expect(paths).toContain('dist/platform/40-app-helloworld');
  });

  test('child waves are the folder numbers, so Argo CD and `kubectl apply -R` follow one order', () => {
    // GIVEN the child Applications
    const apps = children(argoObjects());
    // THEN each wave is its folder's number
    for (const app of apps) {
      const folderNumber = Number(/\/(\d+)-[^/]+$/.exec(app.spec.source.path)?.[1]);
      expect(Number(app.metadata.annotations[SYNC_WAVE])).toBe(folderNumber);
    }
    // AND ordering by wave never contradicts ordering by file path (lexical, as kubectl walks)
    const byPath = [...apps].sort((a, b) => byteOrder(a.spec.source.path, b.spec.source.path));
    const waves = byPath.map((a) => Number(a.metadata.annotations[SYNC_WAVE]));
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
  });

  test('the AppProject allows exactly the cluster-scoped kinds the platform creates', () => {
    // GIVEN the cluster-scoped objects of dist/platform
    const created = platformObjects().filter(isClusterScoped).map((m) => ({ group: groupOf(m.apiVersion), kind: m.kind }));
    // WHEN the project is read
    const project = find(argoObjects(), 'AppProject', ROOT, 'argocd');
    // THEN its whitelist is that set, no more
    expect(kindKeys(project.spec.clusterResourceWhitelist)).toEqual([...new Set(kindKeys(created))]);
    expect(kindKeys(project.spec.clusterResourceWhitelist)).toContain('/Namespace');
  });

  test('the AppProject allows the namespaced kinds the platform creates, plus the Argo CD kinds of the root', () => {
    // GIVEN the namespaced objects of dist/platform and dist/argocd
    const created = [...platformObjects(), ...argoObjects()].filter((m) => !isClusterScoped(m)).map((m) => ({ group: groupOf(m.apiVersion), kind: m.kind }));
    // THEN the namespaced whitelist is exactly those kinds
    const project = find(argoObjects(), 'AppProject', ROOT, 'argocd');
    expect(kindKeys(project.spec.namespaceResourceWhitelist)).toEqual([...new Set(kindKeys(created))]);
  });

  test('the AppProject allows only the platform namespaces and Argo CD\'s, and only the configured repository', () => {
    // GIVEN the namespaces of dist/platform (where objects live, and those it creates)
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

  test('the root syncs dist/argocd but never prunes or cascades itself, and the project comes first', () => {
    // GIVEN the root and the project
    const argo = argoObjects();
    const root = find(argo, 'Application', ROOT, 'argocd');
    const project = find(argo, 'AppProject', ROOT, 'argocd');
    // THEN the root reads its own folder, is not prunable, and deleting it orphans the units instead of deleting them
    expect(root.spec.source.path).toBe('dist/argocd');
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
    // GIVEN the files of dist/argocd
    const files = synthDefault().files.filter((f) => f.path.startsWith('argocd/'));
    // THEN bootstrap holds the project then the root, and the children are in a file of their own
    expect(files.map((f) => f.path)).toEqual(['argocd/10-bootstrap.yaml', 'argocd/11-units.yaml']);
    expect(files[0].objects.map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}`)).toEqual([`AppProject/${ROOT}`, `Application/${ROOT}`]);
    expect(files[1].objects.every((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name !== ROOT)).toBe(true);
  });
});

describe('Argo CD app-of-apps (options)', () => {
  test('the gitops: keys set repository, revision, path, namespace and names', () => {
    // GIVEN a configured section and one unit
    const app = customPlatform(
      'gitops:\n  repoURL: https://git.lab.example/ops/platform.git\n  targetRevision: v1.2.0\n  path: "."\n  namespace: gitops\n  project: lab\n',
      (a) => configMapUnit(a, 'Tenancy', 'platform/10-tenancy', 10, 10),
    );
    // WHEN synthesized
    const objects = synthesizeObjects(app).map((o) => o.manifest);
    const child = find(objects, 'Application', 'lab-tenancy', 'gitops');
    const root = find(objects, 'Application', 'lab', 'gitops');
    // THEN
    expect(child.spec.source).toEqual({ repoURL: 'https://git.lab.example/ops/platform.git', targetRevision: 'v1.2.0', path: 'platform/10-tenancy' });
    expect(root.spec.source.path).toBe('argocd');
    expect(root.spec.info).not.toContainEqual(expect.objectContaining({ name: 'Warning' }));
    expect(find(objects, 'AppProject', 'lab', 'gitops').spec.sourceRepos).toEqual(['https://git.lab.example/ops/platform.git']);
  });

  test('disabled: no Argo CD objects at all', () => {
    // GIVEN gitops.enabled false and a unit
    const app = customPlatform('gitops:\n  enabled: false\n', (a) => configMapUnit(a, 'Tenancy', 'platform/10-tenancy', 10, 10));
    // WHEN synthesized
    const objects = synthesizeObjects(app);
    // THEN only the unit's object is there, and no chart writes to argocd/
    expect(objects.map((o) => o.manifest.kind)).toEqual(['ConfigMap']);
    expect(objects.filter((o) => o.chart.folder === 'argocd')).toEqual([]);
  });

  test('a unit with a large object syncs server-side; a small one does not', () => {
    // GIVEN one unit above the threshold and one far below
    const app = customPlatform('', (a) => {
      configMapUnit(a, 'Small', 'platform/10-small', 10, 1024);
      configMapUnit(a, 'Dashboards', 'platform/30-dashboards', 30, SERVER_SIDE_APPLY_THRESHOLD_BYTES + 1);
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
      new PlatformChart(a, 'Empty', { folder: 'platform/20-empty', wave: 20, description: 'nothing' });
      configMapUnit(a, 'Real', 'platform/10-real', 10, 10);
    });
    // WHEN synthesized THEN only the real unit has a child
    const names = synthesizeObjects(app).filter((o) => o.manifest.kind === 'Application').map((o) => o.manifest.metadata.name);
    expect(names.sort(byteOrder)).toEqual(['platform-kit', 'platform-kit-real']);
  });

  test('a unit added after the gitops unit is a validation error, not a silently missing Application', () => {
    // GIVEN the gitops unit built first, then a unit
    const app = customPlatform();
    configMapUnit(app, 'Late', 'platform/50-late', 50, 10);
    // WHEN synthesized THEN the validation names the unit and the fix
    expect(() => synthesizeObjects(app)).toThrow(/unit Late \(platform\/50-late\) has no Argo CD Application: addGitOpsUnit must run after every other unit/);
  });

  test('Argo CD objects for two units (snapshot)', () => {
    // GIVEN two small units WHEN synthesized
    const app = customPlatform('', (a) => {
      configMapUnit(a, 'Tenancy', 'platform/10-tenancy', 10, 10);
      configMapUnit(a, 'Web', 'platform/40-app-web', 40, 10);
    });
    // THEN the Argo CD objects read as expected
    expect(synthesizeObjects(app).filter((o) => o.chart.folder === 'argocd').map((o) => o.manifest)).toMatchSnapshot();
  });
});
