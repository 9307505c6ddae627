import { parseConfig } from '../../lib/config/load';
import { namespaceBudget, observabilityWorkloads, WorkloadBudget } from '../../lib/observability/budget';
import { DEFAULT_LIMITS } from '../../lib/tenancy/defaults';
import { MINIMAL_CLUSTER } from '../support/helpers';

const r = (rc: string, rm: string, lc: string, lm: string) => ({ requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } });

describe('namespace budget', () => {
  test('the quota is the sum of the pods plus the largest pod that surges during a rolling update', () => {
    // GIVEN a StatefulSet pod with a claim and a surging Deployment pod
    const workloads: WorkloadBudget[] = [
      { name: 'db', namespace: 'x', pods: 1, surge: false, resources: r('150m', '300Mi', '1', '1Gi'), claims: ['10Gi'] },
      { name: 'web', namespace: 'x', pods: 1, surge: true, resources: r('10m', '32Mi', '100m', '64Mi') },
    ];
    // WHEN
    const { quota, limits } = namespaceBudget(workloads);
    // THEN requests/limits = sum + one extra web pod; storage = the claim; LimitRange keeps tenancy defaults
    expect(quota).toMatchObject({ cpu: '170m', memory: '364Mi', limitsCpu: '1200m', limitsMemory: '1152Mi', pods: 3, persistentVolumeClaims: 1, storage: '10Gi', nodePorts: 0, loadBalancers: 0 });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, max: { cpu: '1', memory: '1Gi' }, maxPvcSize: '10Gi' });
  });

  test('the LimitRange widens max and maxPvcSize only where a component needs more', () => {
    const { limits, quota } = namespaceBudget([{ name: 'big', namespace: 'x', pods: 2, surge: false, resources: r('1', '1Gi', '2', '3Gi'), claims: ['50Gi'] }]);
    expect(limits.max).toEqual({ cpu: '2', memory: '3Gi' });
    expect(limits.maxPvcSize).toBe('50Gi');
    expect(quota).toMatchObject({ pods: 2, persistentVolumeClaims: 2, storage: '100Gi', cpu: '2', memory: '2Gi' });
  });

  test('no claims: zero storage', () => {
    expect(namespaceBudget([{ name: 'a', namespace: 'x', pods: 1, surge: false, resources: r('5m', '8Mi', '5m', '8Mi') }]).quota).toMatchObject({ storage: '0', persistentVolumeClaims: 0 });
  });
});

describe('the stack\'s workloads per namespace', () => {
  test('DaemonSets count one pod per node plus one; the events collector only when enabled', () => {
    const off = observabilityWorkloads(parseConfig(MINIMAL_CLUSTER).observability, 2);
    expect(off.filter((w) => w.namespace === 'node-agents').map((w) => [w.name, w.pods])).toEqual([['node-exporter', 3], ['alloy', 3]]);
    expect(off.filter((w) => w.namespace === 'logging').map((w) => w.name)).toEqual(['loki']);
    expect(off.filter((w) => w.namespace === 'monitoring').map((w) => w.name)).toEqual(['prometheus', 'alertmanager', 'kube-state-metrics', 'grafana']);
    const on = observabilityWorkloads(parseConfig(`${MINIMAL_CLUSTER}observability:\n  alloy: { collectEvents: true }\n`).observability, 2);
    expect(on.filter((w) => w.namespace === 'logging').map((w) => w.name)).toEqual(['loki', 'alloy-events']);
  });
});
