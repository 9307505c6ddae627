import { checkCapacity } from '../../lib/checks/capacity';
import { checkContainerHygiene, checkImmutableFields, checkPodSecurityLevels, checkQuotaFit, checkStatefulSetServices, SECURITY_EXEMPTION } from '../../lib/checks/workload-checks';
import { completeCluster } from '../../lib/config/cluster';
import { asObjects, goodDeployment } from '../support/helpers';

const namespace = (name: string, level: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } } });
const quota = (ns: string, hard: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'tenant-quota', namespace: ns }, spec: { hard } });
const limitRange = (ns: string) => ({
  apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'tenant-limits', namespace: ns },
  spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { cpu: '250m', memory: '256Mi' }, min: { cpu: '5m', memory: '8Mi' }, max: { cpu: '1', memory: '1Gi' } }] },
});

describe('Pod Security check', () => {
  test('a hardened pod passes restricted', () => {
    expect(checkPodSecurityLevels(asObjects([namespace('team-a', 'restricted'), goodDeployment()]))).toEqual([]);
  });

  test('a violation names the workload, the level, the field and the fix', () => {
    const d = goodDeployment({ container: { securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } } } });
    const problems = checkPodSecurityLevels(asObjects([namespace('team-a', 'restricted'), d]));
    expect(problems.join('\n')).toMatch(/team-a\/Deployment\/web: violates Pod Security "restricted" \(namespace team-a\) at spec\.containers\[web\]\.securityContext\.allowPrivilegeEscalation: .*Fix: /);
  });

  test('the level comes from the namespace: baseline allows what restricted refuses', () => {
    const d = goodDeployment({ container: { securityContext: {} }, podSecurity: {} });
    expect(checkPodSecurityLevels(asObjects([namespace('team-a', 'baseline'), d]))).toEqual([]);
    expect(checkPodSecurityLevels(asObjects([namespace('team-a', 'restricted'), d])).length).toBeGreaterThan(0);
  });

  test('a workload in a namespace Platform Kit does not create is reported', () => {
    expect(checkPodSecurityLevels(asObjects([goodDeployment({ namespace: 'elsewhere' })])))
      .toEqual([expect.stringMatching(/namespace elsewhere is not created by Platform Kit/)]);
  });
});

describe('container hygiene', () => {
  test('a good deployment passes', () => {
    expect(checkContainerHygiene(asObjects([goodDeployment()]))).toEqual([]);
  });

  test.each([
    ['unpinned image', { image: 'nginx' }, /image "nginx" is not pinned/],
    ['latest image', { image: 'nginx:latest' }, /image "nginx:latest" is not pinned/],
    ['missing limits', { resources: { requests: { cpu: '10m', memory: '10Mi' } } }, /resources\.limits\.cpu is missing.*\n.*resources\.limits\.memory is missing/],
    ['missing probes', { readinessProbe: undefined }, /needs a readinessProbe and a livenessProbe/],
    ['writable root fs', { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }, /readOnlyRootFilesystem is not true/],
  ])('%s is reported', (_name, container, message) => {
    expect(checkContainerHygiene(asObjects([goodDeployment({ container })])).join('\n')).toMatch(message);
  });

  test('a registry with a port is not mistaken for a tag', () => {
    expect(checkContainerHygiene(asObjects([goodDeployment({ container: { image: 'registry.lab:5000/web' } })])).join('\n')).toMatch(/is not pinned/);
    expect(checkContainerHygiene(asObjects([goodDeployment({ container: { image: 'registry.lab:5000/web:1.0' } })]))).toEqual([]);
  });

  test('a documented exemption relaxes hardening but not pinning, resources or probes', () => {
    const d = goodDeployment({ container: { image: 'agent', securityContext: {} } });
    d.spec.template.metadata.annotations = { [SECURITY_EXEMPTION]: 'reads root-owned host logs' };
    const problems = checkContainerHygiene(asObjects([d])).join('\n');
    expect(problems).toMatch(/is not pinned/);
    expect(problems).not.toMatch(/readOnlyRootFilesystem/);
  });

  test('host namespaces and hostPath volumes need a recorded reason', () => {
    const d = goodDeployment();
    Object.assign(d.spec.template.spec, { hostNetwork: true, hostPID: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] });
    expect(checkContainerHygiene(asObjects([d]))).toEqual([
      expect.stringMatching(/Deployment.*web: hostNetwork, hostPID, hostPath volume root without a reason; record why in the pod template's platform-kit\.io\/security-exemption annotation/),
    ]);
    d.spec.template.metadata.annotations = { [SECURITY_EXEMPTION]: 'node metrics are the host\'s' };
    expect(checkContainerHygiene(asObjects([d]))).toEqual([]);
  });
});

describe('quota fit', () => {
  test('fits: nothing reported', () => {
    const objects = asObjects([quota('team-a', { 'requests.cpu': '1', 'requests.memory': '1Gi', 'pods': '5' }), goodDeployment({ replicas: 3 })]);
    expect(checkQuotaFit(objects, 3)).toEqual([]);
  });

  test('replicas count: the numbers and the contributors are reported', () => {
    const objects = asObjects([quota('team-a', { 'requests.memory': '128Mi', 'pods': '2' }), goodDeployment({ replicas: 3 })]);
    const problems = checkQuotaFit(objects, 3);
    expect(problems).toEqual([
      'namespace team-a: requests.memory needs 192Mi but ResourceQuota tenant-quota allows 128Mi (Deployment/web 3×(50m/64Mi)); raise the quota in platform.yaml or lower the workloads\' resources/replicas.',
      expect.stringMatching(/namespace team-a: pods needs 3 but ResourceQuota tenant-quota allows 2/),
    ]);
  });

  test('LimitRange defaults apply to containers without resources, and min/max are enforced', () => {
    const noResources = goodDeployment({ name: 'bare', container: { resources: undefined } });
    const tooBig = goodDeployment({ name: 'big', container: { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } } });
    const objects = asObjects([quota('team-a', { 'limits.memory': '1Gi' }), limitRange('team-a'), noResources, tooBig]);
    const problems = checkQuotaFit(objects, 3).join('\n');
    expect(problems).toMatch(/team-a\/Deployment\/big container web: limits\.cpu 2 is above the LimitRange max 1 of namespace team-a/);
    expect(problems).toMatch(/team-a\/Deployment\/big container web: limits\.memory 2Gi is above the LimitRange max 1Gi/);
    expect(problems).toMatch(/limits\.memory needs 2\.25Gi but ResourceQuota tenant-quota allows 1Gi \(Deployment\/bare 1×\(50m\/64Mi\), Deployment\/big 1×\(1\/2Gi\)\)/);
  });

  test('StatefulSet claims count against PVC and storage quota; DaemonSets once per node', () => {
    const sts = goodDeployment({ name: 'db', replicas: 3 });
    sts.kind = 'StatefulSet';
    sts.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '5Gi' } } } }];
    const ds = goodDeployment({ name: 'agent' });
    ds.kind = 'DaemonSet';
    const objects = asObjects([quota('team-a', { 'persistentvolumeclaims': '2', 'requests.storage': '10Gi', 'pods': '5' }), sts, ds]);
    const problems = checkQuotaFit(objects, 3).join('\n');
    expect(problems).toMatch(/persistentvolumeclaims needs 3 but .* allows 2/);
    expect(problems).toMatch(/requests\.storage needs 15Gi but .* allows 10Gi/);
    expect(problems).toMatch(/pods needs 6 but .* allows 5 \(StatefulSet\/db 3×.*DaemonSet\/agent 3×/);
  });
});

describe('capacity', () => {
  const cluster = completeCluster({
    name: 'lab', podCidr: '10.244.0.0/16', serviceCidr: '10.96.0.0/12', apiServerPort: 6443,
    reservedPerNode: { cpu: '500m', memory: '512Mi' }, nfs: { server: '10.0.0.1' },
    ingress: { className: 'nginx', controllerNamespace: 'ingress-nginx' }, dns: { namespace: 'kube-system', podSelector: {} },
    nodes: [
      { name: 'cp', ip: '10.0.0.1', role: 'control-plane', cpu: '2', memory: '2Gi' },
      { name: 'w1', ip: '10.0.0.2', role: 'worker', cpu: '1', memory: '1Gi' },
    ],
  });

  test('prints allocatable vs requested per node; control-plane takes no ordinary pods', () => {
    const result = checkCapacity(asObjects([goodDeployment({ replicas: 2 })]), cluster);
    expect(result.problems).toEqual([]);
    expect(result.table.join('\n')).toMatch(/cp \(no ordinary pods\)\s+0 \/ 1500m\s+0%/);
    expect(result.table.join('\n')).toMatch(/w1\s+100m \/ 500m\s+20%\s+128Mi \/ 512Mi\s+25%\s+2/);
  });

  test('a pod that fits nowhere fails with the free capacity of each node', () => {
    const big = goodDeployment({ name: 'big', container: { resources: { requests: { cpu: '100m', memory: '600Mi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    const result = checkCapacity(asObjects([big]), cluster);
    expect(result.problems).toEqual([expect.stringMatching(/team-a\/Deployment\/big requests 100m CPU \/ 600Mi and fits on no schedulable node \(free: w1 500m\/512Mi\)/)]);
  });

  test('DaemonSets count on every node they tolerate', () => {
    const ds = goodDeployment({ name: 'agent' });
    ds.kind = 'DaemonSet';
    ds.spec.template.spec.tolerations = [{ operator: 'Exists' }];
    const table = checkCapacity(asObjects([ds]), cluster).table.join('\n');
    expect(table).toMatch(/cp \(no ordinary pods\)\s+50m/);
    expect(table).toMatch(/w1\s+50m/);
  });
});

describe('autoscaled workloads', () => {
  test('count at their HorizontalPodAutoscaler maxReplicas', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'team-a' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 } };
    const problems = checkQuotaFit(asObjects([quota('team-a', { pods: '3' }), goodDeployment({ replicas: 2 }), hpa]), 3);
    expect(problems).toEqual([expect.stringMatching(/pods needs 4 but ResourceQuota tenant-quota allows 3 \(Deployment\/web 4×/)]);
  });
});

describe('immutable fields', () => {
  test('a version label in a selector or a StatefulSet claim template is refused', () => {
    const sts = goodDeployment({ name: 'db', labels: { app: 'db', 'app.kubernetes.io/version': '1.0' } });
    sts.kind = 'StatefulSet';
    sts.spec.volumeClaimTemplates = [{ metadata: { name: 'data', labels: { 'app.kubernetes.io/version': '1.0' } }, spec: {} }];
    const problems = checkImmutableFields(asObjects([sts, goodDeployment()]));
    expect(problems).toEqual([
      expect.stringMatching(/team-a\/StatefulSet\/db: spec\.selector carries app\.kubernetes\.io\/version/),
      expect.stringMatching(/team-a\/StatefulSet\/db: volumeClaimTemplates\[data\] carries app\.kubernetes\.io\/version; claim templates are immutable/),
    ]);
  });
});

describe('StatefulSet services', () => {
  const service = (name: string, clusterIP?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'team-a' }, spec: { ...(clusterIP ? { clusterIP } : {}), selector: { app: 'db' }, ports: [{ port: 80 }] } });
  const statefulSet = (serviceName: string) => {
    const sts = goodDeployment({ name: 'db' });
    sts.kind = 'StatefulSet';
    sts.spec.serviceName = serviceName;
    return sts;
  };

  test('serviceName must name a headless Service of the namespace', () => {
    expect(checkStatefulSetServices(asObjects([service('db-headless', 'None'), statefulSet('db-headless')]))).toEqual([]);
    expect(checkStatefulSetServices(asObjects([service('db'), statefulSet('db')])))
      .toEqual([expect.stringMatching(/team-a\/StatefulSet\/db: spec\.serviceName "db" is not headless; point it at a Service with clusterIP: None/)]);
    expect(checkStatefulSetServices(asObjects([statefulSet('nowhere')])))
      .toEqual([expect.stringMatching(/spec\.serviceName "nowhere" names no Service of namespace team-a; add a headless Service/)]);
  });
});
