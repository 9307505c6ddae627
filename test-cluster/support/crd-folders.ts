import * as path from 'path';
import { CrdCatalog } from '../../lib/checks/custom-resource-schema';
import { ControlPlane } from './control-plane';
import { complaints, filesKubectlReads, kubectlName, manifestsKubectlReads, manifestsOf, onDist } from './apply';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CrdFolderApply {
  /** `apiVersion kind` of objects whose CRD schemas/crds lacks (the folder was not applied then). */
  readonly crdMissingFromSchemasCrds: string[];
  readonly crdFiles: string[];
  readonly command: string[];
  readonly exitCode: number;
  readonly warningsAndErrors: string[];
  /** What kubectl printed it applied, and what the folder holds (kubectl's names). */
  readonly applied: string[];
  readonly expected: string[];
}

/**
 * A `needs-*` folder of a dist/ tree, applied as a user would once the add-on is installed: the CRDs its objects need
 * that dist/ does not ship itself (from schemas/crds, server-side as the add-ons' own installs do: they are too large
 * for client-side apply's annotation), the add-on's namespaces dist/ does not ship, then `kubectl apply -f
 * dist/<folder>`. The top level of dist/ must have been applied before.
 */
export async function applyCrdFolder(cluster: ControlPlane, distDir: string, folder: string): Promise<CrdFolderApply> {
  const topLevel = manifestsKubectlReads(distDir);
  const shippedNamespaces = topLevel.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name as string);
  const shippedCrds = new Set(topLevel.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => m.metadata.name as string));
  const catalog = CrdCatalog.load();
  const dir = path.join(distDir, folder);
  const objects = filesKubectlReads(dir).flatMap((f) => manifestsOf(path.join(dir, f)));
  const command = ['kubectl', 'apply', '-f', `dist/${folder}`];
  const missing = objects.filter((m) => !catalog.find(m.apiVersion, m.kind)).map((m) => `${m.apiVersion} ${m.kind}`);
  const expected = objects.map(kubectlName).sort();
  if (missing.length > 0) return { crdMissingFromSchemasCrds: missing, crdFiles: [], command, exitCode: -1, warningsAndErrors: [], applied: [], expected };
  const needed = [...new Map(objects.map((m) => { const v = catalog.find(m.apiVersion, m.kind)!; return [v.crd, v.file] as const; })).entries()];
  const crdNames = needed.map(([crd]) => crd).sort();
  // A CRD dist/ ships (our own Website CRD, Velero's in 50-backup) is already there, applied with the top level.
  const crdFiles = [...new Set(needed.filter(([crd]) => !shippedCrds.has(crd)).map(([, file]) => file))].sort();
  if (crdFiles.length > 0) await cluster.kubectlOk(['apply', '--server-side', '--field-manager=lab', ...crdFiles.flatMap((f) => ['-f', path.join(ROOT, 'schemas', 'crds', f)])]);
  // Polled here rather than `kubectl wait`, which fails outright while a new CRD has no status.conditions yet.
  await cluster.waitFor(`kube-apiserver (CRDs of ${folder} Established)`, async () => {
    const crds = (await cluster.getJson(['get', 'crd'])).items.filter((c: any) => crdNames.includes(c.metadata.name));
    return crds.length === crdNames.length && crds.every((c: any) => (c.status?.conditions ?? []).some((x: any) => x.type === 'Established' && x.status === 'True'));
  }, 60_000);
  const foreign = [...new Set(objects.map((m) => m.metadata.namespace).filter((ns) => ns && !shippedNamespaces.includes(ns)))].sort() as string[];
  for (const ns of foreign) {
    if ((await cluster.kubectl(['get', 'namespace', ns])).code !== 0) await cluster.kubectlOk(['create', 'namespace', ns]);
  }
  // Every object of the folder, so the API server judges each against its CRD. (A user applies only what the docs
  // say, e.g. needs-argocd/10-bootstrap.yaml, and Argo CD creates the rest; there is no Argo CD here.)
  const r = await onDist(cluster, distDir, command);
  const applied = r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => l.replace(/ (created|unchanged|configured)$/, '')).sort();
  return { crdMissingFromSchemasCrds: [], crdFiles, command, exitCode: r.code, warningsAndErrors: complaints(r), applied, expected };
}
