import { show } from '../core/errors';
import { kebab } from '../network/flow';
import { GENERATED_BY } from './marker';
import { SynthesizedObject } from './synthesized';
import { renderYaml } from './yaml-render';

/**
 * Apply order of kinds inside one file (the order Helm installs in): Namespaces and the policies that must exist
 * before the first pod (NetworkPolicy, ResourceQuota, LimitRange) come first, workloads after their
 * ServiceAccounts, ConfigMaps, Services and claims, Ingress last.
 */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress',
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

/** Namespaced or not, from the manifest: cluster-scoped objects carry no namespace. */
export function isClusterScoped(manifest: any): boolean {
  return manifest.metadata?.namespace === undefined;
}

export interface OutputFile {
  /** Path relative to the output directory, e.g. `20-mysql.10-mysql.yaml` or `needs-argocd/10-bootstrap.yaml`. */
  readonly path: string;
  readonly content: string;
  readonly objects: readonly SynthesizedObject[];
}

const HEADER = `# ${GENERATED_BY} (\`npm run synth\`) from platform.yaml. Do not edit: change platform.yaml or the code and re-synthesize.`;

/**
 * Units whose objects need CRDs a vanilla cluster lacks get a folder named after what they need (`needs-argocd`,
 * later `needs-gateway-api`, `needs-velero`); every other unit writes its files to the top level of dist/.
 */
export const CRD_FOLDER_PREFIX = 'needs-';

/** `NN-name`: the number is the unit's place in the apply order (and its Argo CD sync wave). */
const TOP_LEVEL_UNIT = /^\d{2}-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CRD_FOLDER = /^needs-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A unit a vanilla cluster accepts: its files sit at the top level of dist/, where `kubectl apply -f dist` reads. */
export function isTopLevelUnit(folder: string): boolean {
  return !folder.startsWith(CRD_FOLDER_PREFIX);
}

/**
 * What every file path of a unit starts with: `10-tenancy.` (top level) or `needs-argocd/` (a folder).
 *
 * The `.` between unit and file cannot occur in a unit name (a DNS label), so the files of one unit share a
 * prefix no other unit's files have. That keeps them next to each other in lexical order, and lets a glob select
 * exactly them — with `-` as the separator, app `hello`'s glob `40-app-hello-*` would also catch app `hello-2`.
 */
export function unitFilePrefix(folder: string): string {
  if (TOP_LEVEL_UNIT.test(folder)) return `${folder}.`;
  if (CRD_FOLDER.test(folder)) return `${folder}/`;
  throw new Error(`unit folder ${show(folder)}: write "NN-name" for a unit a vanilla cluster accepts (like "20-mysql") or "${CRD_FOLDER_PREFIX}<what it needs>" for one that needs CRDs (like "needs-argocd").`);
}

/** The unit a file of dist/ belongs to: `10-tenancy` for `10-tenancy.10-dwayne.yaml`, `needs-argocd` for `needs-argocd/11-units.yaml`. */
export function unitOfPath(filePath: string): string {
  const slash = filePath.indexOf('/');
  return slash >= 0 ? filePath.slice(0, slash) : filePath.split('.')[0];
}

/**
 * The Argo CD `directory.include` glob that selects a top-level unit's files in dist/, e.g. `10-tenancy.*.yaml`.
 * Argo CD matches it against each file's path relative to the Application's source path (dist/), and without
 * `recurse` it never looks into folders, so no `needs-*` file is ever picked up.
 */
export function unitIncludeGlob(folder: string): string {
  if (!isTopLevelUnit(folder)) throw new Error(`unit folder ${show(folder)} is a folder of its own; point the Application at it instead of selecting files.`);
  return `${unitFilePrefix(folder)}*.yaml`;
}

/**
 * Lays the objects out in files, per unit (units in byte order, which is their numbered order):
 * `<prefix>00-cluster-scoped.yaml` (Namespaces, StorageClasses, PersistentVolumes, ClusterRoles… — everything
 * namespaced objects may depend on), then one file per component in tree order, numbered. With top-level units
 * prefixed `NN-unit.`, the lexical order `kubectl apply -f dist` reads the files in is the dependency order.
 */
export function layoutFiles(objects: readonly SynthesizedObject[]): OutputFile[] {
  const byFolder = new Map<string, SynthesizedObject[]>();
  for (const o of withNamespacesFirst(objects)) {
    const list = byFolder.get(o.chart.folder) ?? [];
    list.push(o);
    byFolder.set(o.chart.folder, list);
  }
  const files: OutputFile[] = [];
  for (const [folder, list] of [...byFolder.entries()].sort(([a], [b]) => byteOrder(a, b))) {
    const prefix = unitFilePrefix(folder);
    const description = list[0].chart.description;
    const clusterScoped = list.filter((o) => isClusterScoped(o.manifest));
    if (clusterScoped.length > 0) {
      files.push(render(`${prefix}00-cluster-scoped.yaml`, `${description} — cluster-scoped objects, applied first.`, clusterScoped));
    }
    const components = new Map<string, SynthesizedObject[]>();
    for (const o of list.filter((x) => !isClusterScoped(x.manifest))) {
      const group = components.get(o.component) ?? [];
      group.push(o);
      components.set(o.component, group);
    }
    const width = String(components.size + 10).length;
    [...components.entries()].forEach(([component, group], i) => {
      const name = `${String(10 + i).padStart(width, '0')}-${kebab(component)}.yaml`;
      files.push(render(`${prefix}${name}`, `${description} — ${component}.`, group));
    });
  }
  return files;
}

/** Byte order, as kubectl and Argo CD sort file names: the same on every machine (localeCompare depends on the ICU locale). */
/**
 * `kubectl apply -f dist` reads the top-level files in byte order and refuses an object whose namespace does not exist
 * yet. An object stays in its own unit unless that unit's files come before the unit that creates its namespace (a
 * part's policy side in a namespace of a later part, like Prometheus' scrape flow into `velero`): then it moves into
 * that unit, with the component that creates the namespace, so it is applied (and synced by Argo CD) with it.
 */
function withNamespacesFirst(objects: readonly SynthesizedObject[]): SynthesizedObject[] {
  const creators = new Map<string, SynthesizedObject>();
  for (const o of objects) {
    if (o.manifest.kind === 'Namespace' && o.manifest.apiVersion === 'v1' && isTopLevelUnit(o.chart.folder)) creators.set(o.manifest.metadata?.name, o);
  }
  return objects.map((o) => {
    const creator = creators.get(o.manifest.metadata?.namespace);
    if (!creator || !isTopLevelUnit(o.chart.folder) || byteOrder(o.chart.folder, creator.chart.folder) >= 0) return o;
    return { ...o, chart: creator.chart, component: creator.component };
  });
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function render(path: string, title: string, objects: SynthesizedObject[]): OutputFile {
  const sorted = objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o.manifest.kind) - kindRank(b.o.manifest.kind) || a.i - b.i)
    .map(({ o }) => o);
  const docs = sorted.map((o) => renderYaml(o.manifest).trimEnd());
  return { path, content: `${HEADER}\n# ${title}\n---\n${docs.join('\n---\n')}\n`, objects: sorted };
}
