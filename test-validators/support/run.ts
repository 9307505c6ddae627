import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../../lib/core/paths';
import { findTool, toolPath } from '../../scripts/validators/tools';

export interface RunResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs a cached validator binary (built by scripts/validators/build.ts) and returns its exit code and output. */
export function runTool(name: string, args: readonly string[], opts: { cwd?: string } = {}): RunResult {
  const bin = toolPath(findTool(name));
  if (!fs.existsSync(bin)) {
    throw new Error(`${name} is not built at ${bin}: run \`npm run test:validators\` (it builds the validators first)`);
  }
  const r = spawnSync(bin, args, { cwd: opts.cwd, encoding: 'utf8', timeout: 120000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const tempDirs: string[] = [];

/** A fresh directory under the system temp dir, removed after the test file (support/cleanup.ts). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `platform-kit-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const DIST = path.join(PROJECT_ROOT, 'dist');

/** Every YAML file under a dist/ folder, sorted. */
export function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []))
    .sort();
}

/** The vanilla manifests: the YAML files at the top level of dist/ (what `kubectl apply -f dist` reads). */
export function vanillaFiles(): string[] {
  return fs.readdirSync(DIST, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.yaml')).map((e) => path.join(DIST, e.name)).sort();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = any;

/**
 * The manifest files of dist/: the top-level YAML and the needs-* folders (dist/host/ holds node-side config files,
 * not Kubernetes API objects, and is never applied).
 */
export function manifestFiles(): string[] {
  const folders = fs.readdirSync(DIST, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.startsWith('needs-'));
  return [...vanillaFiles(), ...folders.flatMap((e) => yamlFiles(path.join(DIST, e.name)))].sort();
}

/** Every object in the committed dist/ (its manifest files). */
export function distObjects(): K8sObject[] {
  return manifestFiles().flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON()).filter(Boolean));
}

export function findObject(kind: string, namespace: string, name: string): K8sObject {
  const found = distObjects().find((o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace);
  if (!found) throw new Error(`dist/ has no ${kind} ${namespace}/${name}`);
  return found;
}

/** The Service Account files the kubelet mounts into a pod that automounts its token. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Lays out, under `root`, the files one container of a dist/ workload sees: each ConfigMap volume's keys at its
 * mountPath, plus placeholder Service Account files when the pod automounts its token. Returns a function that
 * rewrites the container's absolute paths in a config file to those local copies, so a validator that checks
 * referenced files (promtool does) finds the same files the pod would.
 */
export function podFilesystem(root: string, workload: K8sObject, container: string): (text: string) => string {
  const spec = workload.spec.template.spec;
  const c = spec.containers.find((x: K8sObject) => x.name === container);
  if (!c) throw new Error(`${workload.kind} ${workload.metadata.name} has no container ${container}`);
  const ns = workload.metadata.namespace;
  const mounts: string[] = [];
  for (const m of c.volumeMounts ?? []) {
    const volume = spec.volumes.find((v: K8sObject) => v.name === m.name);
    if (!volume?.configMap) continue;
    const cm = findObject('ConfigMap', ns, volume.configMap.name);
    const dir = path.join(root, m.mountPath);
    fs.mkdirSync(dir, { recursive: true });
    for (const [key, value] of Object.entries(cm.data ?? {})) fs.writeFileSync(path.join(dir, key), String(value));
    mounts.push(m.mountPath);
  }
  if (spec.automountServiceAccountToken !== false) {
    const dir = path.join(root, SERVICE_ACCOUNT_DIR);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of ['token', 'ca.crt', 'namespace']) fs.writeFileSync(path.join(dir, f), f === 'namespace' ? ns : 'placeholder\n');
    mounts.push(SERVICE_ACCOUNT_DIR);
  }
  // Longest first, so a mount inside another is rewritten as itself.
  mounts.sort((a, b) => b.length - a.length);
  return (text) => mounts.reduce((t, m) => t.split(`${m}/`).join(`${path.join(root, m)}/`), text);
}
