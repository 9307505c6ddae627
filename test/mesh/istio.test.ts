import { ApiObject } from 'cdk8s';
import { IstioCanary, IstioCanaryProps, IstioMesh } from '../../lib/mesh/istio';
import { TenantNamespace } from '../../lib/tenancy/tenant-namespace';
import { backendProblems } from '../../lib/traffic/backend-check';
import { testChart } from '../support/helpers';

/** A chart with namespace team-a (enforcing `enforce`, with `labels`), Service web over `serviceSelector` and two Deployments. */
function tree(opts: { serviceSelector?: Record<string, string>; enforce?: string; labels?: Record<string, string> } = {}) {
  const chart = testChart();
  new ApiObject(chart, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'pod-security.kubernetes.io/enforce': opts.enforce ?? 'restricted', 'istio-injection': 'enabled', ...opts.labels } } });
  new ApiObject(chart, 'Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { selector: opts.serviceSelector ?? { app: 'web' }, ports: [{ port: 80 }] } });
  for (const [name, track] of [['web', 'stable'], ['web-canary', 'canary']]) {
    const labels = { app: 'web', instance: name, track };
    new ApiObject(chart, `Deployment-${name}`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'team-a' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {} } } });
  }
  return chart;
}

const sidecarCni = new IstioMesh({ cni: true });
const props = (overrides: Partial<IstioCanaryProps> = {}): IstioCanaryProps => ({
  name: 'web', namespace: 'team-a', port: 80, weight: 10, mesh: sidecarCni,
  stable: { selector: { instance: 'web' } }, canary: { selector: { instance: 'web-canary' } }, ...overrides,
});

describe('IstioCanary', () => {
  test('defaults: host is the Service FQDN, weights 90/10 over subsets stable and canary, no tree problem', () => {
    const chart = tree();
    const split = new IstioCanary(chart, 'Split', props());
    const vs = chart.toJson().find((m: any) => m.kind === 'VirtualService');
    expect(split.host).toBe('web.team-a.svc.cluster.local');
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['stable', 90], ['canary', 10]]);
    expect(split.node.validate()).toEqual([]);
  });

  test.each<[string, Partial<IstioCanaryProps>, RegExp]>([
    ['a weight above 100', { weight: 101 }, /weight 101 must be a whole percentage from 0 to 100 .* the two weights sum to 100/],
    ['a weight that is not whole', { weight: 12.5 }, /weight 12\.5 must be a whole percentage/],
    ['an empty subset selector', { canary: { selector: {} } }, /the canary subset selects every pod of the Service/],
    ['a service that is not a DNS label', { service: 'Web.App' }, /^IstioCanary team-a\/web: service: "Web\.App" is not a DNS label: use at most 63 lowercase letters/],
  ])('%s is refused', (_name, overrides, message) => {
    expect(() => new IstioCanary(tree(), 'Split', props(overrides))).toThrow(message);
  });

  test.each<[string, () => { chart: ReturnType<typeof tree>; p: IstioCanaryProps }, RegExp]>([
    ['a subset that selects both versions', () => ({ chart: tree(), p: props({ canary: { selector: { app: 'web' } } }) }), /subset canary .* selects the pods of Deployment\/web and Deployment\/web-canary; each subset must select exactly one workload's pods/],
    ['a subset that selects no pod', () => ({ chart: tree(), p: props({ canary: { selector: { instance: 'gone' } } }) }), /subset canary .* selects the pods of no workload/],
    ['a Service that selects only the stable pods', () => ({ chart: tree({ serviceSelector: { instance: 'web' } }), p: props() }), /subset canary selects Deployment\/web-canary, whose pods Service web does not select; .*make the Service select both versions/],
    ['a missing Service', () => ({ chart: tree(), p: props({ service: 'other' }) }), /its host other\.team-a\.svc\.cluster\.local is no Service in the tree/],
    ['sidecar without CNI in a restricted namespace', () => ({ chart: tree(), p: props({ mesh: new IstioMesh() }) }), /namespace team-a enforces Pod Security "restricted", and sidecar injection adds the istio-init container, which needs the NET_ADMIN and NET_RAW capabilities .*; install the Istio CNI plugin/],
    ['a namespace not enrolled in the mode', () => ({ chart: tree(), p: props({ mesh: new IstioMesh({ mode: 'ambient', waypoint: 'waypoint', waypointSeccomp: true }) }) }), /namespace team-a lacks istio\.io\/dataplane-mode: ambient, istio\.io\/use-waypoint: waypoint, so its pods are not in the mesh/],
  ])('the tree check refuses %s', (_name, make, message) => {
    const { chart, p } = make();
    const split = new IstioCanary(chart, 'Split', p);
    expect(split.node.validate()).toEqual([expect.stringMatching(message)]);
  });
});

describe('IstioMesh', () => {
  test('defaults fit istioctl\'s default profile: sidecar, no CNI, istiod in istio-system', () => {
    const mesh = new IstioMesh();
    expect([mesh.mode, mesh.cni, mesh.entryInMesh, mesh.controlPlane.namespace, mesh.controlPlane.selector]).toEqual(['sidecar', false, false, 'istio-system', { app: 'istiod' }]);
    expect(mesh.namespaceLabels()).toEqual({ 'istio-injection': 'enabled' });
    expect(mesh.podSecurityProblem('privileged')).toBeUndefined();
    expect(new IstioMesh({ cni: true }).podSecurityProblem('restricted')).toBeUndefined();
    // Ambient app pods need nothing, but the waypoint Istio runs in the namespace has a seccomp profile only if the
    // install gives it one, and restricted refuses it without (baseline does not ask for one).
    expect(new IstioMesh({ mode: 'ambient', waypoint: 'waypoint', waypointSeccomp: true }).podSecurityProblem('restricted')).toBeUndefined();
    expect(new IstioMesh({ mode: 'ambient', waypoint: 'waypoint' }).podSecurityProblem('baseline')).toBeUndefined();
    expect(new IstioMesh({ mode: 'ambient', waypoint: 'waypoint' }).podSecurityProblem('restricted')).toMatch(/the waypoint Istio runs there gets no seccomp profile .*set mesh\.istio\.waypointSeccomp: true/);
  });

  test('ambient without a waypoint is refused', () => {
    expect(() => new IstioMesh({ mode: 'ambient' })).toThrow(/ambient mode needs a waypoint for VirtualService weights/);
  });
});

describe('namespace labels from other parts', () => {
  test('are added next to the baseline\'s own; overriding one of those, or a conflicting value, is refused', () => {
    const ns = new TenantNamespace(testChart(), 'Team', { name: 'team-a' });
    ns.addLabels({ 'istio-injection': 'enabled' }, 'apps[0].canary.split');
    const namespace = ns.node.findChild('Resource') as ApiObject;
    expect(namespace.toJson().metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(() => ns.addLabels({ 'pod-security.kubernetes.io/enforce': 'privileged' }, 'x')).toThrow(/x asks for label pod-security\.kubernetes\.io\/enforce="privileged", which the namespace baseline writes itself/);
    expect(() => ns.addLabels({ 'istio-injection': 'disabled' }, 'y')).toThrow(/y asks for label istio-injection="disabled", but it is already "enabled"/);
  });
});

describe('backendProblems with a mesh split', () => {
  test('a Service a mesh splits may select both versions, but not none', () => {
    const host = (service: string) => ({ name: 'web', namespace: 'team-a', host: 'web.lab.example', tlsSecretName: 'web-tls', path: '/', paths: ['/'], labels: {}, backends: [{ service, port: 80, weight: 100, meshSplit: true }] });
    expect(backendProblems(tree(), [host('web')])).toEqual([]);
    expect(backendProblems(tree({ serviceSelector: { app: 'other' } }), [host('web')])).toEqual([expect.stringMatching(/selects the pods of no workload/)]);
  });
});
