import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { byteOrder, CRD_FOLDER_PREFIX } from '../../lib/output/layout';
import { ControlPlane } from './control-plane';
import { RunResult } from './processes';

/**
 * The commands of docs/deploying.md ("Applying `dist/`: the commands"), word for word. The tests check the docs
 * still say them, so a change to how the platform is applied is a change here and there together.
 */
export const APPLY = ['kubectl', 'apply', '-f', 'dist'] as const;
export const APPLY_SERVER_SIDE = ['kubectl', 'apply', '--server-side', '--field-manager=platform-kit', '-f', 'dist'] as const;

/**
 * The one place the tier applies a dist/ tree: `kubectl apply -f dist` exactly as typed (client-side, no `-R`,
 * kubectl's default `--validate=strict`), typed in the folder that holds `dist`. `command` is another command on
 * the same tree (APPLY_SERVER_SIDE, `kubectl diff -f dist`, `kubectl apply -f dist/needs-argocd`).
 */
export function onDist(cluster: ControlPlane, distDir: string, command: readonly string[] = APPLY): Promise<RunResult> {
  if (path.basename(distDir) !== 'dist') throw new Error(`${distDir}: the tier types the documented commands, which name a folder called dist`);
  const [kubectl, ...args] = command;
  if (kubectl !== 'kubectl') throw new Error(`not a kubectl command: ${command.join(' ')}`);
  return cluster.kubectl(args, undefined, path.dirname(distDir));
}

/** stderr lines of a kubectl run: warnings (deprecations, Pod Security) and errors alike, all failures here. */
export function complaints(result: RunResult): string[] {
  return result.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** The files `kubectl apply -f DIR` reads: those directly in DIR named `*.yaml`, `*.yml` or `*.json`, in byte order. */
export function filesKubectlReads(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort(byteOrder);
}

/** The folders of dist/ that hold CRD-dependent objects (`needs-argocd`, later `needs-gateway-api`…). */
export function crdFolders(distDir: string): string[] {
  return fs.readdirSync(distDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(CRD_FOLDER_PREFIX))
    .map((e) => e.name)
    .sort(byteOrder);
}

/** The objects of the files `kubectl apply -f dir` reads, in the order it sends them. */
export function manifestsKubectlReads(dir: string): any[] {
  return filesKubectlReads(dir).flatMap((f) => manifestsOf(path.join(dir, f)));
}

export function manifestsOf(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((m) => m);
}

/** How `kubectl apply` names an object in its output: `deployment.apps/helloworld` (`service/x` for the core group). */
export function kubectlName(m: any): string {
  const group = String(m.apiVersion).includes('/') ? `.${String(m.apiVersion).split('/')[0]}` : '';
  return `${String(m.kind).toLowerCase()}${group}/${m.metadata.name}`;
}

/**
 * kubectl's note when client-side apply meets an object it did not create. The controller-manager creates the
 * `default` ServiceAccount in every new Namespace, usually before kubectl reaches ours (in the same pass, a few
 * objects later), so the first `kubectl apply -f dist` prints this once per such namespace, adopts the object and
 * applies ours over it (docs/deploying.md says so). No other object of dist/ is created by anyone else.
 */
const ADOPTED = /^Warning: resource serviceaccounts\/default is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation which is required by kubectl apply\. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply\. The missing annotation will be patched automatically\.$/;

/**
 * The complaints of a first client-side apply of `manifests`, less the adoption note for each `default`
 * ServiceAccount they hold (at most one per such object). The caller checks that those ServiceAccounts are ours now.
 */
export function applyComplaints(result: RunResult, manifests: readonly any[]): { complaints: string[]; adoptedDefaultServiceAccounts: number } {
  let allowed = manifests.filter((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'default').length;
  const rest: string[] = [];
  let adopted = 0;
  for (const line of complaints(result)) {
    if (allowed > 0 && ADOPTED.test(line)) { allowed--; adopted++; } else rest.push(line);
  }
  return { complaints: rest, adoptedDefaultServiceAccounts: adopted };
}
