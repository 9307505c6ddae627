import { Peers } from '../../lib/network/peer';
import { NAMESPACE_LIMITS_NAME, NAMESPACE_QUOTA_NAME, NamespaceBaseline, NamespaceBaselineProps } from '../../lib/tenancy/namespace-baseline';
import { find, testChart } from '../support/helpers';

/**
 * The baseline itself, as a platform part uses it for its own namespace. Its Pod Security, quota, policy and RBAC
 * behaviour is pinned through its tenant form in tenant-namespace.test.ts; here: what a platform namespace is called.
 */
function render(props: NamespaceBaselineProps): any[] {
  const chart = testChart();
  new NamespaceBaseline(chart, 'Namespace', props);
  return chart.toJson();
}

describe('NamespaceBaseline', () => {
  test('defaults (snapshot)', () => {
    expect(render({ name: 'db', part: 'mysql' })).toMatchSnapshot();
  });

  test('every object carries the owning part as app.kubernetes.io/name and the namespace as instance, never "tenancy"', () => {
    // GIVEN a platform namespace of part mysql WHEN rendered
    const objects = render({ name: 'db', part: 'mysql' });
    // THEN the Namespace and each of its baseline objects say whose they are
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'LimitRange/namespace-limits', 'Namespace/db', 'NetworkPolicy/allow-dns-egress', 'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-same-namespace-egress', 'NetworkPolicy/allow-same-namespace-ingress',
      'ResourceQuota/namespace-quota', 'Role/namespace-admin', 'Role/namespace-viewer', 'ServiceAccount/default',
    ].sort());
    for (const o of objects.filter((m) => !m.metadata.name.startsWith('allow-'))) {
      expect({ object: `${o.kind}/${o.metadata.name}`, labels: o.metadata.labels }).toEqual({
        object: `${o.kind}/${o.metadata.name}`,
        labels: expect.objectContaining({ 'app.kubernetes.io/name': 'mysql', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/component': 'namespace-baseline' }),
      });
    }
  });

  test('the quota and limits hold a namespace\'s, not a tenant\'s, names by default', () => {
    const objects = render({ name: 'db', part: 'mysql' });
    expect([NAMESPACE_QUOTA_NAME, NAMESPACE_LIMITS_NAME]).toEqual(['namespace-quota', 'namespace-limits']);
    expect(find(objects, 'ResourceQuota', 'namespace-quota', 'db').kind).toBe('ResourceQuota');
    expect(find(objects, 'LimitRange', 'namespace-limits', 'db').kind).toBe('LimitRange');
    expect(objects.filter((o) => String(o.metadata.name).startsWith('tenant-'))).toEqual([]);
  });

  test('all props', () => {
    const props: Required<NamespaceBaselineProps> = {
      name: 'ops',
      part: 'echo',
      podSecurity: { enforce: 'baseline', audit: 'restricted', warn: 'restricted' },
      quota: { pods: 7 },
      quotaFromWorkloads: { nodeCount: 2 },
      limits: { maxPvcSize: '1Gi' },
      resourceQuotaName: 'echo-quota',
      limitRangeName: 'echo-limits',
      allowSameNamespace: false,
      ingressControllerNamespace: 'traefik',
      allowFrom: [Peers.externalNamespace('other')],
      admins: { users: ['alice'] },
      viewers: { groups: ['everyone'] },
      dns: { namespace: 'dns', podSelector: { app: 'coredns' } },
      component: 'echo-namespace',
    };
    const objects = render(props);
    expect(find(objects, 'Namespace', 'ops').metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'echo', 'app.kubernetes.io/instance': 'ops', 'app.kubernetes.io/component': 'echo-namespace',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(find(objects, 'ResourceQuota', 'echo-quota', 'ops').spec.hard.pods).toBe('7');
    expect(find(objects, 'LimitRange', 'echo-limits', 'ops').spec.limits[1].max.storage).toBe('1Gi');
    expect(objects.find((o) => o.metadata.name.startsWith('allow-same-namespace'))).toBeUndefined();
    expect(find(objects, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { app: 'coredns' } });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-controller-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('traefik');
    expect(find(objects, 'RoleBinding', 'namespace-admin').subjects[0].name).toBe('alice');
    expect(find(objects, 'RoleBinding', 'namespace-viewer').subjects[0].name).toBe('everyone');
  });

  test('its refusals name the construct the caller wrote', () => {
    expect(() => render({ name: 'db', part: 'mysql', podSecurity: { enforce: 'restricted', audit: 'baseline' } }))
      .toThrow(/^NamespaceBaseline "db": podSecurity audit\/warn \(baseline\/restricted\) must not be looser than enforce \(restricted\); raise them to at least restricted\.$/);
    expect(() => render({ name: 'db', part: 'mysql', viewers: { users: ['system:anonymous'] } }))
      .toThrow(/^NamespaceBaseline db: viewers\.users\[0\]: "system:anonymous"/);
  });
});
