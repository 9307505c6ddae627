import { k8s } from 'cdk8s-plus-27';
import { withoutVersion } from '../core/labels';
import { hardenedPodSpec, HardenedContainerProps, HardenedInitContainerProps } from '../core/hardened-pod';
import { imageName } from '../core/security';
import type { MySqlCluster } from './cluster';
import { CONFIG_INIT_RESOURCES, HEADLESS_SERVICE_NAME, MYSQL_PORT_NAME, MYSQL_UID, PATHS, STATEFULSET_NAME, TMP_SIZE_LIMIT } from './defaults';
import { exporterContainer } from './metrics';
import { mysqlScripts } from './scripts';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { renderMyCnf } from './server-config';
import { emptyDir } from '../core/volumes';
import { podFieldEnv } from '../core/downward-api';
import { claimTemplate, StoredFormStatefulSet } from '../core/claim-template';

/** Names of the two ConfigMaps the pods mount. */
export const CONFIG_MAP_NAME = 'mysql-config';
export const SCRIPTS_CONFIG_MAP_NAME = 'mysql-scripts';
export const SERVICE_ACCOUNT_NAME = 'mysql';
/** Pod template annotation carrying the hash of my.cnf and the scripts: changing either rolls the members. */


/** Volume names inside the pod. */
const VOLUME = {
  baseConfig: 'base-config',
  config: 'config',
  scripts: 'scripts',
  run: 'run',
  tmp: 'tmp',
  credentials: 'credentials',
} as const;

export interface ServerConfig {
  readonly myCnf: string;
  readonly hash: string;
}

/** ConfigMaps `mysql-config` (the base my.cnf) and `mysql-scripts` (lib/mysql/scripts, including lib.sh). */
export function addServerConfig(cluster: MySqlCluster): ServerConfig {
  const myCnf = renderMyCnf({ memoryLimit: cluster.mysqldResources.limits.memory, port: cluster.port });
  const scripts = mysqlScripts();
  new k8s.KubeConfigMap(cluster, 'ServerConfig', {
    metadata: { name: CONFIG_MAP_NAME, namespace: cluster.namespace, labels: cluster.labels('database') },
    data: { 'my.cnf': myCnf },
  });
  new k8s.KubeConfigMap(cluster, 'Scripts', {
    metadata: { name: SCRIPTS_CONFIG_MAP_NAME, namespace: cluster.namespace, labels: cluster.labels('database') },
    data: { ...scripts },
  });
  return { myCnf, hash: configHash(myCnf, ...Object.keys(scripts).sort().map((k) => `${k}\n${scripts[k as keyof typeof scripts]}`)) };
}

/** The environment lib.sh reads, set explicitly so the scripts and this file cannot disagree on a path. */
export function scriptEnv(cluster: MySqlCluster): k8s.EnvVar[] {
  return [
    podFieldEnv('POD_NAME', 'metadata.name'),
    { name: 'MYSQL_STATEFULSET', value: STATEFULSET_NAME },
    { name: 'MYSQL_SERVICE', value: HEADLESS_SERVICE_NAME },
    { name: 'MYSQL_PORT', value: String(cluster.port) },
    { name: 'MYSQL_DATADIR', value: PATHS.datadir },
    { name: 'MYSQL_CREDENTIALS_DIR', value: PATHS.credentials },
    { name: 'MYSQL_CONFIG_DIR', value: PATHS.configDir },
    { name: 'TMPDIR', value: PATHS.tmp },
  ];
}

const mount = (name: string, mountPath: string, readOnly = false): k8s.VolumeMount => ({ name, mountPath, ...(readOnly ? { readOnly } : {}) });
const exec = (...command: string[]): k8s.ExecAction => ({ command });

/**
 * The StatefulSet `mysql` with its ServiceAccount and PodDisruptionBudget.
 *
 * Pod: init container `config` (config.sh writes my.cnf for this ordinal), init container `bootstrap`
 * (bootstrap.sh initialises the primary or clones a replica, idempotently), then `mysql` (mysqld) and `exporter`.
 * uid 999, read-only root filesystem; writable: the NFS volume (/var/lib/mysql), emptyDirs for the generated
 * my.cnf, the socket directory and /tmp (the scratch server of a clone needs ~200 MB there).
 */
export function addStatefulSet(cluster: MySqlCluster, serverConfig: ServerConfig): k8s.KubeStatefulSet {
  const ns = cluster.namespace;
  const podLabels = cluster.labels('database');
  new k8s.KubeServiceAccount(cluster, 'ServiceAccount', {
    metadata: { name: SERVICE_ACCOUNT_NAME, namespace: ns, labels: podLabels },
    // mysqld never talks to the API server.
    automountServiceAccountToken: false,
  });

  const dataMount = mount(cluster.claimTemplateName, PATHS.dataMount);
  const scriptsMount = mount(VOLUME.scripts, PATHS.scripts, true);
  const credentialsMount = mount(VOLUME.credentials, PATHS.credentials, true);
  const env = scriptEnv(cluster);
  const script = (name: string) => `${PATHS.scripts}/${name}`;
  const probe = (mode: 'startup' | 'ready' | 'live') => exec(script('probe.sh'), mode);

  const configInit: HardenedInitContainerProps = {
    name: 'config',
    image: imageName(cluster.image),
    command: [script('config.sh')],
    env: [...env, { name: 'MYSQL_BASE_CONFIG', value: `${PATHS.baseConfigDir}/my.cnf` }],
    resources: CONFIG_INIT_RESOURCES,
    volumeMounts: [mount(VOLUME.baseConfig, PATHS.baseConfigDir, true), mount(VOLUME.config, PATHS.configDir), scriptsMount],
  };
  const bootstrapInit: HardenedInitContainerProps = {
    name: 'bootstrap',
    image: imageName(cluster.image),
    command: [script('bootstrap.sh')],
    env,
    // It runs temporary mysqld servers with the same my.cnf, so it gets mysqld's resources.
    resources: cluster.mysqldResources,
    volumeMounts: [dataMount, mount(VOLUME.config, PATHS.configDir, true), mount(VOLUME.run, PATHS.run), mount(VOLUME.tmp, PATHS.tmp), credentialsMount, scriptsMount],
  };
  const mysqld: HardenedContainerProps = {
    name: 'mysql',
    image: imageName(cluster.image),
    command: ['mysqld', `--defaults-file=${PATHS.configDir}/my.cnf`],
    env,
    ports: [{ name: MYSQL_PORT_NAME, containerPort: cluster.port, protocol: 'TCP' }],
    resources: cluster.mysqldResources,
    volumeMounts: [dataMount, mount(VOLUME.config, PATHS.configDir, true), mount(VOLUME.run, PATHS.run), mount(VOLUME.tmp, PATHS.tmp), credentialsMount, scriptsMount],
    // Up to 15 minutes to start: crash recovery after an unclean stop reads the redo log from NFS.
    startupProbe: { exec: probe('startup'), periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 90 },
    // Ready = accepts queries and, on a replica, both replication threads run: mysql-read only sends reads to
    // members that are replicating, and OrderedReady starts member N+1 only after member N replicates.
    readinessProbe: { exec: probe('ready'), periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 3 },
    // Alive = answers a ping on its socket; a busy server is not restarted (60 s of silence first).
    livenessProbe: { exec: probe('live'), periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 3 },
  };

  const statefulSet = new StoredFormStatefulSet(cluster, 'Resource', {
    metadata: { name: STATEFULSET_NAME, namespace: ns, labels: podLabels },
    spec: {
      serviceName: HEADLESS_SERVICE_NAME,
      replicas: cluster.replicas,
      selector: { matchLabels: { ...cluster.selectorLabels } },
      // Members start one at a time, in order: replicas clone from mysql-0, which must be up and ready first.
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      // A deleted StatefulSet or a scale-down keeps the claims (and so the PVs' binding and the data).
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: {
          labels: podLabels,
          annotations: {
            [CONFIG_HASH_ANNOTATION]: serverConfig.hash,
            'kubectl.kubernetes.io/default-container': 'mysql',
          },
        },
        spec: hardenedPodSpec({
          serviceAccountName: SERVICE_ACCOUNT_NAME,
          enableServiceLinks: false,
          uid: MYSQL_UID,
          podSecurity: { fsGroupChangePolicy: 'OnRootMismatch' },
          terminationGracePeriodSeconds: cluster.terminationGracePeriodSeconds,
          affinity: {
            podAntiAffinity: {
              // Preferred, not required: the lab has two workers for three members.
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: { labelSelector: { matchLabels: { ...cluster.selectorLabels } }, topologyKey: 'kubernetes.io/hostname' },
              }],
            },
          },
          initContainers: [configInit, bootstrapInit],
          containers: [mysqld, exporterContainer(cluster)],
          volumes: [
            { name: VOLUME.baseConfig, configMap: { name: CONFIG_MAP_NAME } },
            // 0555: the scripts are executed directly (each sources lib.sh next to it).
            { name: VOLUME.scripts, configMap: { name: SCRIPTS_CONFIG_MAP_NAME, defaultMode: 0o555 } },
            emptyDir(VOLUME.config, '1Mi'),
            emptyDir(VOLUME.run, '1Mi'),
            emptyDir(VOLUME.tmp, TMP_SIZE_LIMIT),
            // 0440 with fsGroup 999: readable by mysql only. A missing Secret keeps the pod in Init (FailedMount).
            { name: VOLUME.credentials, secret: { secretName: cluster.credentials.name, defaultMode: 0o440 } },
          ],
        }),
      },
      volumeClaimTemplates: [claimTemplate({ name: cluster.claimTemplateName, labels: withoutVersion(cluster.labels('storage')), storageClassName: cluster.storageClassName, size: cluster.requestSize })],
    },
  });

  // One member may be down for a drain at a time; with one member there is nothing to keep available.
  if (cluster.replicas > 1) {
    new k8s.KubePodDisruptionBudget(cluster, 'DisruptionBudget', {
      metadata: { name: STATEFULSET_NAME, namespace: ns, labels: podLabels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...cluster.selectorLabels } } },
    });
  }
  return statefulSet;
}
