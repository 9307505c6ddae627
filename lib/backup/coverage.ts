import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { BackupVolume } from '../parts/platform-part';
import { SynthesizedObject } from '../output/synthesized';
import { NotBackedUp, VeleroScheduleConfig } from './config';

/** One volume of dist/ and what protects it. */
export interface CoverageRow {
  readonly namespace: string;
  readonly claim: string;
  readonly description: string;
  /** What backs it up, in a few words; undefined when nothing does. */
  readonly coveredBy: string | undefined;
}

export interface CoverageInput {
  /** The objects of dist/ that hold or mount volumes ({@link volumeObjects}); others are ignored. */
  readonly objects: readonly Pick<SynthesizedObject, 'manifest'>[];
  /** Every part's backupVolumes offer. */
  readonly offered: readonly BackupVolume[];
  /** Velero's Schedules (none when Velero is not deployed). */
  readonly schedules: readonly VeleroScheduleConfig[];
  readonly notBackedUp: readonly NotBackedUp[];
}

const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];
const VOLUME_KINDS = new Set(['PersistentVolumeClaim', 'PersistentVolume', ...LONG_RUNNING]);

/**
 * The objects under `scope` that hold or mount volumes, rendered: only those, because rendering every object of the
 * platform a second time (the whole-tree checks render them once) would cost a third of a synth.
 */
export function volumeObjects(scope: Construct): Array<Pick<SynthesizedObject, 'manifest'>> {
  return scope.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && VOLUME_KINDS.has(c.kind))
    .map((o) => ({ manifest: o.toJson() }));
}

interface Found {
  readonly description: string;
  /** Mounted by a long-running pod (Velero's file-system backup sees only volumes of running pods). */
  readonly mounted: boolean;
}

/**
 * Every claim in dist/ — PersistentVolumeClaims, the claims StatefulSets create from their templates, and the claims
 * PersistentVolumes are pre-bound to (NFS exports, local volumes) — with whether a long-running pod mounts it.
 */
export function volumesInDist(objects: readonly Pick<SynthesizedObject, 'manifest'>[]): Map<string, Found> {
  const found = new Map<string, Found>();
  const add = (ns: string, claim: string, description: string, mounted = false) => {
    const key = `${ns}/${claim}`;
    const before = found.get(key);
    found.set(key, { description: before?.description ?? description, mounted: mounted || (before?.mounted ?? false) });
  };
  for (const { manifest: m } of objects) {
    if (m.kind === 'PersistentVolumeClaim') add(m.metadata.namespace, m.metadata.name, 'PersistentVolumeClaim');
    if (m.kind === 'PersistentVolume' && m.spec?.claimRef?.name) {
      const where = m.spec.nfs ? `NFS ${m.spec.nfs.server}:${m.spec.nfs.path}` : m.spec.local ? `local ${m.spec.local.path}` : 'volume';
      add(m.spec.claimRef.namespace, m.spec.claimRef.name, `PV ${m.metadata.name} (${where})`);
    }
    if (m.kind === 'StatefulSet') {
      for (const t of m.spec.volumeClaimTemplates ?? []) {
        for (let i = 0; i < (m.spec.replicas ?? 1); i++) add(m.metadata.namespace, `${t.metadata.name}-${m.metadata.name}-${i}`, `StatefulSet ${m.metadata.name} claim`, true);
      }
    }
    if (LONG_RUNNING.includes(m.kind)) {
      for (const vol of m.spec?.template?.spec?.volumes ?? []) {
        if (vol.persistentVolumeClaim?.claimName) add(m.metadata.namespace, vol.persistentVolumeClaim.claimName, `${m.kind} ${m.metadata.name} volume`, true);
      }
    }
  }
  return found;
}

/** The Schedule that file-system-backs up a volume of `namespace`, if one does. */
export function fsbScheduleFor(namespace: string, schedules: readonly VeleroScheduleConfig[]): VeleroScheduleConfig | undefined {
  return schedules.find((s) => s.fileSystemBackup && (s.includedNamespaces.includes('*') || s.includedNamespaces.includes(namespace)) && !s.excludedNamespaces.includes(namespace));
}

/**
 * The coverage table: every volume of dist/ and every offered volume, each with what protects it — an explicit
 * `backup.notBackedUp` entry, the owning part's dump, being a backup target itself, or a Velero file-system backup
 * (only for volumes a running pod mounts, and never for a database directory that a dump covers).
 */
export function backupCoverage(input: CoverageInput): CoverageRow[] {
  const inDist = volumesInDist(input.objects);
  const offers = new Map(input.offered.map((o) => [`${o.namespace}/${o.claim}`, o]));
  const keys = [...new Set([...inDist.keys(), ...offers.keys()])].sort();
  return keys.map((key) => {
    const [namespace, claim] = key.split('/');
    const offer = offers.get(key);
    const found = inDist.get(key);
    const excluded = input.notBackedUp.find((n) => n.namespace === namespace && n.claim === claim);
    const fsb = found?.mounted ? fsbScheduleFor(namespace, input.schedules) : undefined;
    let coveredBy: string | undefined;
    if (offer?.protectedBy?.kind === 'dump') coveredBy = `dump (CronJob ${offer.protectedBy.cronJob})${input.schedules.length > 0 ? '; Velero\'s file-system backup skips it' : ''}`;
    else if (offer?.protectedBy?.kind === 'holds-backups') coveredBy = 'holds backups (copy it off the NFS server: docs/backup.md)';
    else if (offer?.protectedBy?.kind === 'rebuildable') coveredBy = `rebuildable: ${offer.protectedBy.reason}`;
    else if (fsb) coveredBy = `Velero file-system backup (Schedule ${fsb.name})`;
    else if (excluded) coveredBy = `not backed up: ${excluded.reason}`;
    return { namespace, claim, description: offer?.description ?? found?.description ?? 'volume', coveredBy };
  });
}

/** One problem per uncovered volume, with the fix; and one per `notBackedUp` entry that names no volume. */
export function coverageProblems(rows: readonly CoverageRow[], notBackedUp: readonly NotBackedUp[]): string[] {
  const problems = rows.filter((r) => r.coveredBy === undefined).map((r) =>
    `backup coverage: ${r.namespace}/${r.claim} (${r.description}) is not backed up. Fix: give backup.velero an objectStore `
    + `(a Schedule with fileSystemBackup covers the volumes of running pods), or list it under backup.notBackedUp with the reason `
    + `(- { namespace: ${r.namespace}, claim: ${r.claim}, reason: "..." }).`);
  notBackedUp.forEach((n, i) => {
    if (!rows.some((r) => r.namespace === n.namespace && r.claim === n.claim)) {
      problems.push(`backup.notBackedUp[${i}]: ${show(`${n.namespace}/${n.claim}`)} is no volume in dist/; remove the entry or fix the name (volumes: ${rows.map((r) => `${r.namespace}/${r.claim}`).join(', ')}).`);
    }
  });
  return problems;
}

/** The table synth prints. */
export function renderCoverage(rows: readonly CoverageRow[]): string[] {
  const width = Math.max(6, ...rows.map((r) => `${r.namespace}/${r.claim}`.length));
  return [
    'Backup coverage (every volume in dist/ and what protects it):',
    ...rows.map((r) => `  ${`${r.namespace}/${r.claim}`.padEnd(width)}  ${r.coveredBy ?? 'NOT COVERED'}`),
  ];
}
