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
  /** Path relative to the output directory, e.g. `platform/20-mysql/10-mysql.yaml`. */
  readonly path: string;
  readonly content: string;
  readonly objects: readonly SynthesizedObject[];
}

const HEADER = `# ${GENERATED_BY} (\`npm run synth\`) from platform.yaml. Do not edit: change platform.yaml or the code and re-synthesize.`;

/**
 * Lays the objects out in files: one folder per unit; in it `00-cluster-scoped.yaml` (Namespaces, StorageClasses,
 * PersistentVolumes, ClusterRoles… — everything namespaced objects may depend on), then one file per component in
 * tree order, numbered so that `kubectl apply -R` (which walks files in lexical order) applies them in that order.
 */
export function layoutFiles(objects: readonly SynthesizedObject[]): OutputFile[] {
  const byFolder = new Map<string, SynthesizedObject[]>();
  for (const o of objects) {
    const list = byFolder.get(o.chart.folder) ?? [];
    list.push(o);
    byFolder.set(o.chart.folder, list);
  }
  const files: OutputFile[] = [];
  for (const [folder, list] of [...byFolder.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const description = list[0].chart.description;
    const clusterScoped = list.filter((o) => isClusterScoped(o.manifest));
    if (clusterScoped.length > 0) {
      files.push(render(`${folder}/00-cluster-scoped.yaml`, `${description} — cluster-scoped objects, applied first.`, clusterScoped));
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
      files.push(render(`${folder}/${name}`, `${description} — ${component}.`, group));
    });
  }
  return files;
}

function render(path: string, title: string, objects: SynthesizedObject[]): OutputFile {
  const sorted = objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o.manifest.kind) - kindRank(b.o.manifest.kind) || a.i - b.i)
    .map(({ o }) => o);
  const docs = sorted.map((o) => renderYaml(o.manifest).trimEnd());
  return { path, content: `${HEADER}\n# ${title}\n---\n${docs.join('\n---\n')}\n`, objects: sorted };
}
