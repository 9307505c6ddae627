import { checkCapacity } from '../../lib/checks/capacity';
import { checkContainerHygiene, checkImmutableFields, checkPodSecurityLevels, checkQuotaFit, checkStatefulSetServices, SECURITY_EXEMPTION } from '../../lib/checks/workload-checks';
import { configKeysOf } from '../../lib/checks/config-keys';
import { completeCluster } from '../../lib/config/cluster';
import { Testing } from 'cdk8s';
import { InjectedContainers } from '../../lib/core/injected-containers';
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

  test('replicas count, plus the surge pod of the rolling update: the numbers and the contributors are reported', () => {
    // GIVEN 3 replicas with the default strategy (RollingUpdate, maxSurge 25% of 3 rounded up = 1)
    const objects = asObjects([quota('team-a', { 'requests.memory': '128Mi', 'pods': '2' }), goodDeployment({ replicas: 3 })]);
    // WHEN
    const problems = checkQuotaFit(objects, 3);
    // THEN 4 pods are counted
    expect(problems).toEqual([
      'namespace team-a: requests.memory needs 256Mi but ResourceQuota tenant-quota allows 128Mi (Deployment/web 3×(50m/64Mi) + 1 surge); raise the namespace\'s ResourceQuota or lower the workloads\' resources/replicas.',
      expect.stringMatching(/namespace team-a: pods needs 4 but ResourceQuota tenant-quota allows 2/),
    ]);
  });

  test.each([
    ['default 25% of 4 replicas', undefined, 4, 5],
    ['default 25% of 5 replicas, rounded up', undefined, 5, 7],
    ['maxSurge 2', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2 } }, 2, 4],
    ['maxSurge 50%', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%' } }, 3, 5],
    ['maxSurge 0', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, 3, 3],
    ['Recreate', { type: 'Recreate' }, 3, 3],
  ])('a Deployment counts its maxSurge pods: %s', (_name, strategy, replicas, pods) => {
    // GIVEN a Deployment with that strategy and a quota one pod short
    const d = goodDeployment({ replicas });
    if (strategy) d.spec.strategy = strategy;
    // WHEN
    const problems = checkQuotaFit(asObjects([quota('team-a', { pods: String(pods - 1) }), d]), 3);
    // THEN exactly replicas + surge pods are needed
    expect(problems).toEqual([expect.stringMatching(new RegExp(`pods needs ${pods} but ResourceQuota tenant-quota allows ${pods - 1}`))]);
  });

  test('a container admission injects counts: a pod without the sizing annotations gets the webhook\'s default, and the messages say so', () => {
    // GIVEN team-a (tenants[0]) whose pods get a sidecar, and a Deployment that does not size it
    const injection = new InjectedContainers(Testing.chart(), 'Sidecars', {
      namespace: 'team-a', container: 'istio-proxy', madeBy: 'Istio\'s sidecar injector', configKey: 'mesh.istio.proxyResources',
      defaultResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      resourceAnnotations: { requestsCpu: 'sidecar.istio.io/proxyCPU', requestsMemory: 'sidecar.istio.io/proxyMemory', limitsCpu: 'sidecar.istio.io/proxyCPULimit', limitsMemory: 'sidecar.istio.io/proxyMemoryLimit' },
    });
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }] as any, apps: [] as any });
    const objects = asObjects([quota('team-a', { 'limits.cpu': '2' }), limitRange('team-a'), injection.admit(goodDeployment({ replicas: 1 }))]);
    // WHEN
    const problems = checkQuotaFit(objects, 3, keys, [injection]);
    // THEN the sidecar's 2 CPU limit is above the LimitRange max, said as the injector's default, and the quota counts it
    expect(problems).toEqual([
      expect.stringMatching(/^team-a\/Deployment\/web container istio-proxy \(added at admission by Istio's sidecar injector, at its default size: the pod sets none\): limits\.cpu 2 is above the LimitRange max 1 of namespace team-a; change the container's resources or tenants\[0\]\.limits\.max\.cpu/),
      expect.stringMatching(/^namespace team-a: limits\.cpu needs 4400m but ResourceQuota tenant-quota allows 2 .* Every pod here also runs istio-proxy \(added by Istio's sidecar injector, sized by mesh\.istio\.proxyResources\), counted above\.$/),
    ]);
  });

  test('a StatefulSet has no surge: it replaces pods one by one', () => {
    const sts = goodDeployment({ name: 'db', replicas: 3 });
    sts.kind = 'StatefulSet';
    expect(checkQuotaFit(asObjects([quota('team-a', { pods: '3' }), sts]), 3)).toEqual([]);
  });

  test('messages name the platform.yaml keys: the tenant quota field and the app that sizes the pods', () => {
    // GIVEN tenant team-a is tenants[1] and the Deployment web is apps[0]
    const keys = configKeysOf({ tenants: [{ name: 'other' }, { name: 'team-a' }] as any, apps: [{ name: 'web', tenant: 'team-a' }] as any });
    const nodePort = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
    // WHEN
    const problems = checkQuotaFit(asObjects([quota('team-a', { 'pods': '2', 'services.nodeports': '0' }), goodDeployment({ replicas: 2 }), nodePort]), 3, keys);
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/pods needs 3 .*; raise tenants\[1\]\.quota\.pods in platform\.yaml to at least 3, or lower apps\[0\]\.resources \/ apps\[0\]\.replicas \(a rolling update adds its maxSurge pods on top\)\.$/),
      expect.stringMatching(/services\.nodeports needs 1 but ResourceQuota tenant-quota allows 0; raise tenants\[1\]\.quota\.nodePorts in platform\.yaml to at least 1\.$/),
    ]);
  });

  test('LimitRange defaults apply to containers without resources, and min/max are enforced', () => {
    const noResources = goodDeployment({ name: 'bare', container: { resources: undefined } });
    const tooBig = goodDeployment({ name: 'big', container: { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } } });
    const objects = asObjects([quota('team-a', { 'limits.memory': '1Gi' }), limitRange('team-a'), noResources, tooBig]);
    const problems = checkQuotaFit(objects, 3).join('\n');
    expect(problems).toMatch(/team-a\/Deployment\/big container web: limits\.cpu 2 is above the LimitRange max 1 of namespace team-a/);
    expect(problems).toMatch(/team-a\/Deployment\/big container web: limits\.memory 2Gi is above the LimitRange max 1Gi/);
    // (each single-replica Deployment surges by one pod during a rolling update: 2 × (256Mi + 2Gi))
    expect(problems).toMatch(/limits\.memory needs 4\.50Gi but ResourceQuota tenant-quota allows 1Gi \(Deployment\/bare 1×\(250m\/256Mi limits\) \+ 1 surge, Deployment\/big 1×\(2\/2Gi limits\) \+ 1 surge\)/);
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
    expect(result.summaries).toEqual([]);
    expect(result.table.join('\n')).toMatch(/cp \(no ordinary pods\)\s+0 \/ 1500m\s+0%/);
    expect(result.table.join('\n')).toMatch(/w1\s+100m \/ 500m\s+20%\s+128Mi \/ 512Mi\s+25%\s+2/);
  });

  test('a pod that fits nowhere fails with the free capacity of each node', () => {
    const big = goodDeployment({ name: 'big', container: { resources: { requests: { cpu: '100m', memory: '600Mi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    const result = checkCapacity(asObjects([big]), cluster);
    expect(result.problems).toEqual([
      'team-a/Deployment/big: 1 of 1 pod (100m CPU / 600Mi each) fits on no schedulable node; lower its requests or replicas, or add a node to cluster.nodes.',
    ]);
    // AND the nodes' free room is context, not more problems
    expect(result.summaries).toEqual([
      expect.stringMatching(/^node cp \(no ordinary pods\): 0 of 1500m CPU .* free 1500m \/ 1.50Gi/),
      expect.stringMatching(/^node w1: 0 of 500m CPU and 0 of 512Mi memory requested by 0 pods, free 500m \/ 512Mi \(allocatable = cluster\.nodes\[1\] size - cluster\.reservedPerNode\)\.$/),
    ]);
  });

  test('many replicas that do not fit: one line for the workload, one summary per node, not one line per replica', () => {
    // GIVEN 6 replicas of 200m / 200Mi on a worker with 500m / 512Mi allocatable (room for 2), named by apps[0]
    const web = goodDeployment({ name: 'web', replicas: 6, container: { resources: { requests: { cpu: '200m', memory: '200Mi' }, limits: { cpu: '1', memory: '1Gi' } } } });
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }] as any, apps: [{ name: 'web', tenant: 'team-a', autoscaling: { minReplicas: 2, maxReplicas: 6 } }] as any });
    // WHEN
    const result = checkCapacity(asObjects([web]), cluster, keys);
    // THEN
    expect(result.problems).toEqual([
      'team-a/Deployment/web: 4 of 6 pods (200m CPU / 200Mi each) fit on no schedulable node; lower apps[0].resources.requests or apps[0].autoscaling.maxReplicas, or add a node to cluster.nodes.',
    ]);
    expect(result.summaries).toEqual([
      expect.stringMatching(/^node cp \(no ordinary pods\): /),
      expect.stringMatching(/^node w1: 400m of 500m CPU and 400Mi of 512Mi memory requested by 2 pods, free 100m \/ 112Mi/),
    ]);
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
    // 4 pods at maxReplicas, plus 25% of 4 surging during a rolling update
    expect(problems).toEqual([expect.stringMatching(/pods needs 5 but ResourceQuota tenant-quota allows 3 \(Deployment\/web 4×\(50m\/64Mi\) \+ 1 surge\)/)]);
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

describe('Pod Security messages name the platform.yaml keys', () => {
  test('the app entry that made the workload and the tenant level key', () => {
    // GIVEN a violating Deployment web of apps[0] in tenant team-a (tenants[0])
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }] as any, apps: [{ name: 'web', tenant: 'team-a' }] as any });
    const d = goodDeployment({ container: { securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } } } });
    // WHEN
    const problems = checkPodSecurityLevels(asObjects([namespace('team-a', 'restricted'), d]), keys);
    // THEN
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(problems.map(() => expect.stringMatching(/\(platform\.yaml: the workload comes from apps\[0\]; the level is tenants\[0\]\.podSecurity\.enforce\)$/)));
  });
});

describe('LimitRange messages name the platform.yaml keys', () => {
  test('the app resources and the tenant limits key', () => {
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }] as any, apps: [{ name: 'big', tenant: 'team-a' }] as any });
    const tooBig = goodDeployment({ name: 'big', container: { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '2', memory: '128Mi' } } } });
    const problems = checkQuotaFit(asObjects([quota('team-a', {}), limitRange('team-a'), tooBig]), 3, keys);
    expect(problems).toEqual([expect.stringMatching(/team-a\/Deployment\/big container web: limits\.cpu 2 is above the LimitRange max 1 of namespace team-a; change apps\[0\]\.resources\.limits\.cpu or tenants\[0\]\.limits\.max\.cpu in platform\.yaml\.$/)]);
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
