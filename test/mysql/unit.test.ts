import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { NetworkPolicyEvaluator, PodModel } from '../../lib/checks/network/evaluator';
import { parseConfig } from '../../lib/config/load';
import { PlatformConfig } from '../../lib/config/platform-config';
import { MySqlCluster } from '../../lib/mysql/cluster';
import { MYSQL_UNIT, mysqlPart } from '../../lib/mysql/part';
import { buildPlatformWith } from '../../lib/pipeline/build-platform';
import { synthesize, SynthResult } from '../../lib/pipeline/synthesize';
import { unitFilePrefix } from '../../lib/output/layout';
import { PlatformChart } from '../../lib/output/platform-chart';
import { definePart } from '../../lib/parts/platform-part';
import { tenancyPart } from '../../lib/tenancy/part';
import { find, MINIMAL_CLUSTER, ROOT } from '../support/helpers';

const DEFAULT_YAML = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8');

/** Builds only tenancy and MySQL, as the pipeline does; returns the App and MySQL's typed output. */
function buildMySql(config: PlatformConfig): { app: App; cluster: MySqlCluster | undefined } {
  const built = buildPlatformWith(config, { parts: [tenancyPart, mysqlPart] });
  return { app: built.app, cluster: built.outputOf(mysqlPart) };
}

describe('the default platform.yaml', () => {
  let result: SynthResult;
  beforeAll(() => {
    // GIVEN the embedded platform.yaml, which has no mysql: key yet
    // WHEN it is synthesized (synthesize throws a UserError listing every failed check)
    result = synthesize(parseConfig(DEFAULT_YAML));
  });
  const manifests = () => result.files.flatMap((f) => f.objects.map((o) => o.manifest));

  test('synthesizes with every check passing and deploys the cluster of the notes', () => {
    // THEN the MySQL unit is there, in its own folder, cluster-scoped objects first
    expect(result.files.map((f) => f.path).filter((p) => p.startsWith(unitFilePrefix(MYSQL_UNIT.folder)))).toEqual([
      '20-mysql.00-cluster-scoped.yaml',
      '20-mysql.10-mysql.yaml',
    ]);
    expect(find(manifests(), 'StatefulSet', 'mysql', 'mysql').spec.replicas).toBe(3);
    expect(['mysql-pv', 'mysql-pv1', 'mysql-pv2'].map((n) => find(manifests(), 'PersistentVolume', n).spec.nfs))
      .toEqual([{ server: '10.10.10.101', path: '/nfs_mysql' }, { server: '10.10.10.101', path: '/nfs_mysql1' }, { server: '10.10.10.101', path: '/nfs_mysql2' }]);
    expect(result.report.join('\n')).toMatch(/^Capacity/);
  });

  describe('network: only clients reach 3306', () => {
    let evaluator: NetworkPolicyEvaluator;
    let member: PodModel;
    let backup: PodModel;
    beforeAll(() => {
      const all = manifests();
      evaluator = new NetworkPolicyEvaluator(
        all.filter((m) => m.kind === 'NetworkPolicy'),
        all.filter((m) => m.kind === 'Namespace').map((m) => ({ name: m.metadata.name, labels: m.metadata.labels })),
      );
      const sts = find(all, 'StatefulSet', 'mysql', 'mysql');
      const ports = sts.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
      member = { namespace: 'mysql', name: 'mysql-1', labels: { ...sts.spec.template.metadata.labels, 'statefulset.kubernetes.io/pod-name': 'mysql-1' }, ports };
      backup = { namespace: 'mysql', name: 'mysql-backup', labels: find(all, 'CronJob', 'mysql-backup', 'mysql').spec.jobTemplate.spec.template.metadata.labels };
    });
    const anyPod = (namespace: string, labels: Record<string, string> = {}): PodModel => ({ namespace, name: `${namespace}-pod`, labels });
    const allowed = (from: PodModel, to: PodModel, port: number) => evaluator.evaluate({ from: { pod: from }, to: { pod: to }, port }).allowed;

    test('a client namespace (dwayne) reaches every member on 3306, and nothing else', () => {
      // GIVEN any pod of dwayne WHEN it connects to a member THEN only 3306 is allowed
      expect(allowed(anyPod('dwayne', { app: 'whatever' }), member, 3306)).toBe(true);
      expect(allowed(anyPod('dwayne'), member, 9104)).toBe(false);
      expect(allowed(anyPod('dwayne'), member, 33060)).toBe(false);
    });

    test('a tenant that is not a client (demo) does not reach 3306', () => {
      // GIVEN any pod of demo WHEN it connects to 3306 THEN it is denied
      expect(allowed(anyPod('demo'), member, 3306)).toBe(false);
    });

    test('members reach each other on 3306 (replication, clone) only; the backup job reaches them on 3306', () => {
      // GIVEN a replica, the primary and the backup pod THEN only the declared connections are allowed
      const primary = { ...member, name: 'mysql-0', labels: { ...member.labels, 'statefulset.kubernetes.io/pod-name': 'mysql-0' } };
      expect(allowed(member, primary, 3306)).toBe(true);
      expect(allowed(member, primary, 9104)).toBe(false);
      expect(allowed(backup, member, 3306)).toBe(true);
      expect(allowed(backup, anyPod('dwayne'), 3306)).toBe(false);
    });

    test('any other pod of the mysql namespace is denied (no same-namespace allowance)', () => {
      // GIVEN a pod in mysql that is not a member THEN it is denied, and members reach no client
      expect(allowed(anyPod('mysql', { app: 'debug' }), member, 3306)).toBe(false);
      expect(allowed(member, anyPod('dwayne'), 80)).toBe(false);
    });
  });
});

describe('the MySQL part', () => {
  test('adds the MySQL chart and returns the cluster as its typed output', () => {
    // GIVEN a minimal config with a dwayne tenant that is a MySQL client
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\nmysql:\n  clients: [dwayne]\n`);
    // WHEN tenancy and MySQL are built
    const { app, cluster } = buildMySql(config);
    // THEN one PlatformChart in the mysql folder after tenancy's, and the output is the cluster built from the config
    const charts = PlatformChart.all(app);
    expect(charts.map((c) => [c.folder, c.wave])).toEqual([['10-tenancy', 10], ['20-mysql', 20]]);
    expect(cluster).toBeInstanceOf(MySqlCluster);
    expect(cluster?.nfsServer).toBe('10.0.0.100');
    expect(cluster?.primaryService.host).toBe('mysql-primary.mysql.svc.cluster.local');
    expect(cluster?.metricsPortName).toBe('metrics');
    expect(find(charts[1].toJson(), 'NetworkPolicy', 'allow-mysql-client-dwayne-egress', 'dwayne')).toBeDefined();
  });

  test('passes every key of the section to the cluster', () => {
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n  - name: shop\nmysql:
  namespace: db
  replicas: 2
  nfsServer: 10.0.0.200
  exportPaths: [/d0, /d1]
  nfsMountOptions: [hard]
  pvSize: 8Gi
  requestSize: 6Gi
  image: { repository: registry.lab/mysql, tag: 8.4.7 }
  exporterImage: { repository: registry.lab/mysqld-exporter, tag: v0.17.2 }
  resources: { mysqld: { limits: { memory: 640Mi } }, exporter: { requests: { cpu: 20m } } }
  credentialsSecret: db-passwords
  clients: [shop]
  backup: { schedule: "@daily", timeZone: Asia/Shanghai, retentionDays: 3, exportPath: /dumps, size: 4Gi, resources: { limits: { memory: 300Mi } } }
`);
    // GIVEN every key of the section set WHEN the part is built
    const c = buildMySql(config).cluster!;
    // THEN the cluster carries each of them
    expect({
      namespace: c.namespace, replicas: c.replicas, nfsServer: c.nfsServer, exportPaths: c.exportPaths, mountOptions: c.mountOptions,
      pvSize: c.pvSize, requestSize: c.requestSize, image: c.image, exporterImage: c.exporterImage, memory: c.mysqldResources.limits.memory,
      exporterCpu: c.exporterResources.requests.cpu, secret: c.credentials.name, backup: c.backupOptions,
    }).toEqual({
      namespace: 'db', replicas: 2, nfsServer: '10.0.0.200', exportPaths: ['/d0', '/d1'], mountOptions: ['hard'], pvSize: '8Gi', requestSize: '6Gi',
      image: { repository: 'registry.lab/mysql', tag: '8.4.7' }, exporterImage: { repository: 'registry.lab/mysqld-exporter', tag: 'v0.17.2' },
      memory: '640Mi', exporterCpu: '20m', secret: 'db-passwords',
      backup: { enabled: true, schedule: '@daily', timeZone: 'Asia/Shanghai', retentionDays: 3, exportPath: '/dumps', size: '4Gi', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '300Mi' } } },
    });
    const objects = (c.node.scope as PlatformChart).toJson();
    expect(find(objects, 'NetworkPolicy', 'allow-mysql-client-shop-ingress', 'db')).toBeDefined();
    expect(objects.filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'dwayne')).toEqual([]);
  });

  test('offers its exporter to Prometheus, its credentials Secret and its data volumes', () => {
    // GIVEN the default MySQL section WHEN built THEN the offers name the pods, the Secret and every member's claim
    const built = buildPlatformWith(parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n`), { parts: [tenancyPart, mysqlPart] });
    expect(built.offers.scrapeTargets.map((t) => [t.job, t.pods.namespace, t.app, t.port.port])).toEqual([['mysql', 'mysql', 'mysql', 'metrics']]);
    expect(built.offers.firstTimeSecrets.map((s) => [s.namespace, s.name, s.keys.map((k) => k.key)])).toEqual([
      ['mysql', 'mysql-credentials', ['root-password', 'replication-password', 'exporter-password', 'backup-password']],
    ]);
    expect(built.offers.firstTimeSecrets[0].keys.find((k) => k.key === 'replication-password')?.maxLength).toBe(32);
    expect(built.offers.backupVolumes.map((v) => [v.claim, v.persistentVolume, v.protectedBy])).toEqual([
      ['mysql-persistent-storage-mysql-0', 'mysql-pv', { kind: 'dump', cronJob: 'mysql/mysql-backup' }],
      ['mysql-persistent-storage-mysql-1', 'mysql-pv1', { kind: 'dump', cronJob: 'mysql/mysql-backup' }],
      ['mysql-persistent-storage-mysql-2', 'mysql-pv2', { kind: 'dump', cronJob: 'mysql/mysql-backup' }],
      // The dump volume is itself a backup target.
      ['mysql-backup', 'mysql-backup-pv', { kind: 'holds-backups' }],
    ]);
    expect(built.offers.backupVolumes[0].nfs).toEqual({ server: '10.0.0.100', path: '/nfs_mysql' });
  });

  test('disabled: no chart, no output, no offers', () => {
    // GIVEN mysql.enabled false WHEN built THEN nothing is built or offered
    const config = parseConfig(`${MINIMAL_CLUSTER}mysql:\n  enabled: false\n`);
    const built = buildPlatformWith(config, { parts: [tenancyPart, mysqlPart] });
    expect(PlatformChart.all(built.app).map((c) => c.folder)).toEqual(['10-tenancy']);
    expect(built.outputOf(mysqlPart)).toBeUndefined();
    expect(built.offers.scrapeTargets).toEqual([]);
  });

  test('a part that connects to MySQL but is listed before it is a clear programming error', () => {
    // GIVEN a part that asks for MySQL's output, listed first
    const early = definePart({ key: 'early', schema: { type: 'object', default: {} }, build: ({ outputOf }) => outputOf(mysqlPart) });
    // WHEN built THEN the message names both parts and the fix
    expect(() => buildPlatformWith(parseConfig(MINIMAL_CLUSTER, 'platform.yaml', { parts: [early, tenancyPart, mysqlPart] }) as any, { parts: [early, tenancyPart, mysqlPart] }))
      .toThrow(/part "early" connects to part "mysql", which is listed after it; move "mysql" before it/);
  });
});
