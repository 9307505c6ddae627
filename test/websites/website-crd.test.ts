import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CRD_DIR, CrdCatalog } from '../../lib/checks/custom-resource-schema';
import { KubernetesSchema } from '../../lib/checks/kubernetes-schema';
import { WEBSITE_CRD_FILE, websiteCrdFile, websiteCrdManifest, WebsiteCrd } from '../../lib/websites/website-crd';
import { find, manifestsOf, synthDefault, testChart } from '../support/helpers';

/** A Website as the contract defines it; each case below breaks one thing. */
function website(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'extensions.example.com/v1',
    kind: 'Website',
    metadata: { name: 'xxhf', namespace: 'demo', ...metadata },
    spec: { gitRepo: 'https://gitee.com/rocrunning/kubia-website-example.git', branch: 'master', syncPeriod: '60s', replicas: 1, ...spec },
  };
}

describe('the Website CRD (lib/websites/website-crd.ts)', () => {
  const crd: any = websiteCrdManifest();
  const version = crd.spec.versions[0];

  test('is websites.extensions.example.com, v1 served and stored, namespaced, with the contract\'s names and a status subresource', () => {
    expect(crd.metadata.name).toBe('websites.extensions.example.com');
    expect(crd.spec.group).toBe('extensions.example.com');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({ plural: 'websites', singular: 'website', kind: 'Website', listKind: 'WebsiteList', shortNames: ['ws'] });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1', served: true, storage: true, subresources: { status: {} } });
  });

  test('prints Repo, Branch, Ready and Age', () => {
    expect(version.additionalPrinterColumns).toEqual([
      { name: 'Repo', type: 'string', jsonPath: '.spec.gitRepo' },
      { name: 'Branch', type: 'string', jsonPath: '.spec.branch' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
  });

  test('spec: gitRepo required with a pattern and bound; branch, syncPeriod, replicas with defaults and bounds', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    expect(spec.required).toEqual(['gitRepo']);
    expect(spec.properties.gitRepo).toMatchObject({ type: 'string', pattern: '^(https://|ssh://|git@)[^\\s]+$', maxLength: 2048 });
    expect(spec.properties.branch).toMatchObject({ type: 'string', default: 'main', maxLength: 255 });
    expect(spec.properties.syncPeriod).toMatchObject({ type: 'string', default: '60s', pattern: '^[1-9][0-9]*(s|m|h)$' });
    expect(spec.properties.replicas).toMatchObject({ type: 'integer', default: 1, minimum: 1, maximum: 10 });
  });

  test('status: observedGeneration (int64), readyReplicas, and conditions as a map list keyed by type, in the metav1.Condition shape', () => {
    const status = version.schema.openAPIV3Schema.properties.status;
    expect(status.properties.observedGeneration).toMatchObject({ type: 'integer', format: 'int64' });
    expect(status.properties.readyReplicas).toMatchObject({ type: 'integer' });
    const conditions = status.properties.conditions;
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect(conditions.items.required).toEqual(['type', 'status', 'lastTransitionTime', 'reason', 'message']);
    expect(conditions.items.properties.status.enum).toEqual(['True', 'False', 'Unknown']);
    expect(conditions.items.properties.lastTransitionTime).toMatchObject({ type: 'string', format: 'date-time' });
    expect(conditions.items.properties.observedGeneration).toMatchObject({ type: 'integer', format: 'int64' });
  });

  test('each default satisfies its own pattern (the API server refuses a CRD whose default is invalid)', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec.properties;
    for (const key of ['branch', 'syncPeriod']) expect(new RegExp(spec[key].pattern).test(spec[key].default)).toBe(true);
  });

  test('is a valid apiextensions.k8s.io/v1 object for Kubernetes 1.27 and 1.36', () => {
    for (const v of ['1.27.0', '1.36.0']) expect(KubernetesSchema.forVersion(v).validate(crd)).toEqual([]);
  });

  test('schemas/crds holds exactly this CRD (written by npm run schema), so the synth check reads the same definition', () => {
    expect(fs.readFileSync(path.join(CRD_DIR, WEBSITE_CRD_FILE), 'utf8')).toBe(websiteCrdFile());
    expect(parse(websiteCrdFile())).toEqual(crd);
  });

  test('the construct writes exactly that manifest, and the default platform has it at the top level (28-websites)', () => {
    const chart = testChart();
    new WebsiteCrd(chart, 'Crd');
    expect(chart.toJson()).toEqual([crd]);
    const result = synthDefault();
    const file = result.files.find((f) => f.objects.some((o) => o.manifest.kind === 'CustomResourceDefinition' && o.manifest.metadata.name === crd.metadata.name));
    expect(file?.path).toBe('28-websites.00-cluster-scoped.yaml');
    expect(find(manifestsOf(result), 'CustomResourceDefinition', 'websites.extensions.example.com')).toEqual(crd);
  });
});

describe('Website objects through our CRD-schema check', () => {
  const catalog = CrdCatalog.load();

  test('the contract\'s example is valid, and so is one with only gitRepo (the rest defaults) and every URL form', () => {
    expect(catalog.validate(website())).toEqual([]);
    expect(catalog.validate({ ...website(), spec: { gitRepo: 'git@gitee.com:rocrunning/kubia-website-example.git' } })).toEqual([]);
    expect(catalog.validate(website({ gitRepo: 'ssh://git@git.lab.example/site.git', branch: 'release/1.2', syncPeriod: '5m', replicas: 10 }))).toEqual([]);
  });

  test.each([
    ['a missing gitRepo', (() => { const w = website(); delete w.spec.gitRepo; return w; })(), /^spec\.gitRepo: required field is missing$/],
    ['a gitRepo without a scheme', website({ gitRepo: 'gitee.com/x.git' }), /^spec\.gitRepo: "gitee\.com\/x\.git" does not match/],
    ['a gitRepo that would be a git option', website({ gitRepo: '--upload-pack=touch /tmp/x' }), /^spec\.gitRepo: .* does not match/],
    ['a gitRepo longer than 2048', website({ gitRepo: `https://h/${'a'.repeat(2048)}` }), /^spec\.gitRepo: .* is longer than 2048 characters$/],
    ['a branch with a space', website({ branch: 'my branch' }), /^spec\.branch: "my branch" does not match/],
    ['a branch with ..', website({ branch: 'a..b' }), /^spec\.branch: "a\.\.b" does not match/],
    ['a branch starting with -', website({ branch: '-x' }), /^spec\.branch: "-x" does not match/],
    ['a syncPeriod in days', website({ syncPeriod: '1d' }), /^spec\.syncPeriod: "1d" does not match/],
    ['a syncPeriod of zero', website({ syncPeriod: '0s' }), /^spec\.syncPeriod: "0s" does not match/],
    ['replicas 0', website({ replicas: 0 }), /^spec\.replicas: 0 must be at least 1$/],
    ['replicas 11', website({ replicas: 11 }), /^spec\.replicas: 11 must be at most 10$/],
    ['replicas as a string', website({ replicas: '2' }), /^spec\.replicas: "2" is a string, expected integer$/],
    ['an unknown spec field (pruned by the API server)', website({ repo: 'x' }), /^spec\.repo: unknown field \(allowed here: gitRepo, branch, syncPeriod, replicas\)$/],
    ['no namespace', website({}, { namespace: undefined }), /^metadata\.namespace: nothing — Website is namespaced/],
  ])('refuses %s', (_what, manifest, message) => {
    const problems = catalog.validate(manifest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('a status as the controller writes it is valid; a condition without reason is not', () => {
    const condition = { type: 'Ready', status: 'True', observedGeneration: 2, lastTransitionTime: '2026-12-01T10:00:00Z', reason: 'Available', message: '1 of 1 pods ready' };
    expect(catalog.validate({ ...website(), status: { observedGeneration: 2, readyReplicas: 1, conditions: [condition] } })).toEqual([]);
    const { reason: _reason, ...withoutReason } = condition;
    expect(catalog.validate({ ...website(), status: { conditions: [withoutReason] } })).toEqual(['status.conditions[0].reason: required field is missing']);
    expect(catalog.validate({ ...website(), status: { conditions: [{ ...condition, status: 'Yes' }] } })[0]).toMatch(/^status\.conditions\[0\]\.status: "Yes" is not allowed/);
  });
});
