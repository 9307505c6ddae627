import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { configHash } from '../core/config-hash';
import { NfsVolumeClaim } from '../storage/nfs-volume';
import { BLOB_DIR, DATA, HARBOR, harborContainer, harborDeployment, harborService, httpGet, internal, mount, podSpec, probes, secretEnv, tmp } from './component';
import { registryConfig, registryctlConfig } from './config-files';
import { RegistryConfig } from './config';
import { HARBOR_COMMANDS, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS, HARBOR_UID } from './defaults';

/** The registry (distribution) and registryctl in one pod on the blob claim, as `Registry` under `scope`. */
export function addRegistryPod(scope: Construct, r: RegistryConfig, blobClaim: NfsVolumeClaim): void {
  const ns = r.namespace;
  const res = r.resources;
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
  harborDeployment(registry, ns, HARBOR.registry, 1, podSpec(HARBOR_UID, {
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
}
