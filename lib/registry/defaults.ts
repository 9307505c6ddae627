import { ContainerResources, ImageRef, resources } from '../core/security';
import { imagePin, IMAGES } from '../versions';

/**
 * Harbor v2.15: the newest minor line (2.15.0 April 2026, 2.15.2 July 2026). Harbor maintains its three newest minor
 * lines for about nine months each (goharbor/harbor RELEASES.md), so 2.15 is supported on 2026-12-01. Harbor runs as
 * ordinary Deployments and StatefulSets with no API-version-specific objects, so Kubernetes 1.27–1.36 all run it
 * (harbor-helm 1.19 asks for 1.20+). Every image of one release carries the same tag; they are pinned together.
 */
export const HARBOR_VERSION = IMAGES.harborCore.tag;

/** The images of the release, from the versions table (harbor-helm's values.yaml names the same repositories). */
export const HARBOR_IMAGES = {
  core: imagePin('harborCore'),
  portal: imagePin('harborPortal'),
  registry: imagePin('harborRegistry'),
  registryctl: imagePin('harborRegistryctl'),
  jobservice: imagePin('harborJobservice'),
  trivy: imagePin('harborTrivy'),
  database: imagePin('harborDatabase'),
  redis: imagePin('harborRedis'),
  exporter: imagePin('harborExporter'),
} as const satisfies Record<string, ImageRef>;

export type HarborComponent = keyof typeof HARBOR_IMAGES;

/**
 * The programs, started directly instead of through the images' entrypoints. Every Harbor entrypoint first runs
 * install_cert.sh, which rewrites /etc/pki/tls/certs/ca-bundle.crt and keeps a copy beside itself — both in the
 * root filesystem, which is read-only here — and then execs exactly these (goharbor/harbor v2.15.2,
 * make/photon/<component>/entrypoint.sh). Without custom CAs to append there is nothing to lose by skipping it.
 */
export const HARBOR_COMMANDS = {
  core: ['/harbor/harbor_core'],
  jobservice: ['/harbor/harbor_jobservice', '-c', '/etc/jobservice/config.yml'],
  registry: ['/usr/bin/registry_DO_NOT_USE_GC', 'serve', '/etc/registry/config.yml'],
  registryctl: ['/home/harbor/harbor_registryctl', '-c', '/etc/registryctl/config.yml'],
  trivy: ['/home/scanner/bin/scanner-trivy'],
  exporter: ['/harbor/harbor_exporter'],
} as const;

const r = resources;

/**
 * Requests and limits per container, sized for a small cluster (a handful of users, pushes of a few hundred MB).
 * harbor-helm leaves all but one unset; these come from the components' idle footprint with room for a push or a
 * scan. Trivy and PostgreSQL get the widest limits: a scan of a large image and a vacuum are their peaks.
 */
export const DEFAULT_HARBOR_RESOURCES = {
  core: r('100m', '192Mi', '1', '512Mi'),
  portal: r('10m', '16Mi', '100m', '64Mi'),
  registry: r('50m', '96Mi', '1', '512Mi'),
  registryctl: r('10m', '32Mi', '200m', '128Mi'),
  jobservice: r('50m', '96Mi', '500m', '384Mi'),
  trivy: r('100m', '256Mi', '1', '1Gi'),
  database: r('100m', '192Mi', '1', '768Mi'),
  redis: r('20m', '32Mi', '200m', '256Mi'),
  exporter: r('20m', '32Mi', '200m', '128Mi'),
  /** The day-one Job and the nightly pg_dump (one at a time, never together with a rollout of the database). */
  jobs: r('20m', '64Mi', '500m', '256Mi'),
} as const satisfies Record<string, ContainerResources>;

/** Ports the components listen on without internal TLS (harbor-helm `_helpers.tpl`). */
export const HARBOR_PORTS = {
  /** core, portal, jobservice, registryctl and trivy all serve HTTP on 8080 inside their pods. */
  http: 8080,
  /** Port of the core and portal Services (named http): what the entry point routes to. */
  servicePort: 80,
  registry: 5000,
  /** Metrics of core, registry, jobservice and the exporter (harbor-helm `metrics.*.port`). */
  metrics: 8001,
  database: 5432,
  redis: 6379,
} as const;

/** Redis databases per client (harbor-helm's internal Redis: core 0, jobservice 1, registry 2, trivy 5). */
export const REDIS_DATABASES = { core: 0, jobservice: 1, registry: 2, trivy: 5 } as const;

/** uid/gid the goharbor images run as: 10000 for the Harbor programs, 999 for PostgreSQL and Redis. */
export const HARBOR_UID = 10000;
export const DATA_UID = 999;

/** The user core authenticates to the registry as (the registry's htpasswd holds its bcrypt hash). */
export const REGISTRY_USER = 'harbor_registry_user';

/** Names of the Secrets created once (never in dist/) and their keys. */
export const HARBOR_SECRETS = {
  admin: { name: 'harbor-admin', keys: { password: 'password' } },
  internal: {
    name: 'harbor-internal',
    keys: { secretKey: 'secret-key', coreSecret: 'core-secret', jobserviceSecret: 'jobservice-secret', registryHttpSecret: 'registry-http-secret', csrfKey: 'csrf-key' },
  },
  token: { name: 'harbor-token-signing', keys: { key: 'tls.key', certificate: 'tls.crt' } },
  database: { name: 'harbor-database', keys: { password: 'password' } },
  redis: { name: 'harbor-redis', keys: { password: 'password' } },
  registryCredentials: { name: 'harbor-registry-credentials', keys: { password: 'password', htpasswd: 'htpasswd' } },
} as const;

/** Harbor's `secretKey` encrypts stored credentials with AES and must be exactly 16 characters. */
export const SECRET_KEY_LENGTH = 16;
/** Harbor's CSRF key must be exactly 32 characters. */
export const CSRF_KEY_LENGTH = 32;

export const DEFAULT_REGISTRY = {
  namespace: 'harbor',
  host: 'harbor.lab.example',
  tlsSecretName: 'harbor-tls',
  storageClasses: { nfs: 'harbor-nfs', local: 'harbor-local' },
  blobs: { exportPath: '/nfs_harbor_registry', size: '50Gi' },
  database: { path: '/mnt/local-storage/harbor-database', size: '5Gi' },
  redis: { path: '/mnt/local-storage/harbor-redis', size: '1Gi' },
  trivy: { path: '/mnt/local-storage/harbor-trivy', size: '5Gi' },
  backup: { enabled: true, schedule: '15 3 * * *', timeZone: 'Etc/UTC', retentionDays: 7, exportPath: '/nfs_harbor_backup', size: '10Gi' },
} as const;
