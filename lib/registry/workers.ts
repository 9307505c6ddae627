import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { DATA, env, HARBOR, harborContainer, harborDeployment, harborService, harborStatefulSet, httpGet, internal, mount, podSpec, probes, redisPassword, redisUrl, secretEnv, tmp } from './component';
import { jobserviceConfig } from './config-files';
import { RegistryConfig } from './config';
import { HARBOR_COMMANDS, HARBOR_IMAGES, HARBOR_PORTS, HARBOR_SECRETS, HARBOR_UID, REDIS_DATABASES, REGISTRY_USER } from './defaults';

/** The background workers: jobservice, Trivy (when enabled) and the exporter, as `Jobservice`, `Trivy`, `Exporter`. */
export function addWorkers(scope: Construct, r: RegistryConfig, trivyClassName: string): void {
  const ns = r.namespace;
  const res = r.resources;
  const localClass = { name: trivyClassName };
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
  harborDeployment(jobservice, ns, HARBOR.jobservice, 1, podSpec(HARBOR_UID, {
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
    harborStatefulSet(trivy, ns, HARBOR.trivy, podSpec(HARBOR_UID, {
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
  harborDeployment(exporter, ns, HARBOR.exporter, 1, podSpec(HARBOR_UID, {
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
}
