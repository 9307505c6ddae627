import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { restrictedPodSecurity } from '../core/security';
import { emptyDir } from '../core/volumes';
import { namespaceBudget, WorkloadBudget } from '../observability/budget';
import { NfsStorageClass, NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import { LocalStorageClass, LocalVolume } from '../storage/local-volume';
import { DnsSettings, TenantNamespace } from '../tenancy/tenant-namespace';
import { disruptionBudget, env, harborContainer, HarborIdentity, harborService, httpGet, probes, secretEnv } from './component';
import { coreAppConf, jobserviceConfig, portalNginxConf, registryConfig, registryctlConfig } from './config-files';
import { RegistryConfig } from './config';
import {
  DATA_UID, DEFAULT_REGISTRY, HARBOR_COMMANDS, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS, HARBOR_UID, REDIS_DATABASES, REGISTRY_USER,
} from './defaults';

/** Where the cluster's pieces are that Harbor needs: the NFS server, the nodes of its local volumes, DNS. */
export interface HarborProps {
  /** The `registry:` section (validated, with defaults). */
  readonly config: RegistryConfig;
  /** NFS server of the blob and backup exports. */
  readonly nfsServer: string;
  /** Node of each local volume. */
  readonly volumeNodes: { readonly database: string; readonly redis: string; readonly trivy: string };
  /** Cluster DNS. @default - kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSettings;
}

/** The Harbor components, by name, as other code (flows, offers, tests) refers to them. */
export const HARBOR = {
  core: new HarborIdentity('core'),
  portal: new HarborIdentity('portal'),
  registry: new HarborIdentity('registry'),
  jobservice: new HarborIdentity('jobservice'),
  trivy: new HarborIdentity('trivy'),
  database: new HarborIdentity('database'),
  redis: new HarborIdentity('redis'),
  exporter: new HarborIdentity('exporter'),
  dayOne: new HarborIdentity('day-one'),
  backup: new HarborIdentity('backup'),
} as const;

/** Name of every claim template and of the registry's blob claim. */
const DATA = 'data';
const BLOB_DIR = '/storage';
/** Harbor's built-in administrator (its password is HARBOR_ADMIN_PASSWORD, used on first start only). */
export const ADMIN_USER = 'admin';

/** What the registry unit built, for offers and tests. */
export interface HarborStack {
  readonly namespace: TenantNamespace;
  readonly config: RegistryConfig;
  /** The blob volume and its claim. */
  readonly blobs: { readonly volume: NfsVolume; readonly claim: NfsVolumeClaim };
  /** Local volumes of the StatefulSets, by component. */
  readonly localVolumes: { readonly database: LocalVolume; readonly redis: LocalVolume; readonly trivy?: LocalVolume };
  /** In-cluster URL of core (`http://harbor-core.<ns>.svc`). */
  readonly coreUrl: string;
  /** `https://<host>`: what core calls externalURL (EXT_ENDPOINT), derived from the host only. */
  readonly externalUrl: string;
  /** Pods serving metrics on port 8001, by scrape job. */
  readonly metricsPods: ReadonlyArray<{ readonly job: string; readonly identity: HarborIdentity }>;
}

/** `redis://:$(REDIS_PASSWORD)@harbor-redis:6379/<db>`: Kubernetes expands the variable from the Secret, so no password is in dist/. */
function redisUrl(db: number, query = ''): string {
  return `redis://:$(REDIS_PASSWORD)@${HARBOR.redis.name}:${HARBOR_PORTS.redis}/${db}${query}`;
}
const redisPassword = () => secretEnv('REDIS_PASSWORD', HARBOR_SECRETS.redis.name, HARBOR_SECRETS.redis.keys.password);
const internal = (name: string, key: keyof typeof HARBOR_SECRETS.internal.keys) => secretEnv(name, HARBOR_SECRETS.internal.name, HARBOR_SECRETS.internal.keys[key]);
const mount = (name: string, mountPath: string, opts: { subPath?: string; readOnly?: boolean } = {}): k8s.VolumeMount => ({ name, mountPath, ...opts });
const tmp = () => emptyDir('tmp', '256Mi');

/** The pod spec every Harbor pod shares: uid 10000 (999 for PostgreSQL and Redis), no API token, no service links. */
export function podSpec(uid: number, spec: Omit<k8s.PodSpec, 'securityContext'>, fsGroup = true): k8s.PodSpec {
  const security = restrictedPodSecurity(uid, { fsGroupChangePolicy: 'OnRootMismatch' });
  const { fsGroup: _fsGroup, fsGroupChangePolicy: _policy, ...withoutFsGroup } = security;
  return {
    serviceAccountName: 'harbor',
    automountServiceAccountToken: false,
    // Service links would inject HARBOR_CORE_PORT and the like, which collide with Harbor's own variables.
    enableServiceLinks: false,
    securityContext: fsGroup ? security : withoutFsGroup,
    ...spec,
  };
}

function template(identity: HarborIdentity, spec: k8s.PodSpec, hash?: string): k8s.PodTemplateSpec {
  return { metadata: { labels: identity.labels, ...(hash ? { annotations: { [CONFIG_HASH_ANNOTATION]: hash } } : {}) }, spec };
}

function deployment(scope: Construct, namespace: string, identity: HarborIdentity, replicas: number, spec: k8s.PodSpec, opts: { hash?: string; recreate?: boolean } = {}): void {
  new k8s.KubeDeployment(scope, 'Resource', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: {
      replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: identity.selector },
      // The registry mounts a ReadWriteOnce volume: the old pod must be gone before the new one starts.
      strategy: opts.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: template(identity, spec, opts.hash),
    },
  });
  disruptionBudget(scope, namespace, identity, replicas);
}

function statefulSet(scope: Construct, namespace: string, identity: HarborIdentity, spec: k8s.PodSpec, claim: { size: string; storageClassName: string }): void {
  new k8s.KubeStatefulSet(scope, 'Resource', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: {
      replicas: 1,
      serviceName: identity.name,
      selector: { matchLabels: identity.selector },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: template(identity, spec),
      volumeClaimTemplates: [{
        metadata: { name: DATA, labels: identity.stableLabels },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: claim.storageClassName, resources: { requests: { storage: k8s.Quantity.fromString(claim.size) } } },
      }],
    },
  });
}

/** What each workload costs the namespace (the quota is computed from this; the quota-fit check proves it against the pods). */
export function harborWorkloads(r: RegistryConfig): WorkloadBudget[] {
  const ns = r.namespace;
  const res = r.resources;
  return [
    { name: 'core', namespace: ns, pods: r.coreReplicas, surge: true, resources: res.core },
    { name: 'portal', namespace: ns, pods: r.portalReplicas, surge: true, resources: res.portal },
    { name: 'registry', namespace: ns, pods: 1, surge: false, resources: res.registry, claims: [r.storage.blobs.size] },
    // registryctl shares the registry's pod: counted as a pod of its own, which only over-counts the pod quota by one.
    { name: 'registryctl', namespace: ns, pods: 1, surge: false, resources: res.registryctl },
    { name: 'jobservice', namespace: ns, pods: 1, surge: true, resources: res.jobservice },
    ...(r.trivy.enabled ? [{ name: 'trivy', namespace: ns, pods: 1, surge: false, resources: res.trivy, claims: [r.storage.trivy.size] }] : []),
    { name: 'database', namespace: ns, pods: 1, surge: false, resources: res.database, claims: [r.storage.database.size] },
    { name: 'redis', namespace: ns, pods: 1, surge: false, resources: res.redis, claims: [r.storage.redis.size] },
    { name: 'exporter', namespace: ns, pods: 1, surge: true, resources: res.exporter },
    { name: 'day-one', namespace: ns, pods: 1, surge: false, resources: res.jobs },
    ...(r.backup.enabled ? [{ name: 'backup', namespace: ns, pods: 1, surge: false, resources: res.jobs, claims: [r.backup.size] }] : []),
  ];
}

/**
 * Harbor as direct children of `scope` (one file each in dist/): the namespace (default-deny, quota from the
 * workloads), storage, PostgreSQL, Redis, core, portal, registry with registryctl, jobservice, Trivy and the
 * exporter. Flows, exposure, the day-one Job and the backup are added by their own modules (see part.ts).
 */
export function buildHarbor(scope: Construct, props: HarborProps): HarborStack {
  const r = props.config;
  const ns = r.namespace;
  const res = r.resources;
  const externalUrl = `https://${r.host}`;
  const coreUrl = `http://${HARBOR.core.name}.${ns}.svc`;

  const budget = namespaceBudget(harborWorkloads(r));
  const namespace = new TenantNamespace(scope, 'Namespace', {
    name: ns,
    podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
    quota: budget.quota,
    limits: budget.limits,
    allowSameNamespace: false,
    dns: props.dns,
    component: 'registry-namespace',
  });
  new k8s.KubeServiceAccount(namespace, 'HarborServiceAccount', {
    metadata: { name: 'harbor', namespace: ns, labels: HARBOR.core.stableLabels },
    automountServiceAccountToken: false,
  });

  // Storage: blobs on NFS (a pre-bound PV, Retain), the databases and the scan cache on local disks.
  const storage = new Construct(scope, 'Storage');
  const nfsClass = new NfsStorageClass(storage, 'NfsClass', { name: DEFAULT_REGISTRY.storageClasses.nfs, labels: HARBOR.registry.stableLabels });
  const localClass = new LocalStorageClass(storage, 'LocalClass', { name: DEFAULT_REGISTRY.storageClasses.local, labels: HARBOR.database.stableLabels });
  const blobVolume = new NfsVolume(storage, 'BlobVolume', {
    name: 'harbor-registry-blobs',
    server: props.nfsServer,
    path: r.storage.blobs.exportPath,
    capacity: r.storage.blobs.size,
    storageClass: nfsClass,
    claim: { namespace: ns, name: 'harbor-registry-blobs' },
    labels: HARBOR.registry.stableLabels,
  });
  const blobClaim = new NfsVolumeClaim(storage, 'BlobClaim', { name: 'harbor-registry-blobs', namespace: ns, volume: blobVolume, labels: HARBOR.registry.stableLabels });
  const local = (id: string, identity: HarborIdentity, node: string, v: { path: string; size: string }) => new LocalVolume(storage, id, {
    name: `${identity.name}-${node}`, node, path: v.path, size: v.size, storageClassName: localClass.name,
    claim: { namespace: ns, statefulSet: identity.name, claimTemplate: DATA }, labels: identity.stableLabels,
  });
  const localVolumes = {
    database: local('DatabaseVolume', HARBOR.database, props.volumeNodes.database, r.storage.database),
    redis: local('RedisVolume', HARBOR.redis, props.volumeNodes.redis, r.storage.redis),
    ...(r.trivy.enabled ? { trivy: local('TrivyVolume', HARBOR.trivy, props.volumeNodes.trivy, r.storage.trivy) } : {}),
  };

  // PostgreSQL (Harbor's own image: it creates the `registry` database on first start).
  const database = new Construct(scope, 'Database');
  harborService(database, ns, HARBOR.database, [{ name: 'postgres', port: HARBOR_PORTS.database, targetPort: 'postgres' }]);
  statefulSet(database, ns, HARBOR.database, podSpec(DATA_UID, {
    // PostgreSQL refuses a data directory with group access, which fsGroup would add: the directory is owned by 999 instead.
    // The image's entrypoint initialises pg18 under $PGDATA/pg18 on first start; the socket is in /run/postgresql.
    terminationGracePeriodSeconds: 120,
    containers: [harborContainer({
      name: 'database', image: HARBOR_IMAGES.database, resources: res.database,
      ports: [{ name: 'postgres', containerPort: HARBOR_PORTS.database }],
      env: [env('PGDATA', '/var/lib/postgresql/data/pgdata'), secretEnv('POSTGRES_PASSWORD', HARBOR_SECRETS.database.name, HARBOR_SECRETS.database.keys.password)],
      ...probes({ exec: { command: ['/docker-healthcheck.sh'] } }, { startupSeconds: 300 }),
      volumeMounts: [mount(DATA, '/var/lib/postgresql/data'), mount('run', '/run/postgresql'), mount('tmp', '/tmp'), mount('shm', '/dev/shm')],
    })],
    volumes: [emptyDir('run', '1Mi'), tmp(), emptyDir('shm', '64Mi', 'Memory')],
  }, false), { size: r.storage.database.size, storageClassName: localClass.name });

  // Redis (Valkey), with a password (harbor-helm's internal Redis has none).
  const redis = new Construct(scope, 'Redis');
  harborService(redis, ns, HARBOR.redis, [{ name: 'redis', port: HARBOR_PORTS.redis, targetPort: 'redis' }]);
  statefulSet(redis, ns, HARBOR.redis, podSpec(DATA_UID, {
    terminationGracePeriodSeconds: 60,
    containers: [harborContainer({
      name: 'redis', image: HARBOR_IMAGES.redis, resources: res.redis,
      // $(REDIS_PASSWORD) is expanded by the kubelet from the Secret; the password is never in dist/.
      // The image's redis.conf writes its pid file to the read-only /var/run: moved to /tmp.
      command: ['valkey-server', '/etc/redis.conf', '--requirepass', '$(REDIS_PASSWORD)', '--pidfile', '/tmp/valkey.pid'],
      env: [redisPassword()],
      ports: [{ name: 'redis', containerPort: HARBOR_PORTS.redis }],
      ...probes({ tcpSocket: { port: k8s.IntOrString.fromString('redis') } }),
      volumeMounts: [mount(DATA, '/var/lib/redis'), mount('tmp', '/tmp')],
    })],
    volumes: [emptyDir('tmp', '16Mi')],
  }), { size: r.storage.redis.size, storageClassName: localClass.name });

  // core: the API, the token service and the proxy to the registry.
  const core = new Construct(scope, 'Core');
  const coreEnv = {
    CONFIG_PATH: '/etc/core/app.conf', PORT: HARBOR_PORTS.http, DATABASE_TYPE: 'postgresql',
    POSTGRESQL_HOST: HARBOR.database.name, POSTGRESQL_PORT: HARBOR_PORTS.database, POSTGRESQL_USERNAME: 'postgres',
    POSTGRESQL_DATABASE: 'registry', POSTGRESQL_SSLMODE: 'disable', POSTGRESQL_MAX_IDLE_CONNS: 10, POSTGRESQL_MAX_OPEN_CONNS: 50,
    EXT_ENDPOINT: externalUrl,
    CORE_URL: `http://${HARBOR.core.name}:80`, JOBSERVICE_URL: `http://${HARBOR.jobservice.name}`,
    REGISTRY_URL: `http://${HARBOR.registry.name}:${HARBOR_PORTS.registry}`, TOKEN_SERVICE_URL: `http://${HARBOR.core.name}:80/service/token`,
    CORE_LOCAL_URL: `http://127.0.0.1:${HARBOR_PORTS.http}`, WITH_TRIVY: r.trivy.enabled, TRIVY_ADAPTER_URL: `http://${HARBOR.trivy.name}:${HARBOR_PORTS.http}`,
    REGISTRY_STORAGE_PROVIDER_NAME: 'filesystem', LOG_LEVEL: 'info', CHART_CACHE_DRIVER: 'redis',
    PORTAL_URL: `http://${HARBOR.portal.name}`, REGISTRY_CONTROLLER_URL: `http://${HARBOR.registry.name}:${HARBOR_PORTS.http}`,
    REGISTRY_CREDENTIAL_USERNAME: REGISTRY_USER,
    PERMITTED_REGISTRY_TYPES_FOR_PROXY_CACHE: 'docker-hub,harbor,azure-acr,ali-acr,aws-ecr,google-gcr,docker-registry,github-ghcr,jfrog-artifactory',
    METRIC_ENABLE: true, METRIC_PATH: '/metrics', METRIC_PORT: HARBOR_PORTS.metrics, METRIC_NAMESPACE: 'harbor', METRIC_SUBSYSTEM: 'core',
  };
  const appConf = coreAppConf();
  new k8s.KubeConfigMap(core, 'Config', {
    metadata: { name: HARBOR.core.name, namespace: ns, labels: HARBOR.core.labels },
    data: { 'app.conf': appConf, ...Object.fromEntries(Object.entries(coreEnv).map(([k, v]) => [k, String(v)])) },
  });
  harborService(core, ns, HARBOR.core, [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: HARBOR_PORTS.metrics, targetPort: 'metrics' }]);
  deployment(core, ns, HARBOR.core, r.coreReplicas, podSpec(HARBOR_UID, {
    terminationGracePeriodSeconds: 120,
    containers: [harborContainer({
      name: 'core', image: HARBOR_IMAGES.core, resources: res.core, command: [...HARBOR_COMMANDS.core],
      ports: [{ name: 'http', containerPort: HARBOR_PORTS.http }, { name: 'metrics', containerPort: HARBOR_PORTS.metrics }],
      envFrom: [{ configMapRef: { name: HARBOR.core.name } }],
      env: [
        internal('CORE_SECRET', 'coreSecret'), internal('JOBSERVICE_SECRET', 'jobserviceSecret'), internal('CSRF_KEY', 'csrfKey'),
        secretEnv('HARBOR_ADMIN_PASSWORD', HARBOR_SECRETS.admin.name, HARBOR_SECRETS.admin.keys.password),
        secretEnv('POSTGRESQL_PASSWORD', HARBOR_SECRETS.database.name, HARBOR_SECRETS.database.keys.password),
        secretEnv('REGISTRY_CREDENTIAL_PASSWORD', HARBOR_SECRETS.registryCredentials.name, HARBOR_SECRETS.registryCredentials.keys.password),
        redisPassword(),
        env('_REDIS_URL_CORE', redisUrl(REDIS_DATABASES.core, '?idle_timeout_seconds=30')),
        env('_REDIS_URL_REG', redisUrl(REDIS_DATABASES.registry, '?idle_timeout_seconds=30')),
      ],
      ...probes({ httpGet: httpGet('/api/v2.0/ping', 'http') }, { startupSeconds: 300 }),
      volumeMounts: [
        mount('config', '/etc/core/app.conf', { subPath: 'app.conf', readOnly: true }),
        mount('secret-key', '/etc/core/key', { subPath: 'key', readOnly: true }),
        mount('token-signing', '/etc/core/private_key.pem', { subPath: 'private_key.pem', readOnly: true }),
        mount('token', '/etc/core/token'), mount('tmp', '/tmp'),
      ],
    })],
    volumes: [
      { name: 'config', configMap: { name: HARBOR.core.name, items: [{ key: 'app.conf', path: 'app.conf' }] } },
      { name: 'secret-key', secret: { secretName: HARBOR_SECRETS.internal.name, items: [{ key: HARBOR_SECRETS.internal.keys.secretKey, path: 'key' }], defaultMode: 0o440 } },
      { name: 'token-signing', secret: { secretName: HARBOR_SECRETS.token.name, items: [{ key: HARBOR_SECRETS.token.keys.key, path: 'private_key.pem' }], defaultMode: 0o440 } },
      emptyDir('token', '1Mi'), tmp(),
    ],
  }), { hash: configHash(appConf, JSON.stringify(coreEnv)) });

  // portal: the web UI (static files behind nginx).
  const portal = new Construct(scope, 'Portal');
  const nginxConf = portalNginxConf();
  new k8s.KubeConfigMap(portal, 'Config', { metadata: { name: HARBOR.portal.name, namespace: ns, labels: HARBOR.portal.labels }, data: { 'nginx.conf': nginxConf } });
  harborService(portal, ns, HARBOR.portal, [{ name: 'http', port: 80, targetPort: 'http' }]);
  deployment(portal, ns, HARBOR.portal, r.portalReplicas, podSpec(HARBOR_UID, {
    containers: [harborContainer({
      name: 'portal', image: HARBOR_IMAGES.portal, resources: res.portal,
      ports: [{ name: 'http', containerPort: HARBOR_PORTS.http }],
      ...probes({ httpGet: httpGet('/', 'http') }),
      volumeMounts: [mount('config', '/etc/nginx/nginx.conf', { subPath: 'nginx.conf', readOnly: true }), mount('tmp', '/tmp')],
    })],
    volumes: [{ name: 'config', configMap: { name: HARBOR.portal.name } }, tmp()],
  }), { hash: configHash(nginxConf) });

  // registry and registryctl: one pod on the blob volume (one writer, hence Recreate).
  const registry = new Construct(scope, 'Registry');
  const regConf = registryConfig({ redisHost: HARBOR.redis.name, dataDir: BLOB_DIR });
  const ctlConf = registryctlConfig();
  new k8s.KubeConfigMap(registry, 'Config', { metadata: { name: HARBOR.registry.name, namespace: ns, labels: HARBOR.registry.labels }, data: { 'config.yml': regConf, 'ctl-config.yml': ctlConf } });
  harborService(registry, ns, HARBOR.registry, [
    { name: 'registry', port: HARBOR_PORTS.registry, targetPort: 'registry' },
    { name: 'controller', port: HARBOR_PORTS.http, targetPort: 'controller' },
    { name: 'metrics', port: HARBOR_PORTS.metrics, targetPort: 'metrics' },
  ]);
  const httpSecret = internal('REGISTRY_HTTP_SECRET', 'registryHttpSecret');
  const registryRedis = secretEnv('REGISTRY_REDIS_PASSWORD', HARBOR_SECRETS.redis.name, HARBOR_SECRETS.redis.keys.password);
  deployment(registry, ns, HARBOR.registry, 1, podSpec(HARBOR_UID, {
    terminationGracePeriodSeconds: 120,
    containers: [
      harborContainer({
        name: 'registry', image: HARBOR_IMAGES.registry, resources: res.registry, command: [...HARBOR_COMMANDS.registry],
        ports: [{ name: 'registry', containerPort: HARBOR_PORTS.registry }, { name: 'metrics', containerPort: HARBOR_PORTS.metrics }],
        env: [httpSecret, registryRedis],
        ...probes({ httpGet: httpGet('/', 'registry') }),
        volumeMounts: [
          mount(DATA, BLOB_DIR),
          mount('htpasswd', '/etc/registry/passwd', { subPath: 'passwd', readOnly: true }),
          mount('config', '/etc/registry/config.yml', { subPath: 'config.yml', readOnly: true }),
          mount('tmp', '/tmp'),
        ],
      }),
      harborContainer({
        name: 'registryctl', image: HARBOR_IMAGES.registryctl, resources: res.registryctl, command: [...HARBOR_COMMANDS.registryctl],
        ports: [{ name: 'controller', containerPort: HARBOR_PORTS.http }],
        env: [httpSecret, registryRedis, internal('CORE_SECRET', 'coreSecret'), internal('JOBSERVICE_SECRET', 'jobserviceSecret')],
        ...probes({ httpGet: httpGet('/api/health', 'controller') }),
        volumeMounts: [
          mount(DATA, BLOB_DIR),
          mount('config', '/etc/registry/config.yml', { subPath: 'config.yml', readOnly: true }),
          mount('config', '/etc/registryctl/config.yml', { subPath: 'ctl-config.yml', readOnly: true }),
          mount('tmp', '/tmp'),
        ],
      }),
    ],
    volumes: [
      { name: DATA, persistentVolumeClaim: { claimName: blobClaim.name } },
      { name: 'htpasswd', secret: { secretName: HARBOR_SECRETS.registryCredentials.name, items: [{ key: HARBOR_SECRETS.registryCredentials.keys.htpasswd, path: 'passwd' }], defaultMode: 0o440 } },
      { name: 'config', configMap: { name: HARBOR.registry.name } },
      tmp(),
    ],
  }), { hash: configHash(regConf, ctlConf), recreate: true });

  // jobservice: replication, garbage collection, scans; logs to stdout and the database.
  const jobservice = new Construct(scope, 'Jobservice');
  const jobConf = jobserviceConfig({ workers: 4 });
  const jobEnv = {
    CORE_URL: `http://${HARBOR.core.name}:80`, TOKEN_SERVICE_URL: `http://${HARBOR.core.name}:80/service/token`,
    REGISTRY_URL: `http://${HARBOR.registry.name}:${HARBOR_PORTS.registry}`, REGISTRY_CONTROLLER_URL: `http://${HARBOR.registry.name}:${HARBOR_PORTS.http}`,
    REGISTRY_CREDENTIAL_USERNAME: REGISTRY_USER, REGISTRY_HTTP_CLIENT_TIMEOUT: 15, LOG_LEVEL: 'info',
    METRIC_NAMESPACE: 'harbor', METRIC_SUBSYSTEM: 'jobservice',
  };
  new k8s.KubeConfigMap(jobservice, 'Config', {
    metadata: { name: HARBOR.jobservice.name, namespace: ns, labels: HARBOR.jobservice.labels },
    data: { 'config.yml': jobConf, ...Object.fromEntries(Object.entries(jobEnv).map(([k, v]) => [k, String(v)])) },
  });
  harborService(jobservice, ns, HARBOR.jobservice, [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: HARBOR_PORTS.metrics, targetPort: 'metrics' }]);
  deployment(jobservice, ns, HARBOR.jobservice, 1, podSpec(HARBOR_UID, {
    terminationGracePeriodSeconds: 120,
    containers: [harborContainer({
      name: 'jobservice', image: HARBOR_IMAGES.jobservice, resources: res.jobservice, command: [...HARBOR_COMMANDS.jobservice],
      ports: [{ name: 'http', containerPort: HARBOR_PORTS.http }, { name: 'metrics', containerPort: HARBOR_PORTS.metrics }],
      envFrom: [{ configMapRef: { name: HARBOR.jobservice.name } }],
      env: [
        internal('CORE_SECRET', 'coreSecret'), internal('JOBSERVICE_SECRET', 'jobserviceSecret'),
        secretEnv('REGISTRY_CREDENTIAL_PASSWORD', HARBOR_SECRETS.registryCredentials.name, HARBOR_SECRETS.registryCredentials.keys.password),
        redisPassword(),
        env('JOB_SERVICE_POOL_REDIS_URL', redisUrl(REDIS_DATABASES.jobservice)),
      ],
      ...probes({ httpGet: httpGet('/api/v1/stats', 'http') }, { startupSeconds: 300 }),
      volumeMounts: [mount('config', '/etc/jobservice/config.yml', { subPath: 'config.yml', readOnly: true }), mount('job-logs', '/var/log/jobs'), mount('tmp', '/tmp')],
    })],
    volumes: [{ name: 'config', configMap: { name: HARBOR.jobservice.name, items: [{ key: 'config.yml', path: 'config.yml' }] } }, emptyDir('job-logs', '64Mi'), tmp()],
  }), { hash: configHash(jobConf, JSON.stringify(jobEnv)) });

  // Trivy: offline unless a trivy-db mirror is named.
  if (r.trivy.enabled) {
    const trivy = new Construct(scope, 'Trivy');
    const online = r.trivy.dbRepository !== undefined;
    harborService(trivy, ns, HARBOR.trivy, [{ name: 'http', port: HARBOR_PORTS.http, targetPort: 'http' }]);
    statefulSet(trivy, ns, HARBOR.trivy, podSpec(HARBOR_UID, {
      containers: [harborContainer({
        name: 'trivy', image: HARBOR_IMAGES.trivy, resources: res.trivy, command: [...HARBOR_COMMANDS.trivy],
        ports: [{ name: 'http', containerPort: HARBOR_PORTS.http }],
        env: [
          env('SCANNER_LOG_LEVEL', 'info'), env('SCANNER_TRIVY_CACHE_DIR', '/home/scanner/.cache/trivy'), env('SCANNER_TRIVY_REPORTS_DIR', '/home/scanner/.cache/reports'),
          env('SCANNER_TRIVY_VULN_TYPE', 'os,library'), env('SCANNER_TRIVY_SEVERITY', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL'), env('SCANNER_TRIVY_IGNORE_UNFIXED', false),
          env('SCANNER_TRIVY_TIMEOUT', '5m0s'), env('SCANNER_TRIVY_SECURITY_CHECKS', 'vuln'), env('SCANNER_TRIVY_INSECURE', false),
          // No mirror: never download the vulnerability database (the namespace allows no egress for it either).
          env('SCANNER_TRIVY_SKIP_UPDATE', !online), env('SCANNER_TRIVY_SKIP_JAVA_DB_UPDATE', true), env('SCANNER_TRIVY_OFFLINE_SCAN', !online),
          ...(online ? [env('SCANNER_TRIVY_DB_REPOSITORY', r.trivy.dbRepository!)] : []),
          env('SCANNER_API_SERVER_ADDR', `:${HARBOR_PORTS.http}`),
          redisPassword(),
          env('SCANNER_REDIS_URL', redisUrl(REDIS_DATABASES.trivy)), env('SCANNER_STORE_REDIS_URL', redisUrl(REDIS_DATABASES.trivy)), env('SCANNER_JOB_QUEUE_REDIS_URL', redisUrl(REDIS_DATABASES.trivy)),
        ],
        readinessProbe: { httpGet: httpGet('/probe/ready', 'http'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        livenessProbe: { httpGet: httpGet('/probe/healthy', 'http'), periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
        volumeMounts: [mount(DATA, '/home/scanner/.cache'), mount('tmp', '/tmp')],
      })],
      volumes: [tmp()],
    }), { size: r.storage.trivy.size, storageClassName: localClass.name });
  }

  // The exporter: Harbor's own metrics (projects, quotas, jobs) read from core, the database and Redis.
  const exporter = new Construct(scope, 'Exporter');
  const exporterEnv = {
    LOG_LEVEL: 'info', HARBOR_EXPORTER_PORT: HARBOR_PORTS.metrics, HARBOR_EXPORTER_METRICS_PATH: '/metrics', HARBOR_EXPORTER_METRICS_ENABLED: true,
    HARBOR_EXPORTER_CACHE_TIME: 23, HARBOR_EXPORTER_CACHE_CLEAN_INTERVAL: 14400, HARBOR_METRIC_NAMESPACE: 'harbor', HARBOR_METRIC_SUBSYSTEM: 'exporter',
    HARBOR_REDIS_NAMESPACE: 'harbor_job_service_namespace', HARBOR_REDIS_TIMEOUT: 3600,
    HARBOR_SERVICE_SCHEME: 'http', HARBOR_SERVICE_HOST: HARBOR.core.name, HARBOR_SERVICE_PORT: 80,
    HARBOR_DATABASE_HOST: HARBOR.database.name, HARBOR_DATABASE_PORT: HARBOR_PORTS.database, HARBOR_DATABASE_USERNAME: 'postgres',
    HARBOR_DATABASE_DBNAME: 'registry', HARBOR_DATABASE_SSLMODE: 'disable', HARBOR_DATABASE_MAX_IDLE_CONNS: 2, HARBOR_DATABASE_MAX_OPEN_CONNS: 5,
  };
  new k8s.KubeConfigMap(exporter, 'Config', {
    metadata: { name: HARBOR.exporter.name, namespace: ns, labels: HARBOR.exporter.labels },
    data: Object.fromEntries(Object.entries(exporterEnv).map(([k, v]) => [k, String(v)])),
  });
  harborService(exporter, ns, HARBOR.exporter, [{ name: 'metrics', port: HARBOR_PORTS.metrics, targetPort: 'metrics' }]);
  deployment(exporter, ns, HARBOR.exporter, 1, podSpec(HARBOR_UID, {
    containers: [harborContainer({
      name: 'exporter', image: HARBOR_IMAGES.exporter, resources: res.exporter, command: [...HARBOR_COMMANDS.exporter],
      ports: [{ name: 'metrics', containerPort: HARBOR_PORTS.metrics }],
      envFrom: [{ configMapRef: { name: HARBOR.exporter.name } }],
      env: [
        secretEnv('HARBOR_DATABASE_PASSWORD', HARBOR_SECRETS.database.name, HARBOR_SECRETS.database.keys.password),
        redisPassword(),
        env('HARBOR_REDIS_URL', redisUrl(REDIS_DATABASES.jobservice)),
      ],
      ...probes({ httpGet: httpGet('/', 'metrics') }, { startupSeconds: 300 }),
      volumeMounts: [mount('tmp', '/tmp')],
    })],
    volumes: [tmp()],
  }), { hash: configHash(JSON.stringify(exporterEnv)) });

  return {
    namespace,
    config: r,
    blobs: { volume: blobVolume, claim: blobClaim },
    localVolumes,
    coreUrl,
    externalUrl,
    metricsPods: [
      { job: 'harbor-core', identity: HARBOR.core },
      { job: 'harbor-registry', identity: HARBOR.registry },
      { job: 'harbor-jobservice', identity: HARBOR.jobservice },
      { job: 'harbor-exporter', identity: HARBOR.exporter },
    ],
  };
}
