import * as fs from 'fs';
import * as path from 'path';
import { CRD_DIR, CrdCatalog, checkCustomResources } from '../../lib/checks/custom-resource-schema';
import { asObjects } from '../support/helpers';

/** A valid child Application, as the gitops unit writes it; tests break one thing at a time. */
function application(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'platform-kit-tenancy', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'], ...metadata },
    spec: {
      project: 'platform-kit',
      source: { repoURL: 'https://git.lab.example/p.git', targetRevision: 'main', path: 'dist/platform/10-tenancy' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'dwayne' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false'] },
      ...spec,
    },
  };
}

const catalog = CrdCatalog.load();

describe('CRD schema validation', () => {
  test('the catalog holds the Argo CD, Gateway API, Istio, Velero and Website CRDs', () => {
    // GIVEN schemas/crds WHEN loaded
    const kinds = catalog.versions.map((v) => `${v.group}/${v.version}/${v.kind}`).sort();
    // THEN both Argo CD kinds, the Website kind (our own, written by npm run schema), the served versions of Gateway,
    // HTTPRoute and ReferenceGrant, and the 13 Velero kinds (folder velero-v1.14.1/) are there, namespaced
    expect(kinds).toEqual([
      'argoproj.io/v1alpha1/AppProject', 'argoproj.io/v1alpha1/Application',
      'extensions.example.com/v1/Website',
      'gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute',
      'gateway.networking.k8s.io/v1beta1/Gateway', 'gateway.networking.k8s.io/v1beta1/HTTPRoute', 'gateway.networking.k8s.io/v1beta1/ReferenceGrant',
      ...['v1', 'v1alpha3', 'v1beta1'].flatMap((v) => [`networking.istio.io/${v}/DestinationRule`, `networking.istio.io/${v}/VirtualService`]),
      ...[
        'v1/Backup', 'v1/BackupRepository', 'v1/BackupStorageLocation', 'v1/DeleteBackupRequest', 'v1/DownloadRequest',
        'v1/PodVolumeBackup', 'v1/PodVolumeRestore', 'v1/Restore', 'v1/Schedule', 'v1/ServerStatusRequest',
        'v1/VolumeSnapshotLocation', 'v2alpha1/DataDownload', 'v2alpha1/DataUpload',
      ].map((k) => `velero.io/${k}`),
    ]);
    expect(catalog.versions.every((v) => v.namespaced)).toBe(true);
    expect([...new Set(catalog.versions.map((v) => v.crd))].filter((c) => !c.endsWith('velero.io')).sort()).toEqual([
      'applications.argoproj.io', 'appprojects.argoproj.io',
      'destinationrules.networking.istio.io', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'referencegrants.gateway.networking.k8s.io',
      'virtualservices.networking.istio.io', 'websites.extensions.example.com',
    ]);
    // AND the README records where each file comes from
    const readme = fs.readFileSync(path.join(CRD_DIR, 'README.md'), 'utf8');
    for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) expect(readme).toContain(`| ${file} |`);
  });

  test('Istio\'s schemas list only spec and status: apiVersion and kind are taken, a typo in spec is still refused', () => {
    // GIVEN a VirtualService WHEN it is valid THEN no problem (apiVersion/kind are not "unknown fields")
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'a' }, spec: { hosts: ['web.a.svc.cluster.local'], http: [{ route: [{ destination: { host: 'web.a.svc.cluster.local', subset: 'stable' }, weight: 100 }] }] } };
    expect(catalog.validate(vs)).toEqual([]);
    // AND a misspelt field or a weight that is no integer is refused
    expect(catalog.validate({ ...vs, spec: { ...vs.spec, gateway: ['mesh'] } })).toEqual([expect.stringMatching(/^spec\.gateway: unknown field/)]);
    expect(catalog.validate({ ...vs, spec: { ...vs.spec, http: [{ route: [{ destination: { host: 'x' }, weight: '90' }] }] } })).toEqual([expect.stringMatching(/^spec\.http\[0\]\.route\[0\]\.weight: "90" is a string, expected integer/)]);
  });

  test('a valid Application has no problem', () => {
    // GIVEN a well-formed Application WHEN validated THEN nothing is reported
    expect(catalog.validate(application())).toEqual([]);
  });

  const CASES: Array<[string, any, RegExp]> = [
    ['a misspelt field (the API server would drop it silently)',
      application({ syncPolicy: { automated: { prnue: true } } }),
      /^spec\.syncPolicy\.automated\.prnue: unknown field \(allowed here: allowEmpty, prune, selfHeal\)$/],
    ['a wrong type',
      application({ project: 3 }),
      /^spec\.project: 3 is a number, expected string$/],
    ['a missing required field',
      (() => { const a = application(); delete a.spec.destination; return a; })(),
      /^spec\.destination: required field is missing$/],
    ['a missing required nested field',
      application({ source: { path: 'dist' } }),
      /^spec\.source\.repoURL: required field is missing$/],
    ['a list where a map is expected',
      application({ info: { name: 'x' } }),
      /^spec\.info: .* is a mapping, expected array$/],
    ['a server-managed metadata field',
      application({}, { uid: 'abc' }),
      /^metadata\.uid: unknown or server-managed field/],
    ['a missing namespace on a namespaced kind',
      application({}, { namespace: undefined }),
      /^metadata\.namespace: nothing — Application is namespaced; give a namespace/],
    ['a bad name',
      application({}, { name: 'Platform_Kit' }),
      /^metadata\.name: "Platform_Kit" is not a DNS subdomain/],
    ['a null where the schema does not allow it',
      application({ revisionHistoryLimit: null }),
      /^spec\.revisionHistoryLimit: null is not allowed here; leave the field out$/],
    ['a bad label value',
      application({}, { labels: { team: 'a b' } }),
      /^metadata\.labels\.team: "a b" is not a valid label value$/],
  ];

  test.each(CASES)('reports %s', (_label, manifest, message) => {
    // GIVEN a broken Application WHEN validated THEN exactly that problem is reported
    const problems = catalog.validate(manifest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('int-or-string and preserve-unknown-fields are honoured', () => {
    // GIVEN a Helm source with free-form values and a replica count given as a string
    const manifest = application({
      source: {
        repoURL: 'https://charts.lab.example', targetRevision: '1.0.0', chart: 'demo',
        helm: { valuesObject: { anything: { goes: ['here'] } } },
        kustomize: { replicas: [{ name: 'web', count: '3' }] },
      },
    });
    // WHEN validated THEN both are accepted
    expect(catalog.validate(manifest)).toEqual([]);
    // AND a boolean count is not
    manifest.spec.source.kustomize.replicas[0].count = true;
    expect(catalog.validate(manifest)).toEqual(['spec.source.kustomize.replicas[0].count: true should be an integer or a string']);
  });

  test('AppProject whitelists need group and kind', () => {
    // GIVEN a project whose whitelist entry lacks its group
    const project = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'p', namespace: 'argocd' },
      spec: { sourceRepos: ['https://git.lab.example/p.git'], clusterResourceWhitelist: [{ kind: 'Namespace' }] },
    };
    // WHEN validated THEN the missing field is named with its position
    expect(catalog.validate(project)).toEqual(['spec.clusterResourceWhitelist[0].group: required field is missing']);
  });

  test('the synth check reports custom resources with their construct path, skips built-in kinds and refuses unknown CRDs', () => {
    // GIVEN a valid Application, a broken one, a Deployment and a kind with no CRD here
    const objects = asObjects([
      application(),
      application({ project: 3 }, { name: 'broken' }),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a' }, spec: { unknownField: 1 } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'sm', namespace: 'a' }, spec: {} },
    ]);
    // WHEN checked
    const problems = checkCustomResources(objects);
    // THEN one problem for the broken Application and one for the kind without a CRD
    expect(problems).toEqual([
      'Application argocd/broken (Test/Object1): spec.project: 3 is a number, expected string (CRD applications.argoproj.io, schemas/crds/argocd-application.yaml)',
      'ServiceMonitor a/sm (Test/Object3): apiVersion/kind: no CustomResourceDefinition for "monitoring.coreos.com/v1" "ServiceMonitor" in schemas/crds; copy its CRD into schemas/crds (see the README there)',
    ]);
  });
});

describe('crd-versions.json (what synth reads instead of the slow YAML)', () => {
  test('equals the served versions of the CRD YAML files (run `npm run schema` after changing a CRD)', () => {
    expect(CrdCatalog.load().render()).toBe(CrdCatalog.fromYamlFiles().render());
    expect(CrdCatalog.load().versions.map((v) => `${v.group}/${v.version}/${v.kind}`)).toEqual(expect.arrayContaining(['argoproj.io/v1alpha1/Application', 'argoproj.io/v1alpha1/AppProject']));
  });
});
