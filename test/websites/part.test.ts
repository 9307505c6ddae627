import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { PodModel } from '../../lib/checks/network/evaluator';
import { checkRbacLeastPrivilege } from '../../lib/checks/rbac-checks';
import { parseConfig } from '../../lib/config/load';
import { UserError } from '../../lib/core/errors';
import { PROJECT_ROOT } from '../../lib/core/paths';
import { buildPlatform } from '../../lib/pipeline/build-platform';
import { synthesize } from '../../lib/pipeline/synthesize';
import { collectObjects, controllerStandIns } from '../../lib/output/synthesized';
import { backendProblems } from '../../lib/traffic/backend-check';
import { imageRef, IMAGES } from '../../lib/versions';
import { evaluatorOf } from '../support/flows';
import { asObjects, find, manifestsOf, synthDefault } from '../support/helpers';

const DEFAULT_YAML = fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8');
const DEFAULT = parse(DEFAULT_YAML);
/** The default platform with `websites:` keys overridden (and the rest of the document changed by `edit`). */
function variant(websites: Record<string, unknown>, edit: (doc: any) => void = () => undefined): string {
  const doc = { ...DEFAULT, websites: { ...DEFAULT.websites, ...websites } };
  edit(doc);
  return stringify(doc);
}
function synthFailure(yaml: string): readonly string[] {
  try {
    synthesize(parseConfig(yaml));
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  throw new Error('synth passed');
}

describe('the websites part on the default platform', () => {
  const result = synthDefault();
  const objects = manifestsOf(result);
  const pathOf = (kind: string, name: string, namespace?: string) => result.files.find((f) => f.objects.some((o) => o.manifest.kind === kind && o.manifest.metadata.name === name && (namespace === undefined || o.manifest.metadata.namespace === namespace)))?.path;

  test('declares the notes\' website xxhf in tenant demo, in the CRD-dependent folder needs-websites', () => {
    const w = find(objects, 'Website', 'xxhf', 'demo');
    expect(w.apiVersion).toBe('extensions.example.com/v1');
    expect(w.spec).toEqual({ gitRepo: 'https://gitee.com/rocrunning/kubia-website-example.git', branch: 'master', syncPeriod: '60s', replicas: 1 });
    expect(pathOf('Website', 'xxhf')).toBe('needs-websites/10-demo-xxhf.yaml');
  });

  test('RBAC is exactly the contract\'s: Websites read cluster-wide, their status written, workloads only in demo, its own Lease', () => {
    expect(find(objects, 'ClusterRole', 'website-controller').rules).toEqual([
      { apiGroups: ['extensions.example.com'], resources: ['websites'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['extensions.example.com'], resources: ['websites/status'], verbs: ['get', 'update', 'patch'] },
    ]);
    const subject = [{ kind: 'ServiceAccount', name: 'website-controller', namespace: 'website' }];
    expect(find(objects, 'ClusterRoleBinding', 'website-controller')).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'website-controller' }, subjects: subject });
    // One Role per namespace with sites, and only there
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'website-controller').map((o) => o.metadata.namespace)).toEqual(['demo']);
    expect(find(objects, 'Role', 'website-controller', 'demo').rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
    ]);
    expect(find(objects, 'RoleBinding', 'website-controller', 'demo')).toMatchObject({ roleRef: { kind: 'Role', name: 'website-controller' }, subjects: subject });
    expect(find(objects, 'Role', 'website-controller-lease', 'website').rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['website-controller'], verbs: ['get', 'update', 'patch'] },
    ]);
    expect(find(objects, 'RoleBinding', 'website-controller-lease', 'website')).toMatchObject({ roleRef: { kind: 'Role', name: 'website-controller-lease' }, subjects: subject });
    // AND nothing else is bound to the controller: no events, no secrets
    const bindings = objects.filter((o) => /RoleBinding$/.test(o.kind) && o.subjects?.some((s: any) => s.name === 'website-controller'));
    expect(bindings.map((b) => `${b.kind} ${b.metadata.namespace ?? ''}/${b.metadata.name}`).sort()).toEqual([
      'ClusterRoleBinding /website-controller', 'RoleBinding demo/website-controller', 'RoleBinding website/website-controller-lease',
    ]);
  });

  test('the repo\'s RBAC check passes on it (no escalate, bind, impersonate or wildcard), and would refuse a wildcard', () => {
    const rbac = result.files.flatMap((f) => f.objects).filter((o) => ['Role', 'ClusterRole'].includes(o.manifest.kind) && o.manifest.metadata.name.startsWith('website-controller'));
    expect(rbac).toHaveLength(3);
    expect(checkRbacLeastPrivilege(rbac)).toEqual([]);
    const widened = asObjects([{ ...find(objects, 'Role', 'website-controller', 'demo'), rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }] }]);
    expect(checkRbacLeastPrivilege(widened)).toHaveLength(1);
  });

  test('the controller Deployment: two replicas, the contract\'s environment, probes on /healthz and /readyz, a token, a PDB', () => {
    const d = find(objects, 'Deployment', 'website-controller', 'website');
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'website-controller', automountServiceAccountToken: true, securityContext: { runAsNonRoot: true } });
    const [c] = pod.containers;
    expect(c.image).toBe(imageRef(IMAGES.websiteController));
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env).toEqual({
      POD_NAMESPACE: 'metadata.namespace',
      POD_NAME: 'metadata.name',
      WEBSITE_NAMESPACES: 'demo',
      WEBSITE_NGINX_IMAGE: imageRef(IMAGES.nginxUnprivileged),
      WEBSITE_GIT_SYNC_IMAGE: 'registry.k8s.io/git-sync/git-sync:v4.7.1',
      WEBSITE_POD_RESOURCES: JSON.stringify({
        nginx: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
        gitSync: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      }),
      WEBSITE_EXPOSED: 'demo/xxhf',
      LEASE_NAME: 'website-controller',
      METRICS_ADDR: ':8080',
      LOG_LEVEL: 'info',
      NODE_OPTIONS: '--max-old-space-size=144',
    });
    expect(JSON.parse(env.WEBSITE_POD_RESOURCES).gitSync.limits.memory).toBe('128Mi');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
    expect(find(objects, 'PodDisruptionBudget', 'website-controller', 'website').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: d.spec.selector.matchLabels } });
  });

  test('flows: the controller reaches the API server and nothing else; the Gateway reaches xxhf\'s pods on 8080; git-sync reaches gitHosts on 443 and 22', () => {
    const evaluator = evaluatorOf(objects);
    const controller: PodModel = { namespace: 'website', name: 'controller', labels: find(objects, 'Deployment', 'website-controller', 'website').spec.template.metadata.labels };
    const site: PodModel = { namespace: 'demo', name: 'xxhf', labels: { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': 'xxhf', 'platform-kit.io/exposed': 'true' }, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] };
    const proxy: PodModel = { namespace: 'nginx-gateway', name: 'proxy', labels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } };
    const allowed = (from: any, to: any, port: number) => evaluator.evaluate({ from, to, port, protocol: 'TCP' }).allowed;
    expect(allowed({ pod: controller }, { ip: '10.10.10.200' }, 6443)).toBe(true);
    expect(allowed({ pod: controller }, { ip: '10.10.10.201' }, 6443)).toBe(false);
    expect(allowed({ pod: controller }, { ip: '192.0.2.10' }, 443)).toBe(false);
    expect(allowed({ pod: controller }, { pod: site }, 8080)).toBe(false);
    expect(allowed({ pod: proxy }, { pod: site }, 8080)).toBe(true);
    expect(allowed({ pod: proxy }, { pod: site }, 8081)).toBe(false);
    expect(allowed({ pod: proxy }, { pod: controller }, 8080)).toBe(false);
    for (const port of [443, 22]) expect(allowed({ pod: site }, { ip: '192.0.2.10' }, port)).toBe(true);
    expect(allowed({ pod: site }, { ip: '192.0.2.10' }, 80)).toBe(false);
    expect(allowed({ pod: site }, { ip: '198.51.100.1' }, 443)).toBe(false);
    // AND Prometheus scrapes the controller's metrics port (offered scrape target)
    const prometheus: PodModel = { namespace: 'monitoring', name: 'prometheus', labels: find(objects, 'StatefulSet', 'prometheus', 'monitoring').spec.template.metadata.labels };
    expect(allowed({ pod: prometheus }, { pod: { ...controller, ports: [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }] } }, 8080)).toBe(true);
  });

  test('exposure: an HTTPRoute in demo to the controller-made Service xxhf-website:80, and the TLS Secret among the first-time Secrets', () => {
    const route = find(objects, 'HTTPRoute', 'xxhf-website', 'demo');
    expect(route.spec.hostnames).toEqual(['xxhf.lab.example']);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'xxhf-website', port: 80, weight: 100 }]);
    expect(pathOf('HTTPRoute', 'xxhf-website')).toBe('needs-gateway-api/10-gateway.yaml');
    // The Service is the controller's: not in dist/
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'xxhf-website')).toEqual([]);
    expect(result.offers.firstTimeSecrets.some((s) => s.namespace === 'demo' && s.name === 'xxhf-website-tls' && s.type === 'tls')).toBe(true);
  });

  test('what dist/ gains is CRD and controller at the top level, Website objects in needs-websites, nothing custom at the top level', () => {
    const websitesFiles = result.files.map((f) => f.path).filter((p) => p.startsWith('28-websites.') || p.startsWith('needs-websites/'));
    expect(websitesFiles).toEqual([
      '28-websites.00-cluster-scoped.yaml', '28-websites.10-controller.yaml', '28-websites.11-site-flows.yaml', '28-websites.12-route-demo-xxhf.yaml',
      'needs-websites/10-demo-xxhf.yaml',
    ]);
    for (const f of result.files.filter((x) => x.path.startsWith('28-websites.'))) expect(f.objects.every((o) => o.manifest.kind !== 'Website')).toBe(true);
  });

  test('the synth is deterministic: two builds give byte-identical files', () => {
    const again = synthesize(parseConfig(DEFAULT_YAML));
    expect(again.files.map((f) => [f.path, f.content])).toEqual(result.files.map((f) => [f.path, f.content]));
  });
});

describe('the website pods count against the tenant though the controller creates them', () => {
  test('the stand-in is the Deployment the controller will make, never written to dist/', () => {
    const app = buildPlatform(parseConfig(DEFAULT_YAML));
    const [standIn] = controllerStandIns(app);
    expect(standIn.manifest).toMatchObject({ kind: 'Deployment', metadata: { name: 'xxhf-website', namespace: 'demo' }, spec: { replicas: 1 } });
    const containers = standIn.manifest.spec.template.spec.containers;
    expect(containers.map((c: any) => [c.name, c.resources.requests.memory])).toEqual([['nginx', '16Mi'], ['git-sync', '32Mi']]);
    expect(collectObjects(app).some((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.name === 'xxhf-website')).toBe(false);
  });

  test('a tenant quota too small for its websites fails synth, naming the quota key', () => {
    // GIVEN demo's quota fits 2 pods, and xxhf runs 2 (+1 rolling-update surge)
    const yaml = variant({ sites: [{ ...DEFAULT.websites.sites[0], replicas: 2 }] }, (doc) => {
      doc.tenants = doc.tenants.map((t: any) => (t.name === 'demo' ? { ...t, quota: { pods: 2 } } : t));
    });
    const problems = synthFailure(yaml);
    expect(problems.some((p) => /namespace demo: pods needs 3 but ResourceQuota tenant-quota allows 2 \(Deployment\/xxhf-website 2×\(20m\/48Mi\) \+ 1 surge\); raise tenants\[1\]\.quota\.pods in platform\.yaml to at least 3/.test(p))).toBe(true);
  });

  test('website containers outside the tenant LimitRange are refused too', () => {
    const yaml = variant({ podResources: { nginx: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '2', memory: '64Mi' } } } });
    expect(synthFailure(yaml).some((p) => /demo\/Deployment\/xxhf-website container nginx: limits\.cpu 2 is above the LimitRange max 1 of namespace demo/.test(p))).toBe(true);
  });
});

describe('exposure on the Ingress path, and the controller-made Service allowance', () => {
  test('with gateway.enabled false the site gets an Ingress to xxhf-website:80 and the ingress controller\'s flow', () => {
    const result = synthesize(parseConfig(stringify({ ...DEFAULT, gateway: { enabled: false } })));
    const objects = manifestsOf(result);
    const ingress = find(objects, 'Ingress', 'xxhf-website', 'demo');
    expect(ingress.spec.rules).toEqual([{ host: 'xxhf.lab.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'xxhf-website', port: { number: 80 } } } }] } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-to-xxhf-website-ingress', 'demo').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });

  test('a route to a controller-made Service passes only while the Website it is made from exists', () => {
    const host = {
      name: 'xxhf-website', namespace: 'demo', host: 'xxhf.lab.example', tlsSecretName: 't', path: '/', paths: ['/'], labels: {},
      backends: [{ service: 'xxhf-website', port: 80, weight: 100, madeBy: { apiVersion: 'extensions.example.com/v1', kind: 'Website', name: 'xxhf', controller: 'the website controller' } }],
    };
    const app = buildPlatform(parseConfig(DEFAULT_YAML));
    expect(backendProblems(app, [host])).toEqual([]);
    const missing = { ...host, backends: [{ ...host.backends[0], madeBy: { ...host.backends[0].madeBy, name: 'gone' } }] };
    expect(backendProblems(app, [missing])).toEqual([
      'https://xxhf.lab.example (demo/xxhf-website): backend Service xxhf-website is created by the website controller from Website demo/gone, which is not in the platform; the route would answer with errors — add the Website or remove the route.',
    ]);
    // AND without madeBy the missing Service is still refused, as before
    const plain = { ...host, backends: [{ service: 'xxhf-website', port: 80, weight: 100 }] };
    expect(backendProblems(app, [plain])[0]).toMatch(/backend Service xxhf-website does not exist in namespace demo/);
  });

  test('a site host another part serves is refused at load, by key, with the other config problems', () => {
    // (the build-time check where the offered hosts meet stays for TypeScript programs: test/network/entry-point)
    const yaml = variant({ sites: [{ ...DEFAULT.websites.sites[0], host: 'grafana.lab.example' }] });
    expect(synthFailure(yaml).some((p) => /^websites\.sites\[0\]\.host: "grafana\.lab\.example" is already the host of observability\.grafana\.host/.test(p))).toBe(true);
  });
});

describe('more sites and tenants', () => {
  test('Roles and the git flow follow the tenants that have sites; unexposed sites get no route and no exposed label', () => {
    const yaml = variant({ sites: [...DEFAULT.websites.sites, { name: 'docs', tenant: 'dwayne', gitRepo: 'git@gitee.com:x/docs.git' }] });
    const result = synthesize(parseConfig(yaml));
    const objects = manifestsOf(result);
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'website-controller').map((o) => o.metadata.namespace).sort()).toEqual(['demo', 'dwayne']);
    const env = Object.fromEntries(find(objects, 'Deployment', 'website-controller', 'website').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.WEBSITE_NAMESPACES).toBe('demo,dwayne');
    expect(env.WEBSITE_EXPOSED).toBe('demo/xxhf');
    expect(objects.filter((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === 'dwayne').map((o) => o.metadata.name)).toEqual(['helloworld']);
    expect(find(objects, 'NetworkPolicy', 'allow-websites-git-0-egress', 'dwayne').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 22 }]);
  });

  test('websites.enabled false writes nothing of the part', () => {
    const result = synthesize(parseConfig(variant({ enabled: false })));
    expect(result.files.some((f) => f.path.includes('websites'))).toBe(false);
    expect(manifestsOf(result).some((o) => o.kind === 'Website' || o.metadata?.name === 'website-controller')).toBe(false);
  });
});
