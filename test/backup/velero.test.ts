import { Chart, Testing } from 'cdk8s';
import { Velero, VeleroProps, VELERO_PRIVILEGED_REASON } from '../../lib/backup/velero';

const STORE = { url: 'https://s3.lab.example', bucket: 'b', prefix: 'velero/lab', region: 'garage', cidr: '10.0.0.50/32', port: 443 };
const DAILY = { name: 'daily', schedule: '0 3 * * *', ttl: '720h0m0s', includedNamespaces: ['*'], excludedNamespaces: [], fileSystemBackup: true };

function render(props: Partial<VeleroProps> = {}, resources?: (v: Velero, chart: Chart) => void) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const velero = new Velero(chart, 'Velero', {
    objectStore: STORE,
    apiServer: { addresses: ['10.0.0.1'], port: 6443 },
    nodeAgentNodes: 2,
    dns: { namespace: 'kube-system', podSelector: { 'k8s-app': 'kube-dns' } },
    ...props,
  });
  resources?.(velero, chart);
  return { velero, manifests: Testing.synth(chart) };
}
const find = (ms: any[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);

describe('Velero', () => {
  test('defaults: namespace velero, credentials velero-s3-credentials, the 13 CRDs', () => {
    const { velero, manifests } = render();
    expect([velero.namespace, velero.credentialsSecret, velero.metricsPort]).toEqual(['velero', 'velero-s3-credentials', 8085]);
    expect(manifests.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => m.metadata.name)).toContain('schedules.velero.io');
    expect(manifests.filter((m) => m.kind === 'CustomResourceDefinition')).toHaveLength(13);
    expect(find(manifests, 'Namespace', 'velero').metadata.annotations['platform-kit.io/pod-security-reason']).toBe(VELERO_PRIVILEGED_REASON);
    // the namespace is the backup part's (unit 50-backup), its quota and limits a namespace's, not a tenant's
    expect(find(manifests, 'Namespace', 'velero').metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'backup', 'app.kubernetes.io/instance': 'velero' });
    expect(find(manifests, 'LimitRange', 'namespace-limits')?.metadata.namespace).toBe('velero');
  });

  test('the quota fits the server, a node-agent per node and one maintenance Job', () => {
    const { manifests } = render({ nodeAgentNodes: 3 });
    // server 100m/128Mi x2 (itself + a maintenance Job; its 10m/16Mi plugin step runs before it) + node-agent 50m/128Mi x3
    expect(find(manifests, 'ResourceQuota', 'namespace-quota')?.spec.hard).toMatchObject({ 'requests.cpu': '350m', 'requests.memory': '640Mi', pods: '7' });
  });

  test('the server and the node-agent reach the API server and the object store only', () => {
    const { manifests } = render();
    const egress = manifests.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name.endsWith('-egress') && m.metadata.name !== 'allow-dns-egress');
    const targets = egress.filter((m) => m.spec.egress?.[0]?.to?.[0]?.ipBlock).map((m) => [m.spec.podSelector.matchLabels['app.kubernetes.io/name'], m.spec.egress[0].to[0].ipBlock.cidr, m.spec.egress[0].ports[0].port]).sort();
    expect(targets).toEqual([
      ['node-agent', '10.0.0.1/32', 6443], ['node-agent', '10.0.0.50/32', 443], ['velero', '10.0.0.1/32', 6443], ['velero', '10.0.0.50/32', 443],
    ]);
  });

  test('custom resources: the BSL with a prefix; no volume policy and no resourcePolicy when nothing is skipped', () => {
    const { manifests } = render({}, (v, chart) => v.addCustomResources(chart, [DAILY], []));
    expect(find(manifests, 'BackupStorageLocation', 'default').spec.objectStorage).toEqual({ bucket: 'b', prefix: 'velero/lab' });
    expect(find(manifests, 'Schedule', 'daily').spec.template.resourcePolicy).toBeUndefined();
    expect(find(manifests, 'ConfigMap', 'velero-volume-policy')).toBeUndefined();
  });

  test('custom resources: skipped NFS volumes become a volume policy every Schedule names', () => {
    const { manifests } = render({}, (v, chart) => v.addCustomResources(chart, [DAILY, { ...DAILY, name: 'weekly', schedule: '0 4 * * 0', excludedNamespaces: ['kube-system'] }], [{ server: '10.0.0.100', path: '/nfs_mysql' }]));
    expect(find(manifests, 'ConfigMap', 'velero-volume-policy').data['policy.yaml']).toBe(
      'version: v1\nvolumePolicies:\n  - conditions:\n      nfs:\n        server: 10.0.0.100\n        path: /nfs_mysql\n    action:\n      type: skip\n');
    expect(find(manifests, 'Schedule', 'weekly').spec.template).toMatchObject({ excludedNamespaces: ['kube-system'], resourcePolicy: { kind: 'configmap', name: 'velero-volume-policy' } });
  });
});
