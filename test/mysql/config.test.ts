import { parseConfig } from '../../lib/config/load';
import { mysqlNamespaces, mysqlNfsServer } from '../../lib/mysql/config';
import {
  DEFAULT_BACKUP, DEFAULT_BACKUP_RESOURCES, DEFAULT_EXPORT_PATHS, DEFAULT_EXPORTER_RESOURCES, DEFAULT_MYSQLD_RESOURCES,
  MYSQL_IMAGE, MYSQLD_EXPORTER_IMAGE,
} from '../../lib/mysql/defaults';
import { MINIMAL_CLUSTER, problemsOf } from '../support/helpers';

const TENANTS = 'tenants:\n  - name: dwayne\n  - name: demo\n';
const BASE = `${MINIMAL_CLUSTER}${TENANTS}`;


describe('mysql: section defaults', () => {
  test('with no mysql: key the cluster of the notes is deployed', () => {
    // GIVEN a platform.yaml without a mysql: section WHEN parsed
    const config = parseConfig(BASE);
    // THEN every default is filled in, and the NFS server is the cluster's
    expect(config.mysql).toEqual({
      enabled: true,
      namespace: 'mysql',
      replicas: 3,
      image: MYSQL_IMAGE,
      exporterImage: MYSQLD_EXPORTER_IMAGE,
      exportPaths: [...DEFAULT_EXPORT_PATHS],
      nfsMountOptions: ['hard', 'nfsvers=4.1'],
      pvSize: '5Gi',
      requestSize: '5Gi',
      resources: { mysqld: DEFAULT_MYSQLD_RESOURCES, exporter: DEFAULT_EXPORTER_RESOURCES },
      credentialsSecret: 'mysql-credentials',
      clients: [],
      backup: { ...DEFAULT_BACKUP, resources: DEFAULT_BACKUP_RESOURCES },
    });
    expect(DEFAULT_EXPORT_PATHS).toEqual(['/nfs_mysql', '/nfs_mysql1', '/nfs_mysql2']);
    expect(DEFAULT_BACKUP).toEqual({ enabled: true, schedule: '30 2 * * *', timeZone: 'Etc/UTC', retentionDays: 7, exportPath: '/nfs_mysql_backup', size: '10Gi' });
    expect(MYSQL_IMAGE).toEqual({ repository: 'mysql', tag: '8.4.11' });
    expect(mysqlNfsServer(config)).toBe('10.0.0.100');
    expect(mysqlNamespaces(config)).toEqual(['mysql']);
  });

  test('clients are what platform.yaml lists: the library carries no lab tenant names (none by default)', () => {
    // GIVEN configs without and with explicit clients THEN
    expect(parseConfig(BASE).mysql.clients).toEqual([]);
    expect(parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: team-a\n`).mysql.clients).toEqual([]);
    expect(parseConfig(`${BASE}mysql:\n  clients: [demo]\n`).mysql.clients).toEqual(['demo']);
  });

  test('an own NFS server overrides the cluster\'s; disabled creates no namespace', () => {
    // GIVEN mysql.nfsServer / enabled: false THEN
    expect(mysqlNfsServer(parseConfig(`${BASE}mysql:\n  nfsServer: 10.0.0.200\n`))).toBe('10.0.0.200');
    const off = parseConfig(`${BASE}mysql:\n  enabled: false\n  replicas: 9\n`);
    expect(mysqlNamespaces(off)).toEqual([]);
  });

  test('the mysql namespace is reserved: a tenant cannot take it', () => {
    // GIVEN a tenant named mysql WHEN parsed THEN it is refused
    expect(problemsOf(`${BASE}  - name: mysql\n`)).toEqual(['tenants[2].name: "mysql" is reserved (used by the mysql section); choose another name. (line 9)']);
  });
});

describe('mysql: section mistakes', () => {
  const CASES: Array<[string, string, RegExp]> = [
    ['fewer export paths than replicas',
      'mysql:\n  replicas: 4\n',
      /^mysql\.exportPaths: 3 export paths for 4 replicas; every member needs its own NFS export .* Add 1 more \(e\.g\. "\/nfs_mysql3"\) or lower mysql\.replicas to 3\. \(line \d+\)$/],
    ['a claim larger than the volume',
      'mysql:\n  requestSize: 8Gi\n',
      /^mysql\.requestSize: "8Gi" is larger than mysql\.pvSize \("5Gi"\); a claim never binds to a smaller PersistentVolume\. Lower requestSize or raise pvSize\. \(line \d+\)$/],
    ['a relative export path',
      'mysql:\n  exportPaths: [nfs_mysql, /nfs_mysql1, /nfs_mysql2]\n',
      /^mysql\.exportPaths\[0\]: "nfs_mysql" is not an absolute path: start with "\/".*\(line \d+\)$/],
    ['a bad NFS address',
      'mysql:\n  nfsServer: 10.10.10.300\n',
      /^mysql\.nfsServer: "10\.10\.10\.300" is not an IPv4 address \(example: "10\.10\.10\.101"\)/],
    ['duplicate export paths',
      'mysql:\n  exportPaths: [/nfs_mysql, /nfs_mysql, /nfs_mysql2]\n',
      /^mysql\.exportPaths: items 1 and 0 are the same \("\/nfs_mysql"\); list each once/],
    ['an export inside another',
      'mysql:\n  exportPaths: [/nfs_mysql, /nfs_mysql/one, /nfs_mysql2]\n',
      /^mysql\.exportPaths\[1\]: "\/nfs_mysql\/one" lies inside exportPaths\[0\] \("\/nfs_mysql"\); member 0 would see member 1's data/],
    ['the backup export shared with a member',
      'mysql:\n  backup: { exportPath: /nfs_mysql2 }\n',
      /^mysql\.backup\.exportPath: "\/nfs_mysql2" is exportPaths\[2\] \("\/nfs_mysql2"\); dumps need an export of their own, e\.g\. "\/nfs_mysql_backup"\. \(line \d+\)$/],
    ['zero replicas',
      'mysql:\n  replicas: 0\n',
      /^mysql\.replicas: 0 must be at least 1/],
    ['a client that is not a tenant',
      'mysql:\n  clients: [dwayne, shop]\n',
      /^mysql\.clients\[1\]: "shop" is not a tenant; add it under tenants: .* or remove it\. Tenants: "dwayne", "demo"\. \(line \d+\)$/],
    ['the mysql namespace as its own client',
      'mysql:\n  clients: [mysql]\n',
      /^mysql\.clients\[0\]: "mysql" is the MySQL namespace itself/],
    ['a system namespace',
      'mysql:\n  namespace: kube-system\n',
      /^mysql\.namespace: "kube-system" is a Kubernetes system namespace/],
    ['a memory limit too small for mysqld',
      'mysql:\n  resources: { mysqld: { limits: { memory: 256Mi } } }\n',
      /^mysql\.resources\.mysqld\.limits\.memory: "256Mi" is below 384Mi; .* Raise it \(default "512Mi"\)\. \(line \d+\)$/],
    ['a request above its limit',
      'mysql:\n  resources: { exporter: { requests: { cpu: 200m } } }\n',
      /^mysql\.resources\.exporter\.requests\.cpu: "200m" is above limits\.cpu \("100m"\); Kubernetes refuses such a pod — lower the request or raise the limit\. \(line \d+\)$/],
    ['a soft NFS mount',
      'mysql:\n  nfsMountOptions: [soft]\n',
      /^mysql\.nfsMountOptions\[0\]: "soft" returns I\/O errors to mysqld .*; use "hard"\. \(line \d+\)$/],
    ['an unpinned image',
      'mysql:\n  image: { tag: latest }\n',
      /^mysql\.image\.tag: "latest" is not a pinned image tag/],
    ['a MySQL that is not 8.4',
      'mysql:\n  image: { tag: "5.6" }\n',
      /^mysql\.image\.tag: "5\.6" is not a MySQL 8\.4 release; .* \(e\.g\. "8\.4\.11"\)\. \(line \d+\)$/],
    ['an image reference in the repository field',
      'mysql:\n  exporterImage: { repository: "prom/mysqld-exporter:v0.17.2" }\n',
      /^mysql\.exporterImage\.repository: "prom\/mysqld-exporter:v0\.17\.2" is not an image repository/],
    ['a schedule that is not cron',
      'mysql:\n  backup: { schedule: "every night" }\n',
      /^mysql\.backup\.schedule: "every night" is not a cron schedule; write five fields/],
    ['a time zone that is not one',
      'mysql:\n  backup: { timeZone: "UTC+8" }\n',
      /^mysql\.backup\.timeZone: "UTC\+8" is not an IANA time zone name/],
    ['negative retention',
      'mysql:\n  backup: { retentionDays: -1 }\n',
      /^mysql\.backup\.retentionDays: -1 must be at least 0/],
    ['a misspelt key',
      'mysql:\n  replica: 3\n',
      /^mysql\.replica: unknown key "replica"; did you mean "replicas"\?/],
  ];

  test.each(CASES)('%s', (_name, section, message) => {
    // GIVEN one mistake in the mysql: section WHEN parsed
    const problems = problemsOf(`${BASE}${section}`);
    // THEN exactly that problem is reported, naming the field, the value and the fix
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('a disabled section is not cross-checked', () => {
    // GIVEN a disabled section with too many replicas THEN no problem
    expect(problemsOf(`${BASE}mysql:\n  enabled: false\n  replicas: 5\n`)).toEqual([]);
  });

  test('every problem is reported at once', () => {
    // GIVEN three independent mistakes THEN all three are listed, in order
    const problems = problemsOf(`${BASE}mysql:\n  replicas: 4\n  requestSize: 8Gi\n  clients: [shop]\n`);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['mysql.exportPaths', 'mysql.requestSize', 'mysql.clients[0]']);
  });
});
