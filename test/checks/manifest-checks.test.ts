import { checkCustomResourcePlacement, checkDuplicates, checkIngressPaths, checkNoSecretValues, checkSchema } from '../../lib/checks/manifest-checks';
import { asObjects, goodDeployment } from '../support/helpers';

describe('strict Kubernetes schema check', () => {
  test('a valid object passes', () => {
    expect(checkSchema(asObjects([goodDeployment()]))).toEqual([]);
  });

  test('an unknown field is an error, with its path', () => {
    const d = goodDeployment({ container: { imagePullPolicy: 'IfNotPresent', imagePulPolicy: 'Always' } });
    expect(checkSchema(asObjects([d]))).toEqual([
      expect.stringMatching(/Deployment team-a\/web .*: spec\.template\.spec\.containers\[0\]\.imagePulPolicy: unknown field \(not in the 1\.27\.0 schema\)/),
    ]);
  });

  test('wrong types, bad enums, missing required fields and bad quantities are errors', () => {
    const d = goodDeployment({ container: { resources: { requests: { cpu: 'one', memory: '64Mi' } }, ports: [{ containerPort: '80', protocol: 'HTTP' }] } });
    delete d.spec.selector;
    const problems = checkSchema(asObjects([d])).join('\n');
    expect(problems).toMatch(/spec\.selector: required field is missing/);
    expect(problems).toMatch(/resources\.requests\.cpu: "one" is not a Kubernetes quantity/);
    expect(problems).toMatch(/ports\[0\]\.containerPort: "80" should be integer/);
    expect(problems).toMatch(/ports\[0\]\.protocol: "HTTP" is not one of "TCP", "UDP", "SCTP"/);
  });

  test('names and labels the API server would refuse', () => {
    const problems = checkSchema(asObjects([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'my.svc', namespace: 'a' }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a', labels: { 'app.kubernetes.io/version': 'x'.repeat(64) } } },
    ])).join('\n');
    expect(problems).toMatch(/metadata\.name: "my\.svc" is not a valid Service name \(lowercase DNS label/);
    expect(problems).toMatch(/label value .* is not valid \(at most 63 characters/);
  });

  test('a kind the release does not serve is refused; CRD kinds are left to their own check', () => {
    expect(checkSchema(asObjects([{ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'x', namespace: 'a' } }])))
      .toEqual([expect.stringMatching(/"batch\/v1beta1"\/"CronJob" is not served by Kubernetes 1\.27\.0/)]);
    expect(checkSchema(asObjects([{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x', namespace: 'argocd' } }]))).toEqual([]);
  });
});

describe('duplicate objects', () => {
  test('same kind/namespace/name twice is reported; other namespaces are fine', () => {
    const objects = asObjects([goodDeployment(), goodDeployment({ namespace: 'team-b' }), goodDeployment()]);
    expect(checkDuplicates(objects)).toEqual([expect.stringMatching(/Deployment team-a\/web \(Test\/Object2\) has the same kind, namespace and name as Test\/Object0/)]);
  });
});

describe('ingress hosts', () => {
  const ingress = (name: string, host: string, paths: string[]) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'team-a' },
    spec: { rules: [{ host, http: { paths: paths.map((path) => ({ path, pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } })) } }] },
  });
  test('one host and path served by two Ingresses is refused; other paths of the same host are fine', () => {
    // GIVEN Harbor's two Ingresses on one host, and an app that takes the same host's "/"
    const objects = asObjects([ingress('core', 'r.lab.example', ['/api/', '/v2/']), ingress('portal', 'r.lab.example', ['/']), ingress('app', 'r.lab.example', ['/'])]);
    // THEN only the app's "/" clashes
    expect(checkIngressPaths(objects)).toEqual([expect.stringMatching(/Ingress team-a\/app \(Test\/Object2\) serves https:\/\/r\.lab\.example\/, which Ingress team-a\/portal \(Test\/Object1\) serves already/)]);
    expect(checkIngressPaths(objects.slice(0, 2))).toEqual([]);
  });
});

describe('no secret values in dist/', () => {
  test('a Secret with data or stringData is refused; an empty one is fine', () => {
    const problems = checkNoSecretValues(asObjects([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'x' }, data: { password: 'c2VjcmV0' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'x' }, stringData: { token: 'abc' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c', namespace: 'x' }, type: 'kubernetes.io/tls' },
    ]));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/Secret x\/a .* carries literal data; create the Secret out of band/);
  });

  test('a literal password in an env var is refused, secretKeyRef and *_FILE are fine', () => {
    const bad = goodDeployment({ container: { env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 'hunter2' }] } });
    const good = goodDeployment({ name: 'ok', container: { env: [
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/secrets/admin-password' },
    ] } });
    const problems = checkNoSecretValues(asObjects([bad, good]));
    expect(problems).toEqual([expect.stringMatching(/env MYSQL_ROOT_PASSWORD .* has a literal value "\*+"; use valueFrom\.secretKeyRef/)]);
    expect(problems[0]).not.toContain('hunter2');
  });
});

describe('custom resource placement', () => {
  test('a custom resource at the top level of dist/ is refused; in a needs-* folder it is fine', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x', namespace: 'argocd' } };
    const [topLevel] = asObjects([app]);
    const outside = { ...topLevel, chart: { ...topLevel.chart, folder: 'needs-argocd' } };
    expect(checkCustomResourcePlacement([topLevel])).toEqual([expect.stringMatching(/argoproj\.io\/v1alpha1 Application needs a CRD a vanilla cluster lacks, and unit "99-test" writes to the top level of dist\/ .*; put it in a unit whose folder is needs-<what it needs>/)]);
    expect(checkCustomResourcePlacement([outside])).toEqual([]);
    expect(checkCustomResourcePlacement(asObjects([goodDeployment()]))).toEqual([]);
  });
});
