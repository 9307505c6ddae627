import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { Port } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { definePart, FirstTimeSecret, PartOffers, ScrapeTarget } from '../parts/platform-part';
import { checkRegistryConfig, RegistryConfig, registryNamespaces, registryNfsServer, registrySchema, registryVolumeNode } from './config';
import { CSRF_KEY_LENGTH, DEFAULT_HARBOR_RESOURCES, HARBOR_PORTS, HARBOR_SECRETS, REGISTRY_USER, SECRET_KEY_LENGTH } from './defaults';
import { exposeHarbor } from './exposure';
import { ExposedHost } from '../network/entry-point';
import { entryPointOf } from '../traffic/part';
import { buildHarbor, HarborStack } from './harbor';
import { HARBOR } from './component';
import { addDatabaseBackup, addDayOneJob, HarborBackup } from './jobs';
import { harborAlertRules, harborDashboard } from './monitoring';
import { addHarborFlows } from './network';
import { addRegistryHostFiles } from './node-config';

/** The registry unit: `25-registry`, Argo CD wave 25 (after the data services, before observability and the apps that pull from it). */
export const REGISTRY_UNIT = { folder: '25-registry', wave: 25, description: 'Registry: Harbor (core, portal, registry, jobservice, Trivy, PostgreSQL, Redis, exporter)' };

/** What the registry part built. */
export interface RegistryOutput extends HarborStack {
  readonly backup?: HarborBackup;
  /** The routes of its host (core's paths, the portal), as offered to the gateway part. */
  readonly exposed: readonly ExposedHost[];
}

/** The Secrets Harbor reads, created once by hand (`npm run secrets` prints the commands); none is ever in dist/. */
export function harborSecrets(r: RegistryConfig): FirstTimeSecret[] {
  const ns = r.namespace;
  const s = HARBOR_SECRETS;
  return [
    {
      namespace: ns, name: s.admin.name, readBy: 'core (first start only: later changes are made in the portal) and the day-one Job', configKey: 'registry',
      keys: [{ key: s.admin.keys.password, description: 'password of Harbor\'s admin user', value: 'random' }],
    },
    {
      namespace: ns, name: s.internal.name, readBy: 'core, jobservice, registry and registryctl', configKey: 'registry',
      keys: [
        { key: s.internal.keys.secretKey, description: 'key core encrypts stored credentials with (AES; never change it once set)', value: 'random', length: SECRET_KEY_LENGTH, charset: 'alphanumeric' },
        { key: s.internal.keys.coreSecret, description: 'shared secret of core with the other components', value: 'random', length: 32, charset: 'alphanumeric' },
        { key: s.internal.keys.jobserviceSecret, description: 'shared secret of jobservice', value: 'random', length: 32, charset: 'alphanumeric' },
        { key: s.internal.keys.registryHttpSecret, description: 'the registry\'s HTTP secret (signs upload state)', value: 'random', length: 32, charset: 'alphanumeric' },
        { key: s.internal.keys.csrfKey, description: 'CSRF key of the portal and API', value: 'random', length: CSRF_KEY_LENGTH, charset: 'alphanumeric' },
      ],
    },
    {
      namespace: ns, name: s.token.name, type: 'tls', readBy: 'core (signs and checks registry tokens)', configKey: 'registry',
      keys: [
        {
          key: s.token.keys.key, description: 'private key of the token service', value: 'provided',
          generate: {
            kind: 'self-signed-key-pair', commonName: 'harbor-token-ca', days: 3650, certificateKey: s.token.keys.certificate,
            command: 'openssl req -x509 -newkey rsa:4096 -nodes -sha256 -days 3650 -subj "/CN=harbor-token-ca" -keyout tls.key -out tls.crt',
          },
        },
        { key: s.token.keys.certificate, description: 'its self-signed certificate (made with tls.key)', value: 'provided' },
      ],
    },
    {
      namespace: ns, name: s.database.name, readBy: 'PostgreSQL (first start), core, the exporter and the backup CronJob', configKey: 'registry',
      keys: [{ key: s.database.keys.password, description: 'password of the postgres user', value: 'random', charset: 'hex' }],
    },
    {
      namespace: ns, name: s.redis.name, readBy: 'Redis, core, jobservice, registry, registryctl, Trivy and the exporter', configKey: 'registry',
      // It is placed inside redis:// URLs (expanded by the kubelet), so it must need no URL escaping.
      keys: [{ key: s.redis.keys.password, description: 'Redis password (requirepass)', value: 'random', charset: 'hex' }],
    },
    {
      namespace: ns, name: s.registryCredentials.name, readBy: 'core and jobservice (password) and the registry (htpasswd)', configKey: 'registry',
      keys: [
        { key: s.registryCredentials.keys.password, description: `password core uses to reach the registry as ${REGISTRY_USER}`, value: 'random', charset: 'alphanumeric' },
        {
          key: s.registryCredentials.keys.htpasswd, description: `bcrypt htpasswd line of ${REGISTRY_USER} with that password`, value: 'provided',
          generate: { kind: 'bcrypt-htpasswd', user: REGISTRY_USER, fromKey: s.registryCredentials.keys.password, command: `htpasswd -nbB ${REGISTRY_USER} "$PASSWORD"` },
        },
      ],
    },
    {
      namespace: ns, name: r.tlsSecretName, type: 'tls', readBy: `the entry point (Ingress or Gateway) of https://${r.host}`, configKey: 'registry.tlsSecretName',
      keys: [{ key: 'tls.crt', description: `certificate for ${r.host}`, value: 'provided' }, { key: 'tls.key', description: 'its private key', value: 'provided' }],
    },
  ];
}

/**
 * The registry: Harbor from the `registry:` section, in its own unit and namespace, with its flows, exposure on the
 * cluster's HTTP entry point, day-one Job, nightly database dump and the node-side files in dist/host/. It offers
 * Prometheus its four metrics endpoints, the first-time list its Secrets and the backups its volumes. Off by
 * default: README, "Registry", says what it takes to fit.
 */
export const registryPart = definePart({
  key: 'registry',
  schema: registrySchema,
  configType: sectionTypeIn('registry', 'RegistryConfig', {
      'proxyCache[]': 'ProxyCacheConfig', 'storage.database': 'RegistryLocalVolume', 'storage.redis': 'RegistryLocalVolume', 'storage.trivy': 'RegistryLocalVolume',
      ...Object.fromEntries(Object.keys(DEFAULT_HARBOR_RESOURCES).map((k) => [`resources.${k}`, 'HarborContainerResources'])),
    }),
  enabled: (r: RegistryConfig) => r.enabled,
  namespaces: (r) => registryNamespaces(r),
  checkConfig: (r, { whole, problems }) => checkRegistryConfig(r, whole.cluster, problems),
  build: ({ scope, config: r, platform }): RegistryOutput => {
    const cluster = platform.cluster;
    const chart = new PlatformChart(scope as Construct, 'Registry', REGISTRY_UNIT);
    const node = (key: 'database' | 'redis' | 'trivy') => {
      const name = registryVolumeNode(r.storage[key], cluster);
      if (name === undefined) throw new Error(`registry: no schedulable node for the ${key} volume (the cluster check should have said so).`);
      return name;
    };
    const nfsServer = registryNfsServer(r, cluster);
    const stack = buildHarbor(chart, {
      config: r,
      nfsServer,
      volumeNodes: { database: node('database'), redis: node('redis'), trivy: node('trivy') },
      dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
      nodeCount: cluster.nodes.length,
    });
    addHarborFlows(new Construct(chart, 'Network'), r);
    const exposed = exposeHarbor(new Construct(chart, 'Exposure'), r, entryPointOf(platform));
    addDayOneJob(new Construct(chart, 'DayOne'), r);
    const backup = r.backup.enabled ? addDatabaseBackup(new Construct(chart, 'Backup'), r, nfsServer) : undefined;
    addRegistryHostFiles(chart, r);
    return { ...stack, exposed, ...(backup ? { backup } : {}) };
  },
  offers: (out, r): PartOffers => ({
    exposedHosts: out.exposed,
    scrapeTargets: out.metricsPods.map(({ job, identity }): ScrapeTarget => ({
      job,
      pods: identity.pods(r.namespace) as ScrapeTarget['pods'],
      app: identity.name,
      port: Port.tcp(HARBOR_PORTS.metrics),
      description: `Prometheus scrapes ${identity.name} (port ${HARBOR_PORTS.metrics})`,
    })),
    firstTimeSecrets: harborSecrets(r),
    alertRuleGroups: harborAlertRules(r, out.blobs.claim.name),
    dashboards: [harborDashboard(r, out.blobs.claim.name)],
    backupVolumes: [
      {
        namespace: r.namespace, claim: out.blobs.claim.name, persistentVolume: out.blobs.volume.name,
        description: `Harbor image blobs (NFS ${out.blobs.volume.server}:${out.blobs.volume.path}); back up the export on the server`,
      },
      {
        namespace: r.namespace, claim: `data-${HARBOR.database.name}-0`,
        description: 'Harbor database (PostgreSQL, local volume)',
        ...(out.backup ? { protectedBy: { kind: 'dump' as const, cronJob: `${r.namespace}/${HARBOR.backup.name}` } } : {}),
      },
      { namespace: r.namespace, claim: `data-${HARBOR.redis.name}-0`, description: 'Harbor Redis (job queue and caches)', protectedBy: { kind: 'rebuildable' as const, reason: 'job queue and caches; Harbor re-queues scans and rebuilds its caches' } },
      ...(r.trivy.enabled ? [{ namespace: r.namespace, claim: `data-${HARBOR.trivy.name}-0`, description: 'Trivy vulnerability DB cache', protectedBy: { kind: 'rebuildable' as const, reason: 'the vulnerability database is downloaded (or mirrored) again' } }] : []),
      ...(out.backup ? [{
        namespace: r.namespace, claim: out.backup.claim.name, persistentVolume: out.backup.volume.name,
        description: `nightly pg_dump of the Harbor database (NFS ${out.backup.volume.server}:${out.backup.volume.path})`,
        protectedBy: { kind: 'holds-backups' as const },
      }] : []),
    ],
  }),
});
