import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { commonLabels } from '../core/labels';
import { isTopLevelUnit, unitIncludeGlob } from '../output/layout';
import { PlatformChart } from '../output/platform-chart';
import { definePart } from '../parts/platform-part';
import { tenantsOf } from '../tenancy/part';
import { ArgoApplication } from './argo-application';
import { checkGitOpsConfig, GitOpsConfig, gitopsSchema, gitopsWarnings, PLACEHOLDER_REPO_URL } from './config';
import { UnitInventory } from './inventory';
import { PlatformProject } from './platform-project';

/**
 * Client-side apply (kubectl, and Argo CD without ServerSideApply) copies each object into its
 * `last-applied-configuration` annotation, and all annotations of an object share 256 KiB. A unit with an object
 * above half of that (dashboards in a ConfigMap) syncs server-side, which keeps no such copy.
 */
export const SERVER_SIDE_APPLY_THRESHOLD_BYTES = 128 * 1024;

/** `<path>/<folder>` in the repository; `.` means dist/ is the repository root. */
export function repoPath(path: string, folder: string): string {
  return path === '.' ? folder : `${path}/${folder}`;
}

/** Argo CD objects need Argo CD's CRDs, so they never sit at the top level of dist/ (`kubectl apply -f dist` skips folders). */
export const GITOPS_UNIT = { folder: 'needs-argocd', wave: 0, description: 'Argo CD app-of-apps: AppProject, root and child Applications' };

/**
 * GitOps: the Argo CD app-of-apps over every other unit. Its Applications are added in `connect`, once every part and
 * code-composed extension has built its unit charts, so each unit gets exactly one Application.
 */
export const gitopsPart = definePart({
  key: 'gitops',
  schema: gitopsSchema,
  configType: sectionTypeIn('gitops', 'GitOpsConfig'),
  enabled: (g: GitOpsConfig) => g.enabled,
  checkConfig: (g, { whole, problems }) => checkGitOpsConfig({ gitops: g, tenants: tenantsOf(whole) }, problems),
  notices: (g) => gitopsWarnings({ gitops: g }),
  build: () => undefined,
  connect: (_none, { scope, config, platform }) => addGitOpsUnit(scope, config, platform.cluster),
});

/**
 * Where a child Application reads its unit: a top-level unit is the files `<unit>.*.yaml` directly in dist/
 * (an include glob; Argo CD does not recurse, so no `needs-*` folder is read), a unit that needs CRDs is its folder.
 */
export function unitSource(distPath: string, folder: string): { readonly path: string; readonly include?: string } {
  return isTopLevelUnit(folder) ? { path: distPath, include: unitIncludeGlob(folder) } : { path: repoPath(distPath, folder) };
}

/**
 * The Argo CD app-of-apps, in `dist/needs-argocd` (never at the top level of dist/: a cluster without Argo CD has
 * no CRDs for it, and `kubectl apply -f dist` must work there).
 *
 * - `10-bootstrap.yaml`: the AppProject and the root Application. It is the only file a person applies; the root
 *   syncs `dist/needs-argocd` — itself included — and so creates the child Applications in wave order.
 * - `11-units.yaml`: one child Application per unit, reading the unit's files in dist/ (`unitSource`), wave = the
 *   unit's number, automated with prune and self-heal, and the resources finalizer (deleting a child deletes what
 *   it deployed).
 *
 * The root and the project never delete themselves or the platform: both are `Prune=false`, and the root has no
 * resources finalizer, so deleting the root orphans the children instead of cascading to every unit.
 */
export function addGitOpsUnit(app: Construct, g: GitOpsConfig, cluster: Pick<ClusterConfig, 'name'>): void {
  const units = PlatformChart.all(app).map((chart) => new UnitInventory(chart)).filter((u) => u.objects().length > 0);
  const chart = new PlatformChart(app, 'GitOps', GITOPS_UNIT);
  const labels = commonLabels({ name: 'app-of-apps', instance: g.project, component: 'gitops' });

  const bootstrap = new Construct(chart, 'Bootstrap');
  new PlatformProject(bootstrap, 'Project', {
    name: g.project,
    namespace: g.namespace,
    repoURL: g.repoURL,
    units,
    wave: chart.wave - 1,
    description: `Platform Kit units of cluster ${cluster.name}, synced from ${g.repoURL}`,
    labels,
  });
  new ArgoApplication(bootstrap, 'Root', {
    name: g.project,
    namespace: g.namespace,
    project: g.project,
    repoURL: g.repoURL,
    targetRevision: g.targetRevision,
    path: repoPath(g.path, chart.folder),
    destinationNamespace: g.namespace,
    wave: chart.wave,
    syncOptions: ['CreateNamespace=false', 'PruneLast=true'],
    cascadeDelete: false,
    neverPrune: true,
    info: [
      { name: 'What', value: 'Platform Kit app-of-apps: one child Application per unit of dist/, in wave order' },
      ...(g.repoURL === PLACEHOLDER_REPO_URL ? [{ name: 'Warning', value: 'gitops.repoURL is still the placeholder; set it in platform.yaml and re-synthesize' }] : []),
    ],
    labels,
  });

  const children = new Construct(chart, 'Units');
  for (const unit of units) {
    new ArgoApplication(children, unit.chart.node.id, {
      name: `${g.project}-${unit.unitName}`,
      namespace: g.namespace,
      project: g.project,
      repoURL: g.repoURL,
      targetRevision: g.targetRevision,
      ...unitSource(g.path, unit.chart.folder),
      destinationNamespace: () => unit.namespaces()[0] ?? g.namespace,
      wave: unit.chart.wave,
      syncOptions: () => [
        'CreateNamespace=false',
        'PruneLast=true',
        ...(unit.largestObjectBytes() > SERVER_SIDE_APPLY_THRESHOLD_BYTES ? ['ServerSideApply=true'] : []),
      ],
      info: [{ name: 'What', value: unit.chart.description }],
      labels,
    });
  }

  // A unit added after this function ran (or one that gained its first object later) would have no Application.
  children.node.addValidation({
    validate: () => {
      const covered = new Set(units.map((u) => u.chart));
      return PlatformChart.all(app)
        .filter((c) => c !== chart && !covered.has(c) && new UnitInventory(c).objects().length > 0)
        .map((c) => `unit ${c.node.id} (${c.folder}) has no Argo CD Application: it was added after the gitops part connected; add code-composed units in the extension step (before connect).`);
    },
  });
}
