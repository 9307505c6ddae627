import * as fs from 'fs';
import * as path from 'path';
import { CrdCatalog } from '../../lib/checks/custom-resource-schema';
import { parseConfig } from '../../lib/config/load';
import { PROJECT_ROOT } from '../../lib/core/paths';
import { synthesize } from '../../lib/pipeline/synthesize';
import { MINIMAL_CLUSTER } from '../support/helpers';

const DEFAULT_YAML = fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8');
const OBJECT_STORE = '  velero:\n    objectStore: { url: "http://10.10.10.50:3900", bucket: platform-backups, region: garage }\n';
const withVelero = (yaml: string) => yaml.replace(/^backup:\n/m, `backup:\n${OBJECT_STORE}`);
const synth = (yaml: string) => synthesize(parseConfig(yaml, 'platform.yaml'));
const manifestsOf = (r: ReturnType<typeof synth>) => r.files.flatMap((f) => f.objects.map((o) => ({ path: f.path, m: o.manifest })));
const find = (r: ReturnType<typeof synth>, kind: string, name: string) => manifestsOf(r).find((x) => x.m.kind === kind && x.m.metadata.name === name);

/** The Restore of docs/backup.md ("Velero restore of a namespace"), kept equal to the docs by the last test. */
const DOCS_RESTORE = {
  apiVersion: 'velero.io/v1',
  kind: 'Restore',
  metadata: { name: 'dwayne-drill', namespace: 'velero' },
  spec: {
    scheduleName: 'daily',
    includedNamespaces: ['dwayne'],
    namespaceMapping: { dwayne: 'dwayne-drill' },
    restorePVs: true,
  },
};

describe('the backup part on the default platform', () => {
  // GIVEN the default platform.yaml WHEN synthesized THEN every check passes (synthesize throws otherwise)
  const result = synth(DEFAULT_YAML);

  test('snapshots each control plane\'s etcd with etcdctl, verifies with etcdutl, files on its own pre-bound NFS volume', () => {
    const cron = find(result, 'CronJob', 'etcd-snapshot')!;
    expect(cron.path).toBe('50-backup.11-etcd-snapshot.yaml');
    expect(cron.m.spec).toMatchObject({ schedule: '0 */6 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cron.m.spec.jobTemplate.spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['save-k8s-master', 'verify-k8s-master']);
    expect(pod.initContainers[0].command).toEqual(expect.arrayContaining(['--endpoints=https://10.10.10.200:2379', 'snapshot', 'save']));
    expect(pod.initContainers[1].command.slice(0, 3)).toEqual(['/usr/local/bin/etcdutl', 'snapshot', 'status']);
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([{ name: 'KEEP', value: '8' }, { name: 'MEMBERS', value: 'k8s-master' }]));
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find(result, 'PersistentVolume', 'etcd-snapshots-pv')!.m.spec).toMatchObject({
      nfs: { server: '10.10.10.101', path: '/nfs_etcd_backup' },
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'backup', name: 'etcd-snapshots' },
    });
  });

  test('needs no host access: the namespace enforces restricted, and the only way out is 2379 on the control plane', () => {
    expect(find(result, 'Namespace', 'backup')!.m.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const egress = manifestsOf(result).filter((x) => x.m.kind === 'NetworkPolicy' && x.m.metadata.namespace === 'backup' && x.m.metadata.name.startsWith('allow-etcd'));
    expect(egress.map((x) => x.m.spec.egress)).toEqual([[{ to: [{ ipBlock: { cidr: '10.10.10.200/32' } }], ports: [{ port: 2379, protocol: 'TCP' }] }]]);
  });

  test('offers the etcd client Secret as a first-time Secret, with the kubectl command, and never writes it', () => {
    const secret = result.offers.firstTimeSecrets.find((s) => s.name === 'etcd-backup-client')!;
    expect(secret.keys.map((k) => k.key)).toEqual(['ca.crt', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key']);
    expect(secret.keys.map((k) => k.description).join(' ')).toMatch(/kubectl .*-n backup create secret generic etcd-backup-client --from-file=ca\.crt=\/etc\/kubernetes\/pki\/etcd\/ca\.crt/);
    expect(manifestsOf(result).filter((x) => x.m.kind === 'Secret')).toEqual([]);
  });

  test('prints the coverage table, with every volume covered', () => {
    const table = result.report.slice(result.report.findIndex((l) => l.startsWith('Backup coverage')));
    expect(table.join('\n')).toMatch(/mysql\/mysql-persistent-storage-mysql-0 +dump \(CronJob mysql\/mysql-backup\)/);
    expect(table.join('\n')).toMatch(/monitoring\/storage-prometheus-0 +not backed up: metrics/);
    expect(table.join('\n')).toMatch(/backup\/etcd-snapshots +holds backups/);
    expect(table.join('\n')).not.toMatch(/NOT COVERED/);
  });

  test('without an object store there is no Velero, and a notice says so', () => {
    expect(result.files.filter((f) => f.path.startsWith('needs-velero/'))).toEqual([]);
    expect(result.report.join('\n')).toMatch(/backup\.velero\.objectStore is not set: Velero is not deployed/);
  });
});

describe('the backup part with Velero', () => {
  const result = synth(withVelero(DEFAULT_YAML));
  const catalog = CrdCatalog.load();

  test('synthesizes with every check passing; its custom resources validate against the copied Velero CRDs', () => {
    const custom = manifestsOf(result).filter((x) => x.m.apiVersion === 'velero.io/v1');
    expect(custom.map((x) => `${x.path} ${x.m.kind}/${x.m.metadata.name}`)).toEqual([
      'needs-velero/10-backup-storage-location.yaml BackupStorageLocation/default',
      'needs-velero/11-schedules.yaml Schedule/daily',
    ]);
    for (const x of custom) expect(catalog.validate(x.m)).toEqual([]);
    expect(catalog.validate(DOCS_RESTORE)).toEqual([]);
    // AND a typo is caught (the check can fail)
    expect(catalog.validate({ ...DOCS_RESTORE, spec: { ...DOCS_RESTORE.spec, includeNamespaces: ['x'] } }).join('\n')).toMatch(/includeNamespaces/);
  });

  test('installs all 13 Velero CRDs with the top-level unit, so `kubectl apply -f dist` creates them before needs-velero', () => {
    // (the default platform's other CRD, the websites part's Website, is not Velero's)
    const crds = manifestsOf(result).filter((x) => x.m.kind === 'CustomResourceDefinition' && x.m.spec.group === 'velero.io');
    expect(crds).toHaveLength(13);
    expect(new Set(crds.map((x) => x.path))).toEqual(new Set(['50-backup.00-cluster-scoped.yaml']));
  });

  test('the BackupStorageLocation takes endpoint, bucket and region from config and its credentials from a Secret reference', () => {
    expect(find(result, 'BackupStorageLocation', 'default')!.m.spec).toEqual({
      provider: 'aws', default: true,
      objectStorage: { bucket: 'platform-backups' },
      config: { region: 'garage', s3Url: 'http://10.10.10.50:3900', s3ForcePathStyle: 'true' },
      credential: { name: 'velero-s3-credentials', key: 'cloud' },
    });
    expect(result.offers.firstTimeSecrets.find((s) => s.name === 'velero-s3-credentials')?.keys.map((k) => k.key)).toEqual(['cloud']);
  });

  test('the daily Schedule keeps 30 days, file-system-backs up volumes and skips the MySQL data directories', () => {
    expect(find(result, 'Schedule', 'daily')!.m.spec).toEqual({
      schedule: '0 3 * * *',
      template: {
        ttl: '720h0m0s', storageLocation: 'default', includedNamespaces: ['*'], defaultVolumesToFsBackup: true,
        resourcePolicy: { kind: 'configmap', name: 'velero-volume-policy' },
      },
    });
    const policy = find(result, 'ConfigMap', 'velero-volume-policy')!.m.data['policy.yaml'];
    expect(policy).toMatch(/server: 10\.10\.10\.101\n\s+path: \/nfs_mysql\n/);
    expect(policy).not.toMatch(/nfs_mysql_backup/);
  });

  test('node-agent runs in the privileged velero namespace with its reason; the server pod meets restricted', () => {
    const ns = find(result, 'Namespace', 'velero')!.m.metadata;
    expect(ns.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(ns.annotations['platform-kit.io/pod-security-reason']).toMatch(/hostPath/);
    const agent = find(result, 'DaemonSet', 'node-agent')!.m.spec.template;
    expect(agent.spec.volumes[0]).toEqual({ name: 'host-pods', hostPath: { path: '/var/lib/kubelet/pods', type: 'Directory' } });
    expect(agent.metadata.annotations['platform-kit.io/security-exemption']).toMatch(/DAC_READ_SEARCH/);
    const server = find(result, 'Deployment', 'velero')!.m.spec.template.spec;
    expect(server.securityContext.runAsNonRoot).toBe(true);
    expect(server.initContainers[0].image).toBe('velero/velero-plugin-for-aws:v1.10.1');
  });

  test('RBAC: the server reads everything but writes only in its namespace; nothing can escalate or bind', () => {
    const rbac = manifestsOf(result).filter((x) => ['ClusterRole', 'Role'].includes(x.m.kind) && x.m.metadata.namespace !== 'dwayne' && /velero/.test(x.m.metadata.name));
    const clusterVerbs = rbac.filter((x) => x.m.kind === 'ClusterRole').flatMap((x) => x.m.rules.flatMap((r: any) => r.verbs));
    expect([...new Set(clusterVerbs)].sort()).toEqual(['get', 'list', 'watch']);
    const allVerbs = rbac.flatMap((x) => x.m.rules.flatMap((r: any) => r.verbs));
    for (const forbidden of ['escalate', 'bind', 'impersonate', '*']) expect(allVerbs).not.toContain(forbidden);
    const roleResources = rbac.filter((x) => x.m.kind === 'Role').flatMap((x) => x.m.rules.flatMap((r: any) => r.resources));
    for (const forbidden of ['roles', 'rolebindings', 'namespaces', 'resourcequotas', 'networkpolicies']) expect(roleResources).not.toContain(forbidden);
  });

  test('Prometheus scrapes Velero through the offered scrape targets', () => {
    expect(result.offers.scrapeTargets.filter((t) => t.job.startsWith('velero')).map((t) => [t.job, t.pods.namespace, t.port.port])).toEqual([
      ['velero', 'velero', 'metrics'], ['velero-node-agent', 'velero', 'metrics'],
    ]);
    expect(find(result, 'NetworkPolicy', 'allow-prometheus-scrape-velero-ingress')?.m.metadata.namespace).toBe('velero');
  });

  test('no secret values in dist/: no Secret objects, no credentials or keys inside any file', () => {
    const all = result.files.map((f) => f.content).join('\n');
    expect(manifestsOf(result).filter((x) => x.m.kind === 'Secret')).toEqual([]);
    expect(all).not.toMatch(/aws_secret_access_key|BEGIN [A-Z ]*PRIVATE KEY|:\/\/[^/\s:@]+:[^/\s@]+@/);
  });
});

describe('the coverage check', () => {
  test('fails naming the unprotected volume and the fix', () => {
    // GIVEN the default platform without its notBackedUp entries WHEN synthesized THEN Prometheus' and Loki's volumes are named
    const yaml = DEFAULT_YAML.replace(/\n {2}notBackedUp:\n(?: {4}- .*\n)+/, '\n');
    expect(yaml).not.toMatch(/notBackedUp/);
    expect(() => synth(yaml)).toThrow(/backup coverage: monitoring\/storage-prometheus-0 .*is not backed up\. Fix: give backup\.velero an objectStore.*or list it under backup\.notBackedUp/);
  });

  test('fails when a dump-covered database loses its dump', () => {
    const yaml = DEFAULT_YAML.replace('  backup:\n    schedule: "30 2 * * *"', '  backup:\n    enabled: false\n    schedule: "30 2 * * *"');
    expect(() => synth(yaml)).toThrow(/backup coverage: mysql\/mysql-persistent-storage-mysql-0 .*is not backed up/);
  });

  test('refuses a notBackedUp entry that names no volume', () => {
    const yaml = DEFAULT_YAML.replace('claim: storage-loki-0', 'claim: storage-lokii-0');
    expect(() => synth(yaml)).toThrow(/backup\.notBackedUp\[1\]: "logging\/storage-lokii-0" is no volume in dist\//);
  });
});

describe('the backup section', () => {
  test('omitted: nothing is deployed and nothing is checked', () => {
    const r = synth(`${MINIMAL_CLUSTER}`);
    expect(r.files.filter((f) => f.path.startsWith('50-backup.'))).toEqual([]);
  });

  test('k3s: no CronJob, a notice points at k3s\'s own snapshots', () => {
    const r = synth(`${MINIMAL_CLUSTER}mysql: { enabled: false }\nobservability: { enabled: false }\nbackup:\n  etcd: { distribution: k3s }\n`);
    expect(manifestsOf(r).filter((x) => x.m.kind === 'CronJob')).toEqual([]);
    expect(r.report.join('\n')).toMatch(/k3s snapshots etcd itself/);
  });

  test('bad values are named with their fix', () => {
    expect(() => parseConfig(`${MINIMAL_CLUSTER}backup:\n  velero:\n    objectStore: { url: "https://s3.lab.example", bucket: b }\n`, 'platform.yaml'))
      .toThrow(/backup\.velero\.objectStore\.cidr: missing; the endpoint "https:\/\/s3\.lab\.example" is a name/);
    expect(() => parseConfig(`${MINIMAL_CLUSTER}backup:\n  etcd: { schedule: "every day" }\n`, 'platform.yaml'))
      .toThrow(/backup\.etcd\.schedule: "every day" is not a cron schedule/);
    expect(() => parseConfig(`${MINIMAL_CLUSTER}backup:\n  notBackedUp: [{ namespace: a, claim: b, reason: "no" }]\n`, 'platform.yaml'))
      .toThrow(/backup\.notBackedUp\[0\]\.reason: "no" does not say why/);
  });

  test('the docs\' Restore example is the one validated above', () => {
    const docs = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'backup.md'), 'utf8');
    expect(docs).toContain('metadata: { name: dwayne-drill, namespace: velero }');
    expect(docs).toContain('namespaceMapping: { dwayne: dwayne-drill }');
    expect(docs).toContain('scheduleName: daily');
  });

  test('the docs\' commands name the objects, paths and Secrets of dist/', () => {
    // GIVEN the default synth with Velero WHEN the names the runbooks use are read from the objects THEN docs/backup.md uses them
    const docs = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'backup.md'), 'utf8');
    const r = synth(withVelero(DEFAULT_YAML));
    const cron = find(r, 'CronJob', 'etcd-snapshot')!.m;
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const pv = find(r, 'PersistentVolume', 'etcd-snapshots-pv')!.m.spec.nfs;
    const server = find(r, 'Deployment', 'velero')!.m;
    const used = [
      `-n ${cron.metadata.namespace} create job --from=cronjob/${cron.metadata.name}`,
      `-c ${pod.initContainers[1].name}`, `-c ${pod.containers[0].name}`,
      `create secret generic ${pod.volumes.find((v: any) => v.secret).secret.secretName}`,
      `${pv.server}:${pv.path}/k8s-master/etcd-k8s-master-`,
      `--serviceaccount=${server.metadata.namespace}:${server.spec.template.spec.serviceAccountName}`,
      `--from-schedule ${find(r, 'Schedule', 'daily')!.m.metadata.name}`,
      `create secret generic ${find(r, 'BackupStorageLocation', 'default')!.m.spec.credential.name} --from-file=cloud=`,
      `ConfigMap \`velero/${find(r, 'ConfigMap', 'velero-volume-policy')!.m.metadata.name}\``,
    ];
    expect(used.filter((u) => !docs.includes(u))).toEqual([]);
  });
});

describe('the backup section, Velero checks', () => {
  const velero = (extra: string) => `${MINIMAL_CLUSTER}backup:\n  velero:\n    objectStore: { url: "http://10.0.0.50:3900", bucket: b }\n${extra}`;
  test('refuses a Velero namespace equal to the snapshot namespace, twice-used Schedule names and bad TTLs', () => {
    expect(() => parseConfig(velero('    namespace: backup\n'), 'platform.yaml')).toThrow(/backup\.velero\.namespace: "backup" is also backup\.namespace/);
    expect(() => parseConfig(velero('    schedules: [{ name: d, schedule: "0 3 * * *" }, { name: d, schedule: "0 4 * * *" }]\n'), 'platform.yaml')).toThrow(/schedules\[1\]\.name: "d" is used twice/);
    expect(() => parseConfig(velero('    schedules: [{ name: d, schedule: "0 3 * * *", ttl: "30d" }]\n'), 'platform.yaml')).toThrow(/schedules\[0\]\.ttl: "30d" is not a duration/);
  });

  test('the default Schedule is daily at 03:00 UTC, kept 30 days', () => {
    const config = parseConfig(velero(''), 'platform.yaml') as any;
    expect(config.backup.velero.schedules).toEqual([{ name: 'daily', schedule: '0 3 * * *', ttl: '720h0m0s', includedNamespaces: ['*'], excludedNamespaces: [], fileSystemBackup: true }]);
  });
});
