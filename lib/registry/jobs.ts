import * as fs from 'fs';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { configHash } from '../core/config-hash';
import { PROJECT_ROOT } from '../core/paths';
import { emptyDir } from '../core/volumes';
import { Port } from '../network/peer';
import { NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import { ADMIN_USER, env, HARBOR, harborContainer, HarborIdentity, HarborJobPod, podSpec, secretEnv } from './component';
import { proxyProject, RegistryConfig } from './config';
import { harborFlow } from './network';
import { DATA_UID, DEFAULT_REGISTRY, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS, HARBOR_UID } from './defaults';


const SCRIPTS_DIR = path.join(PROJECT_ROOT, 'lib', 'registry', 'scripts');
const script = (file: string) => fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8');

/** A Job spec of one pod that runs to completion: each retry a new pod (restartPolicy Never), so each failure keeps its log. */
function runOnce(identity: HarborIdentity, uid: number, limits: { backoffLimit: number; activeDeadlineSeconds: number }, pod: HarborJobPod): k8s.JobSpec {
  return { ...limits, template: { metadata: { labels: identity.labels }, spec: podSpec(uid, { restartPolicy: 'Never', ...pod }) } };
}

/** Harbor's registry endpoint for each upstream a proxy cache may name (the adapter type and the URL Harbor calls). */
export const UPSTREAMS: Record<string, { readonly type: string; readonly url: string }> = {
  'docker.io': { type: 'docker-hub', url: 'https://hub.docker.com' },
  'registry.k8s.io': { type: 'docker-registry', url: 'https://registry.k8s.io' },
  // Harbor's quay adapter may not back a proxy cache (PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE); Quay speaks the plain registry API.
  'quay.io': { type: 'docker-registry', url: 'https://quay.io' },
  'ghcr.io': { type: 'github-ghcr', url: 'https://ghcr.io' },
};

/**
 * The day-one Job: waits for core, then creates the configured projects and proxy-cache projects through the API
 * with the admin Secret. Idempotent (existing projects and endpoints are left alone). Its name carries a hash of what
 * it creates, so a changed list is a new Job (Job templates are immutable) and an unchanged one is left applied.
 * It runs in the harbor-core image, which carries curl (Harbor's own health check uses it).
 */
export function addDayOneJob(scope: Construct, r: RegistryConfig): k8s.KubeJob {
  const ns = r.namespace;
  const text = script('day-one.sh');
  const caches = r.proxyCache.map((p) => {
    const upstream = UPSTREAMS[p.upstream];
    return `${proxyProject(p)}|${p.upstream}|${upstream.type}|${upstream.url}`;
  });
  const inputs = { PROJECTS: r.projects.join(' '), PROXY_CACHES: caches.join(' ') };
  const name = `${HARBOR.dayOne.name}-${configHash(text, JSON.stringify(inputs)).slice(0, 8)}`;
  new k8s.KubeConfigMap(scope, 'Script', {
    metadata: { name: HARBOR.dayOne.name, namespace: ns, labels: HARBOR.dayOne.labels },
    data: { 'day-one.sh': text },
  });
  const job = new k8s.KubeJob(scope, 'Resource', {
    metadata: { name, namespace: ns, labels: HARBOR.dayOne.labels },
    spec: runOnce(HARBOR.dayOne, HARBOR_UID, { backoffLimit: 6, activeDeadlineSeconds: 1800 }, {
      containers: [harborContainer({
        name: 'day-one', image: HARBOR_IMAGES.core, resources: r.resources.jobs,
        command: ['/bin/sh', '/scripts/day-one.sh'],
        env: [
          env('HARBOR_URL', `http://${HARBOR.core.name}`), env('HARBOR_USER', ADMIN_USER),
          secretEnv('HARBOR_PASSWORD', HARBOR_SECRETS.admin.name, HARBOR_SECRETS.admin.keys.password),
          env('PROJECTS', inputs.PROJECTS), env('PROXY_CACHES', inputs.PROXY_CACHES),
        ],
        volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
      })],
      volumes: [{ name: 'scripts', configMap: { name: HARBOR.dayOne.name } }, emptyDir('tmp', '16Mi')],
    }),
  });
  harborFlow(scope, ns, HARBOR.dayOne, HARBOR.core, [Port.tcp(HARBOR_PORTS.http)], 'the day-one Job creates projects through the core API');
  return job;
}

/** The nightly dump's volume and claim (for the backup coverage). */
export interface HarborBackup {
  readonly volume: NfsVolume;
  readonly claim: NfsVolumeClaim;
}

/**
 * A CronJob running pg_dump in the harbor-db image (its client matches the server) against the database Service,
 * writing compressed custom-format dumps onto their own NFS export. Forbid: never two at once; failed Jobs are
 * kept so the failure and its log stay visible.
 */
export function addDatabaseBackup(scope: Construct, r: RegistryConfig, nfsServer: string): HarborBackup {
  const ns = r.namespace;
  const b = r.backup;
  const text = script('backup.sh');
  const volume = new NfsVolume(scope, 'Volume', {
    name: 'harbor-database-backup',
    server: nfsServer,
    path: b.exportPath,
    capacity: b.size,
    storageClass: { name: DEFAULT_REGISTRY.storageClasses.nfs },
    claim: { namespace: ns, name: 'harbor-database-backup' },
    labels: HARBOR.backup.stableLabels,
  });
  const claim = new NfsVolumeClaim(scope, 'Claim', { name: 'harbor-database-backup', namespace: ns, volume, labels: HARBOR.backup.stableLabels });
  new k8s.KubeConfigMap(scope, 'Script', { metadata: { name: HARBOR.backup.name, namespace: ns, labels: HARBOR.backup.labels }, data: { 'backup.sh': text } });
  new k8s.KubeCronJob(scope, 'Resource', {
    metadata: { name: HARBOR.backup.name, namespace: ns, labels: HARBOR.backup.labels },
    spec: {
      schedule: b.schedule,
      timeZone: b.timeZone,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
      jobTemplate: {
        metadata: { labels: HARBOR.backup.labels },
        spec: runOnce(HARBOR.backup, DATA_UID, { backoffLimit: 2, activeDeadlineSeconds: 3600 }, {
          containers: [harborContainer({
            name: 'backup', image: HARBOR_IMAGES.database, resources: r.resources.jobs,
            command: ['/bin/sh', '/scripts/backup.sh'],
            env: [
              env('PGHOST', HARBOR.database.name), env('PGPORT', HARBOR_PORTS.database), env('PGUSER', 'postgres'), env('PGDATABASE', 'registry'),
              secretEnv('PGPASSWORD', HARBOR_SECRETS.database.name, HARBOR_SECRETS.database.keys.password),
              env('BACKUP_DIR', '/backup'), env('BACKUP_RETENTION_DAYS', b.retentionDays),
            ],
            volumeMounts: [{ name: 'backup', mountPath: '/backup' }, { name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
          })],
          volumes: [
            { name: 'backup', persistentVolumeClaim: { claimName: claim.name } },
            { name: 'scripts', configMap: { name: HARBOR.backup.name } },
            emptyDir('tmp', '64Mi'),
          ],
        }),
      },
    },
  });
  harborFlow(scope, ns, HARBOR.backup, HARBOR.database, [Port.tcp(HARBOR_PORTS.database)], 'the nightly pg_dump reads the Harbor database');
  return { volume, claim };
}
