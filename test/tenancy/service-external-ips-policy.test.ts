import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { ROOT, manifestsOf, synthDefault } from '../support/helpers';

/** The default platform.yaml with cluster.version set. */
function synthFor(version: string) {
  const doc = parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  doc.cluster.version = version;
  return synthesize(parseConfig(stringify(doc)));
}

describe('ValidatingAdmissionPolicy against Service externalIPs (CVE-2020-8554)', () => {
  const policyKinds = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

  test('the 1.27 floor (the default) gets none: admissionregistration.k8s.io/v1 policies are GA from 1.30', () => {
    expect(manifestsOf(synthDefault()).filter((m) => policyKinds.includes(m.kind))).toEqual([]);
  });

  test('from cluster.version 1.30 the policy and its binding are in the tenancy unit, before any workload', () => {
    const result = synthFor('1.30');
    const file = result.files.find((f) => f.path === '10-tenancy.00-cluster-scoped.yaml');
    const objects = (file?.objects ?? []).map((o) => o.manifest).filter((m) => policyKinds.includes(m.kind));
    expect(objects.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.name}`)).toEqual([
      'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy platform-kit-deny-service-external-ips',
      'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding platform-kit-deny-service-external-ips',
    ]);
    const [policy, binding] = objects;
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }]);
    expect(policy.spec.validations[0].expression).toBe('!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0');
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(binding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'platform-kit' } } },
    });
  });

  test('every namespace the platform writes carries the label the binding selects', () => {
    const namespaces = manifestsOf(synthFor('1.36')).filter((m) => m.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect({ ns: ns.metadata.name, partOf: ns.metadata.labels['app.kubernetes.io/part-of'] }).toEqual({ ns: ns.metadata.name, partOf: 'platform-kit' });
  });

  test('an unquoted or unsupported version is refused, naming the field', () => {
    expect(() => synthFor(1.3 as unknown as string)).toThrow(/cluster\.version/);
    expect(() => synthFor('1.26')).toThrow(/cluster\.version/);
  });
});
