import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { env, HARBOR, harborContainer, harborDeployment, harborService, httpGet, internal, mount, podSpec, probes, redisPassword, redisUrl, secretEnv, tmp } from './component';
import { coreAppConf, portalNginxConf } from './config-files';
import { RegistryConfig } from './config';
import { HARBOR_COMMANDS, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS, HARBOR_UID, REDIS_DATABASES, REGISTRY_USER } from './defaults';

/** core (API, token service, the `/v2/` proxy) and the portal (the web UI), as `Core` and `Portal` under `scope`. */
export function addCoreAndPortal(scope: Construct, r: RegistryConfig, externalUrl: string): void {
  const ns = r.namespace;
  const res = r.resources;
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
  harborService(core, ns, HARBOR.core, [{ name: 'http', port: HARBOR_PORTS.servicePort, targetPort: 'http' }, { name: 'metrics', port: HARBOR_PORTS.metrics, targetPort: 'metrics' }]);
  harborDeployment(core, ns, HARBOR.core, r.coreReplicas, podSpec(HARBOR_UID, {
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
  harborService(portal, ns, HARBOR.portal, [{ name: 'http', port: HARBOR_PORTS.servicePort, targetPort: 'http' }]);
  harborDeployment(portal, ns, HARBOR.portal, r.portalReplicas, podSpec(HARBOR_UID, {
    containers: [harborContainer({
      name: 'portal', image: HARBOR_IMAGES.portal, resources: res.portal,
      ports: [{ name: 'http', containerPort: HARBOR_PORTS.http }],
      ...probes({ httpGet: httpGet('/', 'http') }),
      volumeMounts: [mount('config', '/etc/nginx/nginx.conf', { subPath: 'nginx.conf', readOnly: true }), mount('tmp', '/tmp')],
    })],
    volumes: [{ name: 'config', configMap: { name: HARBOR.portal.name } }, tmp()],
  }), { hash: configHash(nginxConf) });
}
