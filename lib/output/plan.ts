import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { unitOfPath } from './layout';

/** A file of the output tree: path relative to the output directory, and its text. */
export interface TreeFile {
  readonly path: string;
  readonly content: string;
}

interface PlannedObject {
  /** The unit, e.g. `10-tenancy` (files `10-tenancy.*.yaml`) or `needs-argocd` (folder). */
  readonly unit: string;
  readonly kind: string;
  readonly group: string;
  readonly namespace?: string;
  readonly name: string;
  readonly manifest: any;
}

export interface ObjectChange {
  readonly unit: string;
  readonly change: 'add' | 'change' | 'remove';
  /** `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly object: string;
  /** For changes: short field-level lines (`spec.replicas: 1 → 2`); for removals: the kubectl delete command. */
  readonly details: readonly string[];
  /** Set when a changed object moved from another unit. */
  readonly movedFrom?: string;
}

export interface Plan {
  readonly changes: readonly ObjectChange[];
  /** Paths whose bytes change (added, rewritten or deleted), objects or not. */
  readonly changedFiles: readonly string[];
  readonly hasChanges: boolean;
}

/** Every file under `dir` (none when it does not exist). */
export function readTree(dir: string | undefined): TreeFile[] {
  if (dir === undefined || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)))
    .sort()
    .map((p) => ({ path: p, content: fs.readFileSync(path.join(dir, p), 'utf8') }));
}

/**
 * What replacing `current` with `next` changes, object by object: an object is its API group, kind, namespace and
 * name, so an object that moves to another file or unit is a change, not a removal plus an addition.
 */
export function planChanges(current: readonly TreeFile[], next: readonly TreeFile[]): Plan {
  const before = indexObjects(current);
  const after = indexObjects(next);
  const changes: ObjectChange[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (!was) {
      changes.push({ unit: now.unit, change: 'add', object: describe(now), details: [] });
    } else {
      const details = fieldDiff(was.manifest, now.manifest);
      const movedFrom = was.unit === now.unit ? undefined : was.unit;
      if (details.length > 0 || movedFrom) changes.push({ unit: now.unit, change: 'change', object: describe(now), details, movedFrom });
    }
  }
  for (const [key, was] of before) {
    if (!after.has(key)) changes.push({ unit: was.unit, change: 'remove', object: describe(was), details: [deleteCommand(was)] });
  }
  const currentByPath = new Map(current.map((f) => [f.path, f.content]));
  const nextPaths = new Set(next.map((f) => f.path));
  const changedFiles = [
    ...next.filter((f) => currentByPath.get(f.path) !== f.content).map((f) => f.path),
    ...current.filter((f) => !nextPaths.has(f.path)).map((f) => f.path),
  ].sort();
  return { changes, changedFiles, hasChanges: changedFiles.length > 0 };
}

/** The plan as lines for a person: per unit, `+` added, `~` changed (with the fields), `-` removed (with the command). */
export function renderPlan(plan: Plan, outDir: string, options: { argoCd: boolean }): string[] {
  if (!plan.hasChanges) return [`Plan: no changes; ${outDir}/ already holds exactly what the config gives.`];
  const lines = [`Plan: what a synth would change in ${outDir}/ (nothing has been written)`];
  const units = [...new Set(plan.changes.map((c) => c.unit))].sort();
  const order = { add: 0, change: 1, remove: 2 };
  for (const unit of units) {
    lines.push('', `${unit}`);
    const sign = { add: '+', change: '~', remove: '-' };
    for (const c of plan.changes.filter((x) => x.unit === unit).sort((a, b) => order[a.change] - order[b.change])) {
      lines.push(`  ${sign[c.change]} ${c.object}${c.movedFrom ? ` (moved from ${c.movedFrom})` : ''}`);
      for (const d of c.details) lines.push(`      ${d}`);
    }
  }
  const count = (kind: ObjectChange['change']) => plan.changes.filter((c) => c.change === kind).length;
  lines.push('', `${count('add')} to add, ${count('change')} to change, ${count('remove')} to remove; ${plan.changedFiles.length} file${plan.changedFiles.length === 1 ? '' : 's'} in ${outDir}/ change${plan.changedFiles.length === 1 ? 's' : ''} (\`git status\` after the synth lists new files).`);
  if (count('remove') > 0) {
    lines.push(`Removed objects stay in the cluster on the kubectl path (\`kubectl apply\` never deletes): run the kubectl delete commands above after applying.${
      options.argoCd ? ' Argo CD deletes them itself (automated prune) when it syncs the commit.' : ''}`);
  }
  return lines;
}

function indexObjects(files: readonly TreeFile[]): Map<string, PlannedObject> {
  const index = new Map<string, PlannedObject>();
  for (const file of files.filter((f) => /\.ya?ml$/.test(f.path))) {
    const unit = unitOfPath(file.path);
    for (const doc of parseAllDocuments(file.content)) {
      const manifest = doc.toJS();
      if (!manifest || typeof manifest !== 'object' || !manifest.kind) continue;
      const apiVersion = String(manifest.apiVersion ?? '');
      const object: PlannedObject = {
        unit, kind: String(manifest.kind), group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '',
        namespace: manifest.metadata?.namespace, name: String(manifest.metadata?.name ?? ''), manifest,
      };
      index.set([object.group, object.kind, object.namespace ?? '', object.name].join('|'), object);
    }
  }
  return index;
}

function describe(o: PlannedObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The exact command that deletes the object (kind qualified by its API group, so it is never ambiguous). */
export function deleteCommand(o: { kind: string; group: string; namespace?: string; name: string }): string {
  const resource = `${o.kind.toLowerCase()}${o.group ? `.${o.group}` : ''}/${o.name}`;
  return `kubectl delete ${o.namespace ? `-n ${o.namespace} ` : ''}${resource}`;
}

const MAX_FIELD_LINES = 6;

/** Leaf-level differences, named by path; list items with a `name` are matched by name, not position. */
export function fieldDiff(before: unknown, after: unknown): string[] {
  const lines: string[] = [];
  walk(before, after, '', lines);
  return lines.length > MAX_FIELD_LINES ? [...lines.slice(0, MAX_FIELD_LINES - 1), `… and ${lines.length - MAX_FIELD_LINES + 1} more fields`] : lines;
}

function walk(a: unknown, b: unknown, at: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      walk(a[key], b[key], at ? `${at}.${key}` : key, out);
    }
  } else if (Array.isArray(a) && Array.isArray(b)) {
    const byName = (list: unknown[]) => list.every((x) => isObject(x) && typeof x.name === 'string');
    if (byName(a) && byName(b)) {
      const names = [...new Set([...a, ...b].map((x: any) => x.name as string))];
      for (const name of names) walk(a.find((x: any) => x.name === name), b.find((x: any) => x.name === name), `${at}[${name}]`, out);
    } else {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${at}[${i}]`, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    if (a === undefined) out.push(`${at}: added ${short(b)}`);
    else if (b === undefined) out.push(`${at}: removed (was ${short(a)})`);
    else if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) out.push(`${at}: ${textChange(a, b)}`);
    else out.push(`${at}: ${short(a)} → ${short(b)}`);
  }
}

/** A multi-line text (a config file in a ConfigMap): the first line that differs. */
function textChange(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return `text changed from line ${i + 1}: ${short(x[i] ?? '')} → ${short(y[i] ?? '')} (${x.length} → ${y.length} lines)`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
