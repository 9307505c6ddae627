import { checkRbacLeastPrivilege } from '../../lib/checks/rbac-checks';
import { MANAGE_VERBS, NAMESPACE_ADMIN_RULES, NAMESPACE_VIEWER_RULES, READ_VERBS } from '../../lib/tenancy/rbac';
import { asObjects, manifestsOf, synthDefault } from '../support/helpers';

/** The verbs a rule set grants on one resource of one API group. */
function verbsOn(rules: readonly any[], apiGroup: string, resource: string): string[] {
  return [...new Set(rules.filter((r) => r.apiGroups.includes(apiGroup) && r.resources.includes(resource)).flatMap((r) => r.verbs))].sort();
}
const sorted = (verbs: readonly string[]) => [...verbs].sort();

describe('namespace roles never let their holder grant itself more', () => {
  test.each([['namespace-admin', NAMESPACE_ADMIN_RULES], ['namespace-viewer', NAMESPACE_VIEWER_RULES]])('%s: no wildcard, escalate, bind or impersonate', (_name, rules) => {
    for (const rule of rules) {
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['*']));
      for (const verb of ['escalate', 'bind', 'impersonate']) expect(rule.verbs).not.toContain(verb);
      expect(rule.resources).not.toContain('*');
      expect(rule.apiGroups).not.toContain('*');
    }
  });

  test('the admin manages Roles and RoleBindings with the plain verbs only, so the API server\'s escalation check applies', () => {
    expect(verbsOn(NAMESPACE_ADMIN_RULES, 'rbac.authorization.k8s.io', 'roles')).toEqual(sorted(MANAGE_VERBS));
    expect(verbsOn(NAMESPACE_ADMIN_RULES, 'rbac.authorization.k8s.io', 'rolebindings')).toEqual(sorted(MANAGE_VERBS));
    expect(MANAGE_VERBS).toEqual(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);
  });

  test('the admin cannot touch its Namespace object and only reads the limits the baseline sets', () => {
    expect(verbsOn(NAMESPACE_ADMIN_RULES, '', 'namespaces')).toEqual([]);
    for (const resource of ['resourcequotas', 'limitranges']) expect(verbsOn(NAMESPACE_ADMIN_RULES, '', resource)).toEqual(sorted(READ_VERBS));
    expect(verbsOn(NAMESPACE_ADMIN_RULES, 'networking.k8s.io', 'networkpolicies')).toEqual(sorted(READ_VERBS));
  });

  test('the admin manages workloads and opens sessions into pods; the viewer only reads, never Secrets or exec', () => {
    expect(verbsOn(NAMESPACE_ADMIN_RULES, 'apps', 'deployments')).toEqual(sorted(MANAGE_VERBS));
    expect(verbsOn(NAMESPACE_ADMIN_RULES, '', 'pods/exec')).toEqual(['create', 'get']);
    for (const rule of NAMESPACE_VIEWER_RULES) expect(sorted(rule.verbs ?? [])).toEqual(sorted(READ_VERBS));
    expect(verbsOn(NAMESPACE_VIEWER_RULES, '', 'secrets')).toEqual([]);
    expect(verbsOn(NAMESPACE_VIEWER_RULES, '', 'pods/exec')).toEqual([]);
  });
});

describe('RBAC least-privilege synth check', () => {
  const role = (kind: string, rules: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'team-a' } : {}) }, rules });

  test('the default platform has no granting verb or wildcard in any Role or ClusterRole', () => {
    const roles = manifestsOf(synthDefault()).filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
    expect(roles.length).toBeGreaterThan(0);
    expect(checkRbacLeastPrivilege(synthDefault().files.flatMap((f) => f.objects))).toEqual([]);
  });

  test('`*`, escalate, bind and impersonate verbs and wildcard resources are refused, naming the rule', () => {
    const problems = checkRbacLeastPrivilege(asObjects([
      role('Role', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['*'] }]),
      role('ClusterRole', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] }]),
      role('ClusterRole', [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }]),
      role('Role', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]),
    ]));
    expect(problems).toEqual([
      expect.stringMatching(/^Role team-a\/r .*rules\[0\] grants "\*", which lets its holder grant itself more/),
      expect.stringMatching(/^ClusterRole r .*rules\[1\] grants "bind", "escalate"/),
      expect.stringMatching(/^ClusterRole r .*rules\[0\] grants "impersonate"/),
      expect.stringMatching(/^Role team-a\/r .*rules\[0\] covers every resource/),
    ]);
  });

  test('a read-only wildcard passes only with a recorded reason, and a reason never admits writes', () => {
    const reader = (annotations: Record<string, string> | undefined, verbs: string[]) => {
      const r = role('ClusterRole', [{ apiGroups: ['*'], resources: ['*'], verbs }]);
      return { ...r, metadata: { ...r.metadata, ...(annotations ? { annotations } : {}) } };
    };
    const reason = { 'platform-kit.io/rbac-exemption': 'a backup reads every object it copies' };
    expect(checkRbacLeastPrivilege(asObjects([reader(reason, ['get', 'list', 'watch'])]))).toEqual([]);
    expect(checkRbacLeastPrivilege(asObjects([reader(undefined, ['get', 'list', 'watch'])]))).toEqual([
      expect.stringMatching(/covers every resource \("\*"\); list the resources it needs \(a reader of everything, such as a backup tool, needs the platform-kit\.io\/rbac-exemption annotation/),
    ]);
    expect(checkRbacLeastPrivilege(asObjects([reader(reason, ['get', 'patch'])]))).toEqual([expect.stringMatching(/covers every resource/)]);
  });

  test('explicit verbs pass', () => {
    expect(checkRbacLeastPrivilege(asObjects([role('Role', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: [...MANAGE_VERBS] }])]))).toEqual([]);
  });
});
