import { Secret } from 'cdk8s-plus-27';
import { checkContainerHygiene, checkPodSecurityLevels, checkQuotaFit } from '../../lib/checks/workload-checks';
import { MySqlCluster, MySqlClusterProps } from '../../lib/mysql/cluster';
import { BACKUP_ACTIVE_DEADLINE_SECONDS, BACKUP_BACKOFF_LIMIT, BACKUP_FAILED_JOBS_HISTORY, backupHosts } from '../../lib/mysql/backup';
import {
  DEFAULT_TERMINATION_GRACE_SECONDS, MYSQLD_EXPORTER_IMAGE,
} from '../../lib/mysql/defaults';
import { SCRIPT_FILES, mysqlScripts } from '../../lib/mysql/scripts';
import { CONFIG_HASH_ANNOTATION } from '../../lib/core/config-hash';
import { Peers } from '../../lib/network/peer';
import { MYSQLD_EXPORTER_IMAGE as OBSERVABILITY_EXPORTER_PIN } from '../../lib/observability/config-files/versions';
import { NfsStorageClass } from '../../lib/storage/nfs-volume';
import { asObjects, find, testChart } from '../support/helpers';

const NFS = '10.10.10.101';

function render(props: Partial<MySqlClusterProps> = {}): { cluster: MySqlCluster; objects: any[] } {
  const chart = testChart();
  const cluster = new MySqlCluster(chart, 'Cluster', { nfsServer: NFS, ...props });
  return { cluster, objects: chart.toJson() };
}

const statefulSet = (objects: any[]) => find(objects, 'StatefulSet', 'mysql', 'mysql');
const podSpec = (objects: any[]) => statefulSet(objects).spec.template.spec;
const container = (objects: any[], name: string) => [...podSpec(objects).initContainers, ...podSpec(objects).containers].find((c: any) => c.name === name);
const cronJob = (objects: any[]) => find(objects, 'CronJob', 'mysql-backup', 'mysql');
const backupPod = (objects: any[]) => cronJob(objects).spec.jobTemplate.spec.template.spec;
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('MySqlCluster defaults', () => {
  // GIVEN a cluster with nothing but its NFS server
  const { cluster, objects } = render();

  test('snapshot of the default cluster', () => {
    // THEN the whole default cluster matches the reviewed snapshot
    // The scripts' text is pinned by its own tests; here only that the ConfigMap carries it.
    const scripts = find(objects, 'ConfigMap', 'mysql-scripts', 'mysql');
    const withoutScripts = objects.map((o) => (o === scripts ? { ...o, data: Object.keys(o.data) } : o));
    expect(withoutScripts).toMatchSnapshot();
  });

  test('resolves every default once, on the construct', () => {
    // THEN each default is resolved into a public field, with the documented value
    expect({
      namespace: cluster.namespace, replicas: cluster.replicas, image: cluster.image, exporterImage: cluster.exporterImage,
      exportPaths: cluster.exportPaths, mountOptions: cluster.mountOptions, pvSize: cluster.pvSize, requestSize: cluster.requestSize,
      mysqldResources: cluster.mysqldResources, exporterResources: cluster.exporterResources, credentials: cluster.credentials.name,
      backup: cluster.backupOptions, storageClassName: cluster.storageClassName, grace: cluster.terminationGracePeriodSeconds,
      pool: cluster.bufferPoolBytes / 2 ** 20,
    }).toEqual({
      namespace: 'mysql', replicas: 3, image: { repository: 'mysql', tag: '8.4.11' }, exporterImage: { repository: 'prom/mysqld-exporter', tag: 'v0.20.0' },
      exportPaths: ['/nfs_mysql', '/nfs_mysql1', '/nfs_mysql2'], mountOptions: ['hard', 'nfsvers=4.1'], pvSize: '5Gi', requestSize: '5Gi',
      mysqldResources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      exporterResources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      credentials: 'mysql-credentials',
      backup: {
        enabled: true, schedule: '30 2 * * *', timeZone: 'Etc/UTC', retentionDays: 7, exportPath: '/nfs_mysql_backup', size: '10Gi',
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      },
      storageClassName: 'nfs', grace: 120, pool: 192,
    });
    expect(DEFAULT_TERMINATION_GRACE_SECONDS).toBe(120);
  });

  test('the exporter pin is the one the observability dashboards and alerts are written for', () => {
    // THEN the sidecar runs the exporter version the dashboards and alert rules expect
    expect(MYSQLD_EXPORTER_IMAGE).toEqual(OBSERVABILITY_EXPORTER_PIN);
  });

  test('names are a contract: the notes\' names, set explicitly', () => {
    // THEN the objects people and other objects refer to carry the notes' names
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`).sort();
    expect(names).toEqual(expect.arrayContaining([
      'Namespace/mysql', 'StorageClass/nfs', 'PersistentVolume/mysql-pv', 'PersistentVolume/mysql-pv1', 'PersistentVolume/mysql-pv2',
      'PersistentVolume/mysql-backup-pv', 'PersistentVolumeClaim/mysql/mysql-backup', 'StatefulSet/mysql/mysql', 'Service/mysql/mysql',
      'Service/mysql/mysql-primary', 'Service/mysql/mysql-read', 'ConfigMap/mysql/mysql-config', 'ConfigMap/mysql/mysql-scripts',
      'ServiceAccount/mysql/mysql', 'ServiceAccount/mysql/mysql-backup', 'PodDisruptionBudget/mysql/mysql', 'CronJob/mysql/mysql-backup',
    ]));
  });

  test('each PV is pre-bound to exactly the claim the StatefulSet creates for its ordinal', () => {
    // GIVEN the claim names the StatefulSet controller derives: <template>-<statefulset>-<ordinal>
    const sts = statefulSet(objects);
    const template = sts.spec.volumeClaimTemplates[0];
    const claimFor = (ordinal: number) => `${template.metadata.name}-${sts.metadata.name}-${ordinal}`;
    // THEN PV n names claim n in the StatefulSet's namespace, and agrees with the template on class, size and mode
    ['mysql-pv', 'mysql-pv1', 'mysql-pv2'].forEach((pvName, ordinal) => {
      const pv = find(objects, 'PersistentVolume', pvName);
      expect(pv.spec.claimRef).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: sts.metadata.namespace, name: claimFor(ordinal) });
      expect(pv.spec.nfs).toEqual({ server: NFS, path: cluster.exportPaths[ordinal] });
      expect(pv.spec.storageClassName).toBe(template.spec.storageClassName);
      expect(pv.spec.accessModes).toEqual(template.spec.accessModes);
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.capacity.storage).toBe('5Gi');
    });
    expect(claimFor(0)).toBe('mysql-persistent-storage-mysql-0');
    expect(template.spec.resources.requests.storage).toBe('5Gi');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('mysql-primary selects pod 0 only; mysql-read every member; the headless Service publishes unready members', () => {
    // GIVEN the labels each member pod gets (template labels + its pod-name label) THEN
    const podLabels = statefulSet(objects).spec.template.metadata.labels;
    const primary = find(objects, 'Service', 'mysql-primary', 'mysql').spec;
    const read = find(objects, 'Service', 'mysql-read', 'mysql').spec;
    const headless = find(objects, 'Service', 'mysql', 'mysql').spec;
    // The StatefulSet controller labels each pod with its own name; only mysql-0 matches the primary selector.
    const podOf = (ordinal: number) => ({ ...podLabels, 'statefulset.kubernetes.io/pod-name': `mysql-${ordinal}` });
    const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect([0, 1, 2].map((n) => selects(primary.selector, podOf(n)))).toEqual([true, false, false]);
    expect([0, 1, 2].map((n) => selects(read.selector, podOf(n)))).toEqual([true, true, true]);
    expect(headless).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(statefulSet(objects).spec.serviceName).toBe('mysql');
    for (const spec of [primary, read, headless]) expect(spec.ports).toEqual([{ name: 'mysql', port: 3306, targetPort: 'mysql', protocol: 'TCP' }]);
    expect(cluster.primaryService).toEqual({ name: 'mysql-primary', namespace: 'mysql', port: 3306, host: 'mysql-primary.mysql.svc.cluster.local' });
    expect(cluster.readService.host).toBe('mysql-read.mysql.svc.cluster.local');
    expect(cluster.headlessService.name).toBe('mysql');
  });

  test('the StatefulSet starts members in order, spreads them, and gives mysqld time to shut down cleanly', () => {
    // THEN OrderedReady, preferred anti-affinity, a 120 s grace period and a PDB of one
    const sts = statefulSet(objects);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    const spec = podSpec(objects);
    expect(spec.terminationGracePeriodSeconds).toBe(120);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
      weight: 100,
      podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'mysql' } }, topologyKey: 'kubernetes.io/hostname' },
    }]);
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget', 'mysql', 'mysql').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'mysql' } } });
  });

  test('init containers config then bootstrap, then mysqld and the exporter; all run the scripts the ConfigMap ships', () => {
    // THEN the containers run in the scripts' order with the environment lib.sh reads
    const spec = podSpec(objects);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['config', 'bootstrap']);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['mysql', 'exporter']);
    expect(container(objects, 'config').command).toEqual(['/opt/platform-kit/mysql/config.sh']);
    expect(envOf(container(objects, 'config')).MYSQL_BASE_CONFIG).toBe('/etc/mysql/base/my.cnf');
    expect(container(objects, 'bootstrap').command).toEqual(['/opt/platform-kit/mysql/bootstrap.sh']);
    expect(container(objects, 'mysql').command).toEqual(['mysqld', '--defaults-file=/etc/mysql/platform-kit/my.cnf']);
    for (const name of ['config', 'bootstrap', 'mysql']) {
      expect(envOf(container(objects, name))).toMatchObject({
        POD_NAME: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }, MYSQL_STATEFULSET: 'mysql', MYSQL_SERVICE: 'mysql', MYSQL_PORT: '3306',
        MYSQL_DATADIR: '/var/lib/mysql/data', MYSQL_CREDENTIALS_DIR: '/etc/mysql/credentials', MYSQL_CONFIG_DIR: '/etc/mysql/platform-kit',
      });
    }
    // The ConfigMap holds every script including lib.sh (each script sources it), executable.
    const scripts = find(objects, 'ConfigMap', 'mysql-scripts', 'mysql');
    expect(Object.keys(scripts.data).sort()).toEqual([...SCRIPT_FILES].sort());
    expect(scripts.data['bootstrap.sh']).toBe(mysqlScripts()['bootstrap.sh']);
    expect(spec.volumes.find((v: any) => v.name === 'scripts')).toEqual({ name: 'scripts', configMap: { name: 'mysql-scripts', defaultMode: 0o555 } });
    expect(find(objects, 'ConfigMap', 'mysql-config', 'mysql').data['my.cnf']).toMatch(/^innodb_buffer_pool_size = 192M$/m);
  });

  test('probes run probe.sh: startup, ready (replication threads on replicas), live', () => {
    // THEN each probe runs probe.sh in its mode, with time for the client's connect timeout
    const mysqld = container(objects, 'mysql');
    expect(mysqld.startupProbe.exec.command).toEqual(['/opt/platform-kit/mysql/probe.sh', 'startup']);
    expect(mysqld.readinessProbe.exec.command).toEqual(['/opt/platform-kit/mysql/probe.sh', 'ready']);
    expect(mysqld.livenessProbe.exec.command).toEqual(['/opt/platform-kit/mysql/probe.sh', 'live']);
    // The probe's client waits up to 5 s to connect (PROBE_CONNECT_TIMEOUT): the exec timeout must be longer.
    for (const p of [mysqld.startupProbe, mysqld.readinessProbe, mysqld.livenessProbe]) expect(p.timeoutSeconds).toBeGreaterThan(5);
    expect(mysqld.startupProbe.periodSeconds * mysqld.startupProbe.failureThreshold).toBe(900);
  });

  test('the exporter: pinned image, port "metrics" 9104, its own password by reference, probes', () => {
    // THEN the exporter gets only its own password, by reference
    const exporter = container(objects, 'exporter');
    expect(exporter.image).toBe('prom/mysqld-exporter:v0.20.0');
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9104, protocol: 'TCP' }]);
    expect(exporter.args).toEqual(['--mysqld.address=127.0.0.1:3306', '--mysqld.username=exporter', '--web.listen-address=:9104']);
    expect(exporter.env).toEqual([{ name: 'MYSQLD_EXPORTER_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-credentials', key: 'exporter-password' } } }]);
    expect(exporter.volumeMounts).toBeUndefined();
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/', port: 'metrics' });
    expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 'metrics' });
    expect(cluster.metricsPortName).toBe('metrics');
    expect(cluster.metricsPort).toBe(9104);
  });

  test('non-root uid 999, read-only root filesystem, writable emptyDirs where mysqld writes, no API token', () => {
    // THEN every container is hardened and sized, and mysqld writes only to its volume and emptyDirs
    const spec = podSpec(objects);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('mysql');
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect([c.name, c.securityContext]).toEqual([c.name, { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }]);
      expect([c.name, Object.keys(c.resources.requests), Object.keys(c.resources.limits)]).toEqual([c.name, ['cpu', 'memory'], ['cpu', 'memory']]);
    }
    const mounts = Object.fromEntries(container(objects, 'mysql').volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(Object.keys(mounts).sort()).toEqual(['/etc/mysql/credentials', '/etc/mysql/platform-kit', '/opt/platform-kit/mysql', '/tmp', '/var/lib/mysql', '/var/run/mysqld']);
    expect(mounts['/var/lib/mysql'].name).toBe('mysql-persistent-storage');
    expect(mounts['/etc/mysql/credentials'].readOnly).toBe(true);
    const volumes = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(volumes.tmp.emptyDir).toEqual({ sizeLimit: '512Mi' });
    expect(volumes.run.emptyDir).toBeDefined();
    expect(volumes.config.emptyDir).toBeDefined();
    expect(volumes.credentials.secret).toEqual({ secretName: 'mysql-credentials', defaultMode: 0o440 });
  });

  test('the backup CronJob: Forbid, bounded retries and run time, failures kept, a replica first', () => {
    // THEN one dump at a time, bounded, failures kept, on its own volume, with only the backup password
    const cron = cronJob(objects).spec;
    expect(cron).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: BACKUP_FAILED_JOBS_HISTORY });
    expect(cron.jobTemplate.spec).toMatchObject({ backoffLimit: BACKUP_BACKOFF_LIMIT, activeDeadlineSeconds: BACKUP_ACTIVE_DEADLINE_SECONDS });
    const pod = backupPod(objects);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } });
    const [backup] = pod.containers;
    expect(backup.image).toBe('mysql:8.4.11');
    expect(backup.command).toEqual(['/opt/platform-kit/mysql/backup.sh']);
    expect(envOf(backup)).toMatchObject({ BACKUP_DIR: '/backup', BACKUP_RETENTION_DAYS: '7', BACKUP_HOSTS: 'mysql-1.mysql mysql-0.mysql' });
    expect(backup.securityContext.readOnlyRootFilesystem).toBe(true);
    // Its own volume, pre-bound both ways, and only the backup password.
    expect(pod.volumes.find((v: any) => v.name === 'backup').persistentVolumeClaim).toEqual({ claimName: 'mysql-backup' });
    expect(find(objects, 'PersistentVolumeClaim', 'mysql-backup', 'mysql').spec).toMatchObject({ volumeName: 'mysql-backup-pv', storageClassName: 'nfs' });
    expect(find(objects, 'PersistentVolume', 'mysql-backup-pv').spec).toMatchObject({ nfs: { server: NFS, path: '/nfs_mysql_backup' }, claimRef: { namespace: 'mysql', name: 'mysql-backup' } });
    expect(pod.volumes.find((v: any) => v.name === 'credentials').secret.items).toEqual([{ key: 'backup-password', path: 'backup-password' }]);
    // The backup pods are not members: no Service or PDB selects them.
    const jobLabels = cronJob(objects).spec.jobTemplate.spec.template.metadata.labels;
    expect(Object.entries(cluster.selectorLabels).every(([k, v]) => jobLabels[k] === v)).toBe(false);
  });

  test('backup hosts: a replica first, the primary when alone', () => {
    // GIVEN three members or one THEN a replica is tried first
    expect(backupHosts(3)).toEqual(['mysql-1.mysql', 'mysql-0.mysql']);
    expect(backupHosts(1)).toEqual(['mysql-0.mysql']);
  });

  test('namespace: restricted, no same-namespace traffic, quota computed to fit exactly', () => {
    // THEN the baseline is restricted, with no same-namespace flow and a quota of exactly 3 members + 1 backup
    const ns = find(objects, 'Namespace', 'mysql');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-same-namespace'))).toBeUndefined();
    expect(find(objects, 'ResourceQuota', 'namespace-quota', 'mysql').spec.hard).toEqual({
      'requests.cpu': '680m', 'requests.memory': '928Mi', 'limits.cpu': '2300m', 'limits.memory': '1984Mi',
      'pods': '4', 'persistentvolumeclaims': '4', 'requests.storage': '25Gi', 'services.nodeports': '0', 'services.loadbalancers': '0',
    });
    expect(find(objects, 'LimitRange', 'namespace-limits', 'mysql').spec.limits[1]).toEqual({ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } });
  });

  test('the synth-time workload checks pass: Pod Security restricted, hygiene, quota fit', () => {
    // WHEN the synth-time checks run on the objects THEN they find nothing
    const synthesized = asObjects(objects);
    expect(checkPodSecurityLevels(synthesized)).toEqual([]);
    expect(checkContainerHygiene(synthesized)).toEqual([]);
    expect(checkQuotaFit(synthesized, 2)).toEqual([]);
  });

  test('no credential anywhere: the Secret is referenced, never created', () => {
    // THEN no Secret object and no literal password value
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/"(value|password)":"[^"]*(pass|pw)/i);
  });

  test('peers for the handle: all members, the primary, the exporter', () => {
    // THEN the peers other units connect to select the right pods
    expect(cluster.allPods()).toEqual({ kind: 'pods', name: 'mysql', namespace: 'mysql', selector: { 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'mysql' } });
    expect(cluster.primaryPods().selector).toEqual({ 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'mysql', 'statefulset.kubernetes.io/pod-name': 'mysql-0' });
    expect(cluster.exporterPeer()).toMatchObject({ kind: 'pods', namespace: 'mysql', name: 'mysql-exporter' });
    expect(cluster.toPeer()).toEqual(cluster.allPods());
  });

  test('a changed script or my.cnf changes the pod template (rolls the members)', () => {
    // GIVEN a second cluster with another memory limit (so another my.cnf) THEN the pod template hash differs
    const other = render({ mysqldResources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '640Mi' } } }).objects;
    const hash = (o: any[]) => statefulSet(o).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hash(objects)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(other)).not.toBe(hash(objects));
  });
});

describe('MySqlCluster props', () => {
  test('every prop (Required<MySqlClusterProps>) lands where it should', () => {
    // GIVEN every prop set to a non-default value
    const chart = testChart();
    const storageClass = new NfsStorageClass(chart, 'Slow', { name: 'nfs-slow' });
    const props: Required<MySqlClusterProps> = {
      nfsServer: 'nfs.lab.example',
      namespace: 'db',
      replicas: 2,
      image: { repository: 'registry.lab/mysql', tag: '8.4.7' },
      exporterImage: { repository: 'registry.lab/mysqld-exporter', tag: 'v0.17.2' },
      exportPaths: ['/srv/db0', '/srv/db1', '/srv/db2', '/srv/db3'],
      mountOptions: ['hard', 'nfsvers=4.2'],
      pvSize: '20Gi',
      requestSize: '16Gi',
      mysqldResources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      exporterResources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { cpu: '200m', memory: '96Mi' } },
      credentials: Secret.fromSecretName(chart, 'Creds', 'db-passwords'),
      clients: [Peers.namespace('shop'), Peers.externalNamespace('legacy')],
      backup: { enabled: true, schedule: '0 4 * * 0', timeZone: 'Asia/Shanghai', retentionDays: 30, exportPath: '/srv/dumps', size: '50Gi', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      storageClass,
      dns: { namespace: 'dns-system', podSelector: { app: 'coredns' } },
      terminationGracePeriodSeconds: 300,
      quota: { pods: 10 },
    };
    const cluster = new MySqlCluster(chart, 'Cluster', props);
    const objects = chart.toJson();
    const sts = find(objects, 'StatefulSet', 'mysql', 'db');
    const spec = sts.spec.template.spec;
    const c = (name: string) => [...spec.initContainers, ...spec.containers].find((x: any) => x.name === name);
    // THEN
    expect(find(objects, 'Namespace', 'db')).toBeDefined();
    expect(sts.spec.replicas).toBe(2);
    expect(c('mysql').image).toBe('registry.lab/mysql:8.4.7');
    expect(c('bootstrap').image).toBe('registry.lab/mysql:8.4.7');
    expect(c('exporter').image).toBe('registry.lab/mysqld-exporter:v0.17.2');
    ['mysql-pv', 'mysql-pv1', 'mysql-pv2', 'mysql-pv3'].forEach((name, n) => {
      const pv = find(objects, 'PersistentVolume', name);
      expect(pv.spec).toMatchObject({ nfs: { server: 'nfs.lab.example', path: `/srv/db${n}` }, capacity: { storage: '20Gi' }, mountOptions: ['hard', 'nfsvers=4.2'], storageClassName: 'nfs-slow', claimRef: { namespace: 'db', name: `mysql-persistent-storage-mysql-${n}` } });
    });
    expect(objects.filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name)).toEqual(['nfs-slow']);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'nfs-slow', resources: { requests: { storage: '16Gi' } } });
    expect(c('mysql').resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(c('bootstrap').resources).toEqual(c('mysql').resources);
    expect(find(objects, 'ConfigMap', 'mysql-config', 'db').data['my.cnf']).toMatch(/^innodb_buffer_pool_size = 704M$/m);
    expect(c('exporter').resources).toEqual({ requests: { cpu: '20m', memory: '48Mi' }, limits: { cpu: '200m', memory: '96Mi' } });
    expect(spec.volumes.find((v: any) => v.name === 'credentials').secret.secretName).toBe('db-passwords');
    expect(c('exporter').env[0].valueFrom.secretKeyRef.name).toBe('db-passwords');
    expect(find(objects, 'NetworkPolicy', 'allow-mysql-client-shop-egress', 'shop')).toBeDefined();
    expect(find(objects, 'NetworkPolicy', 'allow-mysql-client-shop-ingress', 'db').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3306 }]);
    expect(find(objects, 'NetworkPolicy', 'allow-mysql-client-legacy-ingress', 'db')).toBeDefined();
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'legacy')).toEqual([]);
    const cron = find(objects, 'CronJob', 'mysql-backup', 'db').spec;
    expect(cron).toMatchObject({ schedule: '0 4 * * 0', timeZone: 'Asia/Shanghai' });
    const backup = cron.jobTemplate.spec.template.spec.containers[0];
    expect(envOf(backup)).toMatchObject({ BACKUP_RETENTION_DAYS: '30', BACKUP_HOSTS: 'mysql-1.mysql mysql-0.mysql' });
    expect(backup.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(find(objects, 'PersistentVolume', 'mysql-backup-pv').spec).toMatchObject({ nfs: { path: '/srv/dumps' }, capacity: { storage: '50Gi' } });
    expect(find(objects, 'PersistentVolumeClaim', 'mysql-backup', 'db').spec.resources.requests.storage).toBe('50Gi');
    expect(find(objects, 'NetworkPolicy', 'allow-dns-egress', 'db').spec.egress[0].to[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { app: 'coredns' } },
    });
    expect(spec.terminationGracePeriodSeconds).toBe(300);
    const hard = find(objects, 'ResourceQuota', 'namespace-quota', 'db').spec.hard;
    expect(hard.pods).toBe('10');
    // 4 export paths → 4 data claims (a scaled-down member keeps its claim) + the backup claim.
    expect(hard.persistentvolumeclaims).toBe('5');
    expect(hard['requests.storage']).toBe(`${4 * 16 + 50}Gi`);
    expect(find(objects, 'LimitRange', 'namespace-limits', 'db').spec.limits[1].max.storage).toBe('50Gi');
    expect(cluster.dataVolumes.map((v) => v.volume.name)).toEqual(['mysql-pv', 'mysql-pv1', 'mysql-pv2', 'mysql-pv3']);
    expect(checkQuotaFit(asObjects(objects), 2).filter((p) => p.includes('namespace db'))).toEqual([]);
  });

  test('one member: no PodDisruptionBudget, the backup dumps the primary', () => {
    // GIVEN one member THEN no PDB, and the backup uses mysql-0
    const { objects } = render({ replicas: 1 });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(envOf(backupPod(objects).containers[0]).BACKUP_HOSTS).toBe('mysql-0.mysql');
  });

  test('backup disabled: no CronJob, volume, claim or backup flow; the quota shrinks', () => {
    // GIVEN backups off THEN nothing of the backup is rendered and the quota counts 3 pods
    const { cluster, objects } = render({ backup: { enabled: false } });
    expect(cluster.backup).toBeUndefined();
    expect(objects.filter((o) => /backup/.test(o.metadata.name))).toEqual([]);
    expect(find(objects, 'ResourceQuota', 'namespace-quota', 'mysql').spec.hard).toMatchObject({ 'pods': '3', 'persistentvolumeclaims': '3', 'requests.storage': '15Gi' });
  });

  test('addClient opens port 3306 to one more peer; twice is refused', () => {
    // GIVEN a cluster WHEN clients are added THEN each gets a flow on 3306, a duplicate is refused, long names are shortened
    const { cluster } = render();
    const chartObjects = () => (cluster.node.scope as any).toJson();
    expect(cluster.addClient(Peers.pods('shop', { app: 'api' }, 'api'))).toBe('allow-mysql-client-shop-api');
    expect(find(chartObjects(), 'NetworkPolicy', 'allow-mysql-client-shop-api-ingress', 'mysql').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'api' } },
    }]);
    expect(() => cluster.addClient(Peers.pods('shop', { app: 'api' }, 'api'))).toThrow(/client shop\/api is already allowed; list each client once/);
    const long = cluster.addClient(Peers.namespace('a-very-long-tenant-namespace-name-for-the-shop-team'));
    expect(long.length).toBeLessThanOrEqual(55);
    expect(long).toMatch(/^allow-mysql-client-a-very-long-tenant-namespac.*-[0-9a-f]{8}$/);
  });

  test.each([
    [{ namespace: 'My_DB' }, /namespace: "My_DB" is not a DNS label/],
    [{ replicas: 0 }, /replicas 0 must be a whole number of at least 1/],
    [{ replicas: 1.5 }, /replicas 1\.5 must be a whole number of at least 1/],
    [{ nfsServer: '10.10.10' }, /nfsServer "10\.10\.10" is not an IPv4 address or DNS name/],
    [{ replicas: 4 }, /3 export path\(s\) for 4 replicas; every member needs its own NFS export/],
    [{ exportPaths: ['/a', 'b', '/c'] }, /export path "b" is not an absolute path/],
    [{ exportPaths: ['/a', '/a', '/c'] }, /export path "\/a" is listed twice/],
    [{ backup: { exportPath: '/nfs_mysql' } }, /export path "\/nfs_mysql" is listed twice; members and backups each need their own export/],
    [{ pvSize: 'big' }, /pvSize "big" is not a positive Kubernetes quantity/],
    [{ requestSize: '6Gi' }, /requestSize "6Gi" is larger than pvSize "5Gi"; the claims would never bind/],
    [{ backup: { size: '0' } }, /backup\.size "0" is not a positive Kubernetes quantity/],
    [{ mysqldResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } }, /mysqld memory limit "256Mi" is below 384Mi/],
    [{ image: { repository: 'mysql', tag: 'latest' } }, /image\.tag: "latest" is not a pinned image tag: give an exact version such as "8\.4\.11"/],
    [{ exporterImage: { repository: 'prom/mysqld-exporter', tag: '' } }, /exporterImage\.tag: "" is not a pinned image tag/],
    [{ backup: { retentionDays: -1 } }, /backup\.retentionDays -1 must be a whole number >= 0/],
    [{ backup: { schedule: 'nightly' } }, /backup\.schedule: "nightly" is not a cron schedule; write five fields/],
    [{ terminationGracePeriodSeconds: 10 }, /terminationGracePeriodSeconds 10 must be a whole number of at least 30/],
  ])('refuses %j', (props, message) => {
    // GIVEN one bad prop WHEN constructing THEN the message names it, its value and the fix
    expect(() => render(props as Partial<MySqlClusterProps>)).toThrow(message);
  });
});
