import { checkCapacity } from '../../lib/checks/capacity';
import { ClusterConfig } from '../../lib/config/cluster';
import { HOSTNAME_LABEL, LOCAL_STORAGE_CLASS, LocalStorageClass, LocalStorageClassProps, LocalVolume, LocalVolumeProps } from '../../lib/storage/local-volume';
import { asObjects, find, testChart } from '../support/helpers';

const base: LocalVolumeProps = {
  name: 'prometheus-k8s-node1',
  node: 'k8s-node1',
  path: '/mnt/local-storage/prometheus',
  size: '10Gi',
  claim: { namespace: 'monitoring', statefulSet: 'prometheus', claimTemplate: 'storage' },
};

function renderVolume(props: LocalVolumeProps): { objects: any[]; volume: LocalVolume } {
  const chart = testChart();
  const volume = new LocalVolume(chart, 'Volume', props);
  return { objects: chart.toJson(), volume };
}

function renderClass(props?: LocalStorageClassProps): any[] {
  const chart = testChart();
  new LocalStorageClass(chart, 'Class', props);
  return chart.toJson();
}

/** A one-pod StatefulSet prometheus in monitoring with claim template `storage`, requesting `cpu`. */
function prometheusClaimingStorage(cpu: string) {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'prometheus', namespace: 'monitoring' },
    spec: {
      replicas: 1, serviceName: 'prometheus', selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'p', image: 'p:1', resources: { requests: { cpu, memory: '100Mi' } } }] } },
      volumeClaimTemplates: [{ metadata: { name: 'storage' }, spec: { resources: { requests: { storage: '10Gi' } } } }],
    },
  };
}

/** Workers w1 (`w1Cpu` CPUs) and w2 (4 CPUs), 8Gi each, nothing reserved. */
function twoWorkers(w1Cpu: string): ClusterConfig {
  return {
    nodes: [
      { name: 'w1', ip: '10.0.0.1', role: 'worker', cpu: w1Cpu, memory: '8Gi', schedulable: true },
      { name: 'w2', ip: '10.0.0.2', role: 'worker', cpu: '4', memory: '8Gi', schedulable: true },
    ],
    reservedPerNode: { cpu: '0', memory: '0' },
  } as unknown as ClusterConfig;
}

describe('LocalStorageClass', () => {
  test('defaults (snapshot)', () => {
    expect(renderClass()).toMatchSnapshot();
  });

  test('no provisioner, binding waits for the pod, named local-storage by default', () => {
    // GIVEN no props WHEN rendered
    const sc = find(renderClass(), 'StorageClass', LOCAL_STORAGE_CLASS);
    // THEN volumes are static and bind only once the scheduler has placed the pod
    expect(sc.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(LOCAL_STORAGE_CLASS).toBe('local-storage');
  });

  test('a node over-committed by the pod its volume pins there is one problem, with the node summaries as context', () => {
    // GIVEN the volume on w2 and a StatefulSet pod bigger than w2
    const { objects } = renderVolume({ ...base, node: 'w2' });
    const sts = prometheusClaimingStorage('6');
    const cluster = twoWorkers('8');
    // WHEN
    const result = checkCapacity(asObjects([...objects, sts]), cluster);
    // THEN
    expect(result.problems).toEqual(['node w2 is over-committed by the requests of the pods bound to it (its volumes pin them there): 6 of 4 CPU, 100Mi of 8Gi memory; lower their requests, or give cluster.nodes[1] more room.']);
    expect(result.summaries).toEqual([expect.stringMatching(/^node w1: 0 of 8 CPU/), expect.stringMatching(/^node w2: 6 of 4 CPU .* — over-committed by requests \(pods bound to it\)/)]);
  });

  test('all props', () => {
    const props: Required<LocalStorageClassProps> = { name: 'fast-local', labels: { team: 'ops' } };
    const sc = find(renderClass(props), 'StorageClass', 'fast-local');
    expect(sc.metadata.labels).toEqual({ team: 'ops' });
  });

  test('a name that is not a DNS name is refused', () => {
    expect(() => renderClass({ name: 'Local_Storage' })).toThrow(/LocalStorageClass: name "Local_Storage" is not a DNS name \(example: "local-storage"\)/);
  });
});

describe('LocalVolume', () => {
  test('defaults (snapshot)', () => {
    expect(renderVolume(base).objects).toMatchSnapshot();
  });

  test('pinned to its node by required affinity on kubernetes.io/hostname, kept on release', () => {
    // GIVEN a volume on k8s-node1 WHEN rendered
    const pv = find(renderVolume(base).objects, 'PersistentVolume', 'prometheus-k8s-node1');
    // THEN
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: ['k8s-node1'] }] }]);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec.local).toEqual({ path: '/mnt/local-storage/prometheus' });
    expect(pv.spec.capacity).toEqual({ storage: '10Gi' });
    expect(pv.spec.storageClassName).toBe('local-storage');
    expect(pv.spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  test('pre-bound to the exact claim the StatefulSet creates: <template>-<statefulset>-<ordinal>', () => {
    const { objects, volume } = renderVolume({ ...base, claim: { ...base.claim, ordinal: 2 } });
    const pv = find(objects, 'PersistentVolume', 'prometheus-k8s-node1');
    expect(pv.spec.claimRef).toEqual({ namespace: 'monitoring', name: 'storage-prometheus-2' });
    expect(volume.claimRef).toEqual({ namespace: 'monitoring', name: 'storage-prometheus-2' });
    expect(LocalVolume.claimName({ namespace: 'x', statefulSet: 'loki', claimTemplate: 'data' })).toBe('data-loki-0');
  });

  test('the capacity check reads claimRef and affinity to place the StatefulSet pod on that node', () => {
    // GIVEN a volume on w2 and a StatefulSet whose claim it is reserved for
    const { objects } = renderVolume({ ...base, node: 'w2' });
    const sts = prometheusClaimingStorage('100m');
    const cluster = twoWorkers('4');
    // WHEN the capacity check runs
    const result = checkCapacity(asObjects([...objects, sts]), cluster);
    // THEN the pod lands on w2 (w1 would win first-fit: it comes first with as much room)
    expect(result.problems).toEqual([]);
    expect(result.table.find((l) => l.trimStart().startsWith('w2'))).toMatch(/100m \/ 4 .* 1$/);
    expect(result.table.find((l) => l.trimStart().startsWith('w1'))).toMatch(/ 0$/);
  });

  test('all props', () => {
    const props: Required<LocalVolumeProps> = { ...base, storageClassName: 'fast-local', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const pv = find(renderVolume(props).objects, 'PersistentVolume', 'prometheus-k8s-node1');
    expect(pv.spec.storageClassName).toBe('fast-local');
    expect(pv.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
  });

  test.each<[string, Partial<LocalVolumeProps>, RegExp]>([
    ['a relative path', { path: 'mnt/prometheus' }, /path "mnt\/prometheus" must be an absolute directory path .* \(example: "\/mnt\/local-storage\/prometheus"\)/],
    ['a path with ..', { path: '/mnt/../etc' }, /path "\/mnt\/..\/etc" must be an absolute directory path/],
    ['a trailing slash', { path: '/mnt/data/' }, /path "\/mnt\/data\/" must be an absolute directory path without "..", spaces or a trailing "\/"/],
    ['a size that is not a quantity', { size: '10 GB' }, /size "10 GB" is not a positive Kubernetes quantity \(example: "10Gi"\)/],
    ['a zero size', { size: '0' }, /size "0" is not a positive Kubernetes quantity/],
    ['a node name with capitals', { node: 'K8s_Node1' }, /node "K8s_Node1" is not a node name as `kubectl get nodes` prints it \(example: "k8s-node1"\)/],
    ['a PV name that is not a DNS name', { name: 'Prometheus PV' }, /LocalVolume "Prometheus PV": name is not a DNS name/],
    ['a negative ordinal', { claim: { ...base.claim, ordinal: -1 } }, /claim ordinal -1 must be a whole number >= 0/],
  ])('%s is refused with the fix', (_name, override, message) => {
    expect(() => renderVolume({ ...base, ...override })).toThrow(message);
  });
});
