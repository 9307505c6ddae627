import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NfsStorageClass, NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import { LocalStorageClass, LocalVolume } from '../storage/local-volume';
import { DATA, env, HARBOR, harborContainer, HarborIdentity, harborService, harborStatefulSet, mount, podSpec, probes, redisPassword, secretEnv, tmp } from './component';
import { RegistryConfig } from './config';
import { DATA_UID, DEFAULT_REGISTRY, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS } from './defaults';
import { emptyDir } from '../core/volumes';

/** Where Harbor keeps its state. */
export interface HarborDataStores {
  readonly blobs: { readonly volume: NfsVolume; readonly claim: NfsVolumeClaim };
  readonly localVolumes: { readonly database: LocalVolume; readonly redis: LocalVolume; readonly trivy?: LocalVolume };
}

/**
 * Harbor's state: blobs on a pre-bound NFS PersistentVolume (Retain), PostgreSQL, Redis and the Trivy cache on local
 * volumes (never a database on NFS), and the two data stores themselves (`Storage`, `Database`, `Redis` under `scope`).
 */
export function addDataStores(scope: Construct, r: RegistryConfig, nfsServer: string, volumeNodes: { readonly database: string; readonly redis: string; readonly trivy: string }): HarborDataStores {
  const ns = r.namespace;
  const res = r.resources;
  const props = { nfsServer, volumeNodes };
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

  /** A data store: its Service on its one port (named like the container's) and its one-pod StatefulSet on a local volume. */
  const dataStore = (id: string, identity: HarborIdentity, port: { name: string; port: number }, size: string, pod: k8s.PodSpec) => {
    const store = new Construct(scope, id);
    harborService(store, ns, identity, [{ ...port, targetPort: port.name }]);
    harborStatefulSet(store, ns, identity, pod, { size, storageClassName: localClass.name });
  };

  // PostgreSQL (Harbor's own image: it creates the `registry` database on first start).
  dataStore('Database', HARBOR.database, { name: 'postgres', port: HARBOR_PORTS.database }, r.storage.database.size, podSpec(DATA_UID, {
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
  }, false));

  // Redis (Valkey), with a password (harbor-helm's internal Redis has none).
  dataStore('Redis', HARBOR.redis, { name: 'redis', port: HARBOR_PORTS.redis }, r.storage.redis.size, podSpec(DATA_UID, {
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
  }));

  return { blobs: { volume: blobVolume, claim: blobClaim }, localVolumes };
}
