import { parseConfig } from '../../lib/config/load';
import { namespaceLimits, observabilityWorkloads } from '../../lib/observability/budget';
import { DEFAULT_LIMITS } from '../../lib/tenancy/defaults';
import { MINIMAL_CLUSTER } from '../support/helpers';

const r = (rc: string, rm: string, lc: string, lm: string) => ({ requests: { cpu: rc, memory: rm }, limits: { cpu: lc, memory: lm } });

describe('namespace LimitRange', () => {
  // The quotas are computed from the pod templates really in the namespace (test/tenancy/workload-quota.test.ts).
  test('keeps the tenancy defaults where the components fit them', () => {
    const limits = namespaceLimits([
      { name: 'db', namespace: 'x', pods: 1, resources: r('150m', '300Mi', '1', '1Gi'), claims: ['10Gi'] },
      { name: 'web', namespace: 'x', pods: 1, resources: r('10m', '32Mi', '100m', '64Mi') },
    ]);
    expect(limits).toEqual({ ...DEFAULT_LIMITS, max: { cpu: '1', memory: '1Gi' }, maxPvcSize: '10Gi' });
  });

  test('widens max and maxPvcSize only where a component needs more', () => {
    const limits = namespaceLimits([{ name: 'big', namespace: 'x', pods: 2, resources: r('1', '1Gi', '2', '3Gi'), claims: ['50Gi'] }]);
    expect(limits.max).toEqual({ cpu: '2', memory: '3Gi' });
    expect(limits.maxPvcSize).toBe('50Gi');
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
