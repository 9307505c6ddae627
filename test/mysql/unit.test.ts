import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { NetworkPolicyEvaluator, PodModel } from '../../lib/checks/network/evaluator';
import { parseConfig } from '../../lib/config/load';
import { PlatformConfig } from '../../lib/config/platform-config';
import { MySqlCluster } from '../../lib/mysql/cluster';
import { MYSQL_HANDLE, mysqlHandle } from '../../lib/mysql/handle';
import { addMySqlUnit } from '../../lib/mysql/unit';
import { unitFilePrefix } from '../../lib/output/layout';
import { synthesize, SynthResult } from '../../lib/output/synth';
import { PlatformChart } from '../../lib/output/platform-chart';
import { PlatformContext } from '../../lib/platform-context';
import { UNITS } from '../../lib/units';
import { find, MINIMAL_CLUSTER, ROOT } from '../support/helpers';

const DEFAULT_YAML = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8');

/** What buildPlatform hands the units: the config, the managed namespaces, an empty handle map. */
function context(config: PlatformConfig): PlatformContext {
  return { config, managedNamespaces: new Set([...config.tenants.map((t) => t.name), config.mysql.namespace]), handles: new Map() };
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
    expect(result.files.map((f) => f.path).filter((p) => p.startsWith(unitFilePrefix(UNITS.mysql.folder)))).toEqual([
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

describe('addMySqlUnit', () => {
  test('adds the MySQL chart and registers the typed handle', () => {
    // GIVEN a minimal config with a dwayne tenant
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: dwayne\n`);
    const app = new App();
    const ctx = context(config);
    // WHEN the unit is added
    addMySqlUnit(app, ctx);
    // THEN one PlatformChart in the mysql folder, and the handle is the cluster built from the config
    const charts = PlatformChart.all(app);
    expect(charts.map((c) => [c.folder, c.wave])).toEqual([['20-mysql', 20]]);
    const handle = mysqlHandle(ctx);
    expect(handle).toBeInstanceOf(MySqlCluster);
    expect(ctx.handles.get(MYSQL_HANDLE)).toBe(handle);
    expect(handle?.nfsServer).toBe('10.0.0.100');
    expect(handle?.primaryService.host).toBe('mysql-primary.mysql.svc.cluster.local');
    expect(handle?.metricsPortName).toBe('metrics');
    expect(find(charts[0].toJson(), 'NetworkPolicy', 'allow-mysql-client-dwayne-egress', 'dwayne')).toBeDefined();
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
    // GIVEN every key of the section set WHEN the unit is added
    const ctx = context(config);
    addMySqlUnit(new App(), ctx);
    const c = mysqlHandle(ctx)!;
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

  test('disabled: no chart, no handle', () => {
    // GIVEN mysql.enabled false WHEN the unit is added THEN nothing is built or registered
    const config = parseConfig(`${MINIMAL_CLUSTER}mysql:\n  enabled: false\n`);
    const app = new App();
    const ctx = context(config);
    addMySqlUnit(app, ctx);
    expect(PlatformChart.all(app)).toEqual([]);
    expect(mysqlHandle(ctx)).toBeUndefined();
  });

  test('mysqlHandle refuses a handle that is not a MySqlCluster', () => {
    // GIVEN something else registered under the key THEN the typed getter says so
    const ctx = context(parseConfig(MINIMAL_CLUSTER));
    ctx.handles.set(MYSQL_HANDLE, { namespace: 'mysql' });
    expect(() => mysqlHandle(ctx)).toThrow(/ctx\.handles\.get\('mysql'\) is not a MySqlCluster/);
  });
});
