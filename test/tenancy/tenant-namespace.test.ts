import { Peers } from '../../lib/network/peer';
import { DEFAULT_LIMITS, DEFAULT_QUOTA, POD_SECURITY_VERSION } from '../../lib/tenancy/defaults';
import { TenantNamespace, TenantNamespaceProps } from '../../lib/tenancy/tenant-namespace';
import { find, testChart } from '../support/helpers';

function render(props: TenantNamespaceProps): any[] {
  const chart = testChart();
  new TenantNamespace(chart, 'Tenant', props);
  return chart.toJson();
}

describe('TenantNamespace', () => {
  test('defaults (snapshot)', () => {
    expect(render({ name: 'team-a' })).toMatchSnapshot();
  });

  test('namespace carries pinned Pod Security labels at restricted by default', () => {
    // GIVEN only a name WHEN rendered
    const ns = find(render({ name: 'team-a' }), 'Namespace', 'team-a');
    // THEN enforce/audit/warn are restricted and pinned to the 1.27 policy
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(POD_SECURITY_VERSION).toBe('v1.27');
  });

  test('common labels on every object, no version in them', () => {
    for (const m of render({ name: 'team-a' })) {
      expect(m.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'platform-kit', 'app.kubernetes.io/managed-by': 'platform-kit' });
      expect(m.metadata.labels['app.kubernetes.io/name']).toEqual(expect.any(String));
      expect(m.metadata.labels['app.kubernetes.io/instance']).toEqual(expect.any(String));
      expect(m.metadata.labels['app.kubernetes.io/component']).toEqual(expect.any(String));
    }
  });

  test('a tenant\'s baseline is owned by tenancy: tenant-quota, tenant-limits, app.kubernetes.io/name tenancy', () => {
    // GIVEN a tenant WHEN rendered THEN its objects keep the names clusters applied before the baseline split have
    const objects = render({ name: 'team-a' });
    expect(find(objects, 'ResourceQuota', 'tenant-quota', 'team-a').kind).toBe('ResourceQuota');
    expect(find(objects, 'LimitRange', 'tenant-limits', 'team-a').kind).toBe('LimitRange');
    expect(objects.filter((o) => ['ResourceQuota', 'LimitRange'].includes(o.kind)).map((o) => o.metadata.name).sort()).toEqual(['tenant-limits', 'tenant-quota']);
    for (const o of objects.filter((m) => !m.metadata.name.startsWith('allow-'))) {
      expect({ object: `${o.kind}/${o.metadata.name}`, name: o.metadata.labels['app.kubernetes.io/name'], instance: o.metadata.labels['app.kubernetes.io/instance'] })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, name: 'tenancy', instance: 'team-a' });
    }
  });

  test('quota and limits use the documented defaults', () => {
    const objects = render({ name: 'team-a' });
    const quota = find(objects, 'ResourceQuota', 'tenant-quota', 'team-a');
    expect(quota.spec.hard).toEqual({
      'requests.cpu': DEFAULT_QUOTA.cpu, 'requests.memory': DEFAULT_QUOTA.memory,
      'limits.cpu': DEFAULT_QUOTA.limitsCpu, 'limits.memory': DEFAULT_QUOTA.limitsMemory,
      'pods': '20', 'persistentvolumeclaims': '5', 'requests.storage': '20Gi',
      'services.nodeports': '0', 'services.loadbalancers': '0',
    });
    const limits = find(objects, 'LimitRange', 'tenant-limits', 'team-a');
    const container = limits.spec.limits.find((l: any) => l.type === 'Container');
    expect(container.defaultRequest).toEqual(DEFAULT_LIMITS.defaultRequest);
    expect(container.max).toEqual(DEFAULT_LIMITS.max);
    expect(limits.spec.limits.find((l: any) => l.type === 'PersistentVolumeClaim').max).toEqual({ storage: '10Gi' });
    // the documented defaults themselves are pinned here
    expect(DEFAULT_QUOTA).toMatchObject({ cpu: '1', memory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi', nodePorts: 0, loadBalancers: 0 });
  });

  test('overrides replace single fields and keep the rest', () => {
    const objects = render({ name: 'team-a', quota: { cpu: '3', nodePorts: 1 }, limits: { maxPvcSize: '50Gi' } });
    const hard = find(objects, 'ResourceQuota', 'tenant-quota').spec.hard;
    expect(hard['requests.cpu']).toBe('3');
    expect(hard['services.nodeports']).toBe('1');
    expect(hard['requests.memory']).toBe(DEFAULT_QUOTA.memory);
    expect(find(objects, 'LimitRange', 'tenant-limits').spec.limits[1].max.storage).toBe('50Gi');
  });

  test('default deny for both directions, DNS egress to kube-dns on UDP and TCP 53', () => {
    const objects = render({ name: 'team-a' });
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = find(objects, 'NetworkPolicy', 'allow-dns-egress');
    expect(dns.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    // kube-system is not ours: no policy is written there
    expect(objects.filter((m) => m.metadata.namespace === 'kube-system')).toEqual([]);
  });

  test('same-namespace traffic can be switched off', () => {
    const on = render({ name: 'team-a' }).map((m) => m.metadata.name);
    const off = render({ name: 'team-a', allowSameNamespace: false }).map((m) => m.metadata.name);
    expect(on).toEqual(expect.arrayContaining(['allow-same-namespace-egress', 'allow-same-namespace-ingress']));
    expect(off).not.toContain('allow-same-namespace-egress');
    expect(off).not.toContain('allow-same-namespace-ingress');
  });

  test('the ingress controller reaches only pods labelled exposed', () => {
    const objects = render({ name: 'team-a', ingressControllerNamespace: 'ingress-nginx' });
    const policy = find(objects, 'NetworkPolicy', 'allow-ingress-controller-ingress');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'platform-kit.io/exposed': 'true' } });
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
    // and nothing is written into the controller's namespace
    expect(objects.filter((m) => m.metadata.namespace === 'ingress-nginx')).toEqual([]);
  });

  test('allowFrom a managed namespace writes both sides; an external one only ours', () => {
    const objects = render({ name: 'team-a', allowFrom: [Peers.namespace('team-b'), Peers.externalNamespace('legacy')] });
    expect(find(objects, 'NetworkPolicy', 'allow-from-team-b-egress', 'team-b').spec.egress[0].to)
      .toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-from-team-b-ingress', 'team-a').spec.ingress[0].from)
      .toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-b' } } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-from-legacy-ingress', 'team-a')).toBeDefined();
    expect(objects.filter((m) => m.metadata.namespace === 'legacy')).toEqual([]);
  });

  test('RBAC: roles always, bindings only for named subjects; no wildcard resources', () => {
    const bare = render({ name: 'team-a' });
    expect(bare.filter((m) => m.kind === 'RoleBinding')).toEqual([]);
    const objects = render({ name: 'team-a', admins: { groups: ['team-a-admins'], serviceAccounts: ['ci/deployer'] }, viewers: { users: ['auditor'] } });
    expect(find(objects, 'RoleBinding', 'namespace-admin').subjects).toEqual([
      { kind: 'Group', name: 'team-a-admins', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
    ]);
    expect(find(objects, 'RoleBinding', 'namespace-viewer').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'namespace-viewer' });
    for (const role of objects.filter((m) => m.kind === 'Role')) {
      for (const rule of role.rules) expect(rule.resources).not.toContain('*');
    }
    expect(objects.some((m) => m.kind === 'ClusterRoleBinding' || m.roleRef?.name === 'cluster-admin')).toBe(false);
  });

  test('admins cannot edit the limits the baseline sets; viewers cannot read Secrets', () => {
    const objects = render({ name: 'team-a' });
    const writable = (role: any, resource: string) => role.rules.some((r: any) => r.resources.includes(resource) && r.verbs.some((v: string) => ['*', 'create', 'update', 'patch', 'delete'].includes(v)));
    const admin = find(objects, 'Role', 'namespace-admin');
    expect(writable(admin, 'resourcequotas')).toBe(false);
    expect(writable(admin, 'limitranges')).toBe(false);
    expect(writable(admin, 'networkpolicies')).toBe(false);
    expect(writable(admin, 'deployments')).toBe(true);
    const viewer = find(objects, 'Role', 'namespace-viewer');
    expect(viewer.rules.some((r: any) => r.resources.includes('secrets'))).toBe(false);
  });

  test('the default ServiceAccount stops mounting API tokens', () => {
    expect(find(render({ name: 'team-a' }), 'ServiceAccount', 'default').automountServiceAccountToken).toBe(false);
  });

  test('all props', () => {
    const props: Required<TenantNamespaceProps> = {
      name: 'team-z',
      podSecurity: { enforce: 'baseline', audit: 'restricted', warn: 'restricted' },
      quota: { pods: 7 },
      quotaFromWorkloads: { nodeCount: 2 },
      limits: { maxPvcSize: '1Gi' },
      allowSameNamespace: false,
      ingressControllerNamespace: 'traefik',
      allowFrom: [Peers.externalNamespace('other')],
      admins: { users: ['alice'] },
      viewers: { groups: ['everyone'] },
      dns: { namespace: 'dns', podSelector: { app: 'coredns' } },
      component: 'platform-namespace',
    };
    const objects = render(props);
    expect(find(objects, 'Namespace', 'team-z').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(find(objects, 'Namespace', 'team-z').metadata.labels['app.kubernetes.io/component']).toBe('platform-namespace');
    expect(find(objects, 'ResourceQuota', 'tenant-quota').spec.hard.pods).toBe('7');
    expect(find(objects, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { app: 'coredns' } });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-controller-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('traefik');
    expect(find(objects, 'RoleBinding', 'namespace-admin').subjects[0].name).toBe('alice');
    expect(find(objects, 'RoleBinding', 'namespace-viewer').subjects[0].name).toBe('everyone');
  });

  test('audit or warn looser than enforce is refused with the fix', () => {
    expect(() => render({ name: 'team-a', podSecurity: { enforce: 'restricted', warn: 'baseline' } }))
      .toThrow(/podSecurity audit\/warn \(restricted\/baseline\) must not be looser than enforce \(restricted\); raise them to at least restricted/);
  });
});
