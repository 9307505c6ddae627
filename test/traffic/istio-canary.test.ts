import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { CrdCatalog } from '../../lib/checks/custom-resource-schema';
import { Endpoint, matchesLabelSelector, NetworkPolicyEvaluator } from '../../lib/checks/network/evaluator';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { find, ROOT, synthData, synthFailure } from '../support/helpers';
import { podOf } from '../support/flows';

/**
 * The default platform with a 10% canary of helloworld, split by Istio in `istio` (merged over mesh.istio). Tenant
 * dwayne gets limits.cpu 4: with its mesh proxies (a sidecar per pod, or the waypoint) the default 2 does not hold
 * the 7 pods of a rollout (see 'the mesh's own pods count').
 */
function withIstioCanary(istio: Record<string, unknown> = { cni: true, entryInMesh: true }, canary: Record<string, unknown> = {}): any {
  const data = parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  data.apps[0].canary = { image: { tag: '1.27.5-alpine' }, weight: 10, ...canary };
  // Ambient: a waypoint that fits the tenant's LimitRange and passes its restricted Pod Security (see below).
  data.mesh = { istio: { enabled: true, ...(istio.mode === 'ambient' ? { waypointResources: SMALL_WAYPOINT, waypointSeccomp: true } : {}), ...istio } };
  data.tenants[0].quota = { limitsCpu: '4' };
  return data;
}

/** A waypoint sized to the default tenant LimitRange (Istio's own default, 2 CPU, is above its max of 1). */
const SMALL_WAYPOINT = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/** The evaluator over the synthesized policies, with the namespaces of the Gateway's proxy and of istiod. */
function evaluatorOf(objects: readonly any[]): NetworkPolicyEvaluator {
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => ({ name: o.metadata.name, labels: o.metadata.labels }));
  return new NetworkPolicyEvaluator(objects.filter((o) => o.kind === 'NetworkPolicy'), [...namespaces, { name: 'nginx-gateway' }, { name: 'istio-system' }, { name: 'kube-system' }]);
}

const PROXY: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'ngf', labels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } } };
const ISTIOD: Endpoint = { pod: { namespace: 'istio-system', name: 'istiod', labels: { app: 'istiod' }, ports: [{ containerPort: 15012, protocol: 'TCP' }, { containerPort: 15017, protocol: 'TCP' }] } };
const WAYPOINT: Endpoint = { pod: { namespace: 'dwayne', name: 'waypoint', labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, ports: [{ containerPort: 15008, protocol: 'TCP' }] } };

describe('Istio canary, sidecar mode with the CNI plugin: a 90/10 split', () => {
  const objects = synthData(withIstioCanary());
  const service = find(objects, 'Service', 'helloworld', 'dwayne');
  const stable = find(objects, 'Deployment', 'helloworld', 'dwayne');
  const canary = find(objects, 'Deployment', 'helloworld-canary', 'dwayne');

  test('the VirtualService weighs the stable and canary subsets 90/10 for the Service\'s host, and both objects validate against the Istio 1.23.6 CRDs', () => {
    const vs = find(objects, 'VirtualService', 'helloworld', 'dwayne');
    const dr = find(objects, 'DestinationRule', 'helloworld', 'dwayne');
    expect(vs.spec.hosts).toEqual(['helloworld.dwayne.svc.cluster.local']);
    expect(vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['stable', 90], ['canary', 10]]);
    expect(vs.spec.http[0].route.every((r: any) => r.destination.host === dr.spec.host && r.destination.port.number === 80)).toBe(true);
    expect(dr.spec.host).toBe('helloworld.dwayne.svc.cluster.local');
    const catalog = CrdCatalog.load();
    expect(catalog.validate(vs)).toEqual([]);
    expect(catalog.validate(dr)).toEqual([]);
  });

  test('the objects sit in the CRD-dependent unit needs-istio, never at the top level', () => {
    const result = synthesize(parseConfig(stringify(withIstioCanary())));
    const files = result.files.filter((f) => f.objects.some((o) => ['VirtualService', 'DestinationRule'].includes(o.manifest.kind)));
    expect(files.map((f) => f.path)).toEqual(['needs-istio/10-dwayne-helloworld.yaml']);
  });

  test('each subset selects exactly one Deployment\'s pods, and the one Service selects both', () => {
    const dr = find(objects, 'DestinationRule', 'helloworld', 'dwayne');
    const owners = (labels: Record<string, string>) => [stable, canary].filter((d) => matchesLabelSelector({ matchLabels: labels }, d.spec.template.metadata.labels)).map((d) => d.metadata.name);
    expect(dr.spec.subsets.map((s: any) => [s.name, owners(s.labels)])).toEqual([['stable', ['helloworld']], ['canary', ['helloworld-canary']]]);
    expect(owners(service.spec.selector)).toEqual(['helloworld', 'helloworld-canary']);
    // AND no second Service: the split is Istio's, so the HTTPRoute sends everything to the one Service
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'helloworld-canary')).toEqual([]);
    expect(find(objects, 'HTTPRoute', 'helloworld', 'dwayne').spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'helloworld', port: 80, weight: 100 }]);
  });

  test('the tenant namespace is enrolled for sidecar injection; other tenants are not', () => {
    expect(find(objects, 'Namespace', 'dwayne').metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(find(objects, 'Namespace', 'demo').metadata.labels['istio-injection']).toBeUndefined();
  });

  test('flows: the sidecars reach istiod on 15012 only, and the Gateway proxy reaches both versions on the container port', () => {
    const evaluator = evaluatorOf(objects);
    for (const name of ['helloworld', 'helloworld-canary']) {
      const pod = { pod: podOf(objects, 'Deployment', name, 'dwayne') };
      expect(evaluator.evaluate({ from: pod, to: ISTIOD, port: 15012 }).allowed).toBe(true);
      expect(evaluator.evaluate({ from: pod, to: ISTIOD, port: 15017 }).allowed).toBe(false);
      expect(evaluator.evaluate({ from: PROXY, to: pod, port: 8080 }).allowed).toBe(true);
      expect(evaluator.evaluate({ from: PROXY, to: pod, port: 15008 }).allowed).toBe(false);
    }
  });

  test('the quota check counts the canary (and the rollouts\' surge pods) next to the stable pods', () => {
    // GIVEN a pod quota that fits the stable version at its autoscaler maximum (4) plus its surge pod, and no more
    const data = withIstioCanary();
    data.tenants[0].quota = { ...data.tenants[0].quota, pods: 5 };
    expect(() => synthData({ ...data, apps: [{ ...data.apps[0], canary: undefined }] })).not.toThrow();
    // WHEN the canary (1 pod + 1 surge) is added THEN the quota check refuses it
    expect(synthFailure(data)).toMatch(/namespace dwayne: pods needs 7 but ResourceQuota tenant-quota allows 5/);
  });

  test('output is deterministic', () => {
    const a = synthesize(parseConfig(stringify(withIstioCanary()))).files;
    const b = synthesize(parseConfig(stringify(withIstioCanary()))).files;
    expect(b.map((f) => [f.path, f.content])).toEqual(a.map((f) => [f.path, f.content]));
  });
});

describe('Istio canary, ambient mode with a waypoint', () => {
  const objects = synthData(withIstioCanary({ mode: 'ambient', waypoint: 'waypoint', entryInMesh: true }));

  test('the namespace joins the ambient mesh and uses the waypoint; the split objects are the same as in sidecar mode', () => {
    expect(find(objects, 'Namespace', 'dwayne').metadata.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(find(objects, 'Namespace', 'dwayne').metadata.labels['istio-injection']).toBeUndefined();
    const sidecar = synthData(withIstioCanary());
    for (const kind of ['VirtualService', 'DestinationRule']) expect(find(objects, kind, 'helloworld', 'dwayne')).toEqual(find(sidecar, kind, 'helloworld', 'dwayne'));
  });

  test('flows: the waypoint reaches both versions over HBONE (15008), ambient\'s probe address reaches the container port, the proxy reaches the waypoint', () => {
    const evaluator = evaluatorOf(objects);
    for (const name of ['helloworld', 'helloworld-canary']) {
      const pod = { pod: podOf(objects, 'Deployment', name, 'dwayne') };
      expect(evaluator.evaluate({ from: WAYPOINT, to: pod, port: 15008 }).allowed).toBe(true);
      expect(evaluator.evaluate({ from: { ip: '169.254.7.127' }, to: pod, port: 8080 }).allowed).toBe(true);
      expect(evaluator.evaluate({ from: { ip: '169.254.7.127' }, to: pod, port: 15008 }).allowed).toBe(false);
      // sidecar mode's flow to istiod is not written: ztunnel, not the pod, talks to istiod
      expect(evaluator.evaluate({ from: pod, to: ISTIOD, port: 15012 }).allowed).toBe(false);
    }
    expect(evaluator.evaluate({ from: PROXY, to: WAYPOINT, port: 15008 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: WAYPOINT, to: ISTIOD, port: 15012 }).allowed).toBe(true);
  });
});

describe('the mesh\'s own pods count against the tenant', () => {
  test('sidecar mode: every pod Platform Kit writes in the tenant sizes its istio-proxy with mesh.istio.proxyResources', () => {
    const objects = synthData(withIstioCanary({ cni: true, entryInMesh: true, proxyResources: { limits: { cpu: '150m' } } }));
    for (const name of ['helloworld', 'helloworld-canary']) {
      expect(find(objects, 'Deployment', name, 'dwayne').spec.template.metadata.annotations).toMatchObject({
        'sidecar.istio.io/proxyCPU': '20m', 'sidecar.istio.io/proxyMemory': '64Mi',
        'sidecar.istio.io/proxyCPULimit': '150m', 'sidecar.istio.io/proxyMemoryLimit': '128Mi',
      });
    }
    // AND apps outside the mesh get none
    const plain = synthData(withIstioCanary({ enabled: false }, { split: 'gateway-api' }));
    expect(find(plain, 'Deployment', 'helloworld', 'dwayne').spec.template.metadata.annotations ?? {}).not.toHaveProperty('sidecar.istio.io/proxyCPU');
  });

  test('sidecar mode: a quota that holds the apps alone is refused once each pod carries its sidecar, and the message says so', () => {
    // GIVEN the default limits.cpu of 2, which holds the 7 pods of a rollout at 250m each (1750m)
    const data = withIstioCanary();
    data.tenants[0].quota = {};
    expect(() => synthData({ ...data, mesh: undefined, apps: [{ ...data.apps[0], canary: { ...data.apps[0].canary, split: 'gateway-api' } }] })).not.toThrow();
    // WHEN Istio injects a 200m-limit istio-proxy into each THEN 3150m do not fit, and the fix names both keys
    const message = synthFailure(data);
    expect(message).toMatch(/namespace dwayne: limits\.cpu needs 3150m but ResourceQuota tenant-quota allows 2 .*raise tenants\[0\]\.quota\.limitsCpu in platform\.yaml to at least 3150m.*Every pod here also runs istio-proxy \(added by Istio's sidecar injector, sized by mesh\.istio\.proxyResources\)/);
  });

  test('sidecar mode: a proxy above the tenant LimitRange max is refused with the key to change', () => {
    const message = synthFailure(withIstioCanary({ cni: true, entryInMesh: true, proxyResources: { limits: { cpu: '2' } } }));
    expect(message).toMatch(/dwayne\/Deployment\/helloworld container istio-proxy \(added at admission by Istio's sidecar injector\): limits\.cpu 2 is above the LimitRange max 1 of namespace dwayne; change mesh\.istio\.proxyResources\.limits\.cpu or tenants\[0\]\.limits\.max\.cpu in platform\.yaml/);
  });

  test.each(['sidecar', 'ambient'])('%s mode: a website in a tenant an Istio canary enrolls is refused: the controller\'s pods are not made for the mesh', (mode) => {
    // GIVEN the demo tenant, which has the website xxhf, enrolled by an Istio canary of its own
    const data = withIstioCanary(mode === 'ambient' ? { mode, waypoint: 'waypoint', entryInMesh: true } : { cni: true, entryInMesh: true });
    data.apps.push({ name: 'shop', tenant: 'demo', image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.30.4-alpine' }, containerPort: 8080, ingress: { host: 'shop.lab.example', tlsSecretName: 'shop-tls' }, canary: { image: { tag: '1.31.3-alpine' }, weight: 10 } });
    expect(synthFailure(data)).toMatch(/websites\.sites\[0\]\.tenant: "demo" is in the Istio mesh through apps\[1\]\.canary, so the website controller's pods would join it too.*Put the site in a tenant without an Istio canary, or set apps\[1\]\.canary\.split: gateway-api/);
    // AND with the canary split by the HTTPRoute instead, the same platform synthesizes
    data.apps[1].canary.split = 'gateway-api';
    expect(() => synthData(data)).not.toThrow();
  });

  test('ambient mode: Istio\'s default waypoint (2 CPU limit) does not fit the tenant\'s LimitRange, and synth says which key sizes it', () => {
    const data = withIstioCanary({ mode: 'ambient', waypoint: 'waypoint', entryInMesh: true });
    delete data.mesh.istio.waypointResources;
    expect(synthFailure(data)).toMatch(/dwayne\/Deployment\/waypoint container istio-proxy: limits\.cpu 2 is above the LimitRange max 1 of namespace dwayne/);
  });

  test('ambient mode: a waypoint sized to fit is counted in the capacity table, and no pod gets sidecar annotations', () => {
    const result = synthesize(parseConfig(stringify(withIstioCanary({ mode: 'ambient', waypoint: 'waypoint', entryInMesh: true }))));
    const withWaypoint = result.report.join('\n');
    const data = withIstioCanary({ mode: 'ambient', waypoint: 'waypoint', entryInMesh: true });
    const without = synthesize(parseConfig(stringify({ ...data, mesh: undefined, apps: [{ ...data.apps[0], canary: { ...data.apps[0].canary, split: 'gateway-api' } }] }))).report.join('\n');
    const pods = (report: string) => [...report.matchAll(/^\s+k8s-node\d\s.*\s(\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    // the waypoint's one pod (its surge pod is a rollout's, not a steady-state one)
    expect(pods(withWaypoint) - pods(without)).toBe(1);
    const objects = result.files.flatMap((f) => f.objects.map((o) => o.manifest));
    expect(find(objects, 'Deployment', 'helloworld', 'dwayne').spec.template.metadata.annotations ?? {}).not.toHaveProperty('sidecar.istio.io/proxyCPU');
    // AND the waypoint is not written to dist/: istiod creates it
    expect(objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'waypoint')).toEqual([]);
  });
});

describe('which split', () => {
  test('with mesh.istio enabled a canary is split by Istio unless it says gateway-api', () => {
    const data = withIstioCanary({ cni: true, entryInMesh: true }, { split: 'gateway-api' });
    const objects = synthData(data);
    expect(objects.filter((o) => ['VirtualService', 'DestinationRule'].includes(o.kind))).toEqual([]);
    expect(find(objects, 'HTTPRoute', 'helloworld', 'dwayne').spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['helloworld', 90], ['helloworld-canary', 10]]);
    // AND no tenant is enrolled: nothing uses the mesh
    expect(find(objects, 'Namespace', 'dwayne').metadata.labels['istio-injection']).toBeUndefined();
  });

  test('promotion step 1 and 3: weight 0 sends every request to the stable subset; without canary no Istio object is left', () => {
    const objects = synthData(withIstioCanary(undefined, { weight: 0 }));
    expect(find(objects, 'VirtualService', 'helloworld', 'dwayne').spec.http[0].route.map((r: any) => r.weight)).toEqual([100, 0]);
    const data = withIstioCanary();
    delete data.apps[0].canary;
    expect(synthData(data).filter((o) => ['VirtualService', 'DestinationRule'].includes(o.kind))).toEqual([]);
  });

  test('the Ingress entry can carry an Istio split (one Service per host is all it needs)', () => {
    const data = withIstioCanary();
    data.gateway.enabled = false;
    const objects = synthData(data);
    expect(find(objects, 'Ingress', 'helloworld', 'dwayne').spec.rules[0].http.paths[0].backend.service.name).toBe('helloworld');
    expect(find(objects, 'VirtualService', 'helloworld', 'dwayne').spec.http[0].route.map((r: any) => r.weight)).toEqual([90, 10]);
  });

  test('a privileged tenant may use sidecar injection without the CNI plugin', () => {
    const data = withIstioCanary({ cni: false, entryInMesh: true });
    data.tenants[0].podSecurity = { enforce: 'privileged', audit: 'restricted', warn: 'restricted' };
    expect(find(synthData(data), 'Namespace', 'dwayne').metadata.labels['istio-injection']).toBe('enabled');
  });
});

describe('refusals', () => {
  test.each<[string, any, RegExp]>([
    ['a sidecar request above its limit', withIstioCanary({ cni: true, entryInMesh: true, proxyResources: { requests: { cpu: '300m' } } }),
      /mesh\.istio\.proxyResources\.requests\.cpu: "300m" is above limits\.cpu \("200m"\); Kubernetes refuses such a pod/],
    ['split istio without the mesh', (() => { const d = withIstioCanary({}, { split: 'istio' }); d.mesh.istio.enabled = false; return d; })(),
      /apps\[0\]\.canary\.split: "istio", but mesh\.istio\.enabled is false; enable it .* or set canary\.split: gateway-api/],
    ['sidecar without CNI in a restricted tenant', withIstioCanary({ entryInMesh: true }),
      /apps\[0\]\.canary\.split: "istio" puts tenant "dwayne" in the sidecar mesh, and tenants\[0\]\.podSecurity\.enforce is "restricted": sidecar injection adds the istio-init container, which needs the NET_ADMIN and NET_RAW capabilities .*; install the Istio CNI plugin and set mesh\.istio\.cni: true, or use mesh\.istio\.mode: ambient/],
    ['sidecar without CNI in a baseline tenant', (() => { const d = withIstioCanary({ entryInMesh: true }); d.tenants[0].podSecurity = { enforce: 'baseline' }; return d; })(),
      /tenants\[0\]\.podSecurity\.enforce is "baseline": sidecar injection adds the istio-init container/],
    ['ambient in a restricted tenant, with Istio\'s default waypoint (no seccomp profile)', withIstioCanary({ mode: 'ambient', waypoint: 'waypoint', entryInMesh: true, waypointSeccomp: false }),
      /apps\[0\]\.canary\.split: "istio" puts tenant "dwayne" in the ambient mesh, and tenants\[0\]\.podSecurity\.enforce is "restricted": the waypoint Istio runs there gets no seccomp profile .*; install Istio with --set values\.gateways\.seccompProfile\.type=RuntimeDefault and set mesh\.istio\.waypointSeccomp: true/],
    ['ambient without a waypoint', withIstioCanary({ mode: 'ambient', entryInMesh: true }),
      /mesh\.istio\.waypoint: missing, and mode is "ambient": without a waypoint .* VirtualService weights are ignored; .*set mesh\.istio\.waypoint: waypoint/],
    ['a waypoint in sidecar mode', withIstioCanary({ cni: true, entryInMesh: true, waypoint: 'waypoint' }),
      /mesh\.istio\.waypoint: "waypoint" is set, but mode is "sidecar"/],
    ['an entry proxy outside the mesh', withIstioCanary({ cni: true }),
      /apps\[0\]\.canary\.split: "istio" splits only requests a mesh proxy makes, .*mesh\.istio\.entryInMesh: false.*hello\.lab\.example would bypass the weights/],
    ['no host', (() => { const d = withIstioCanary(); delete d.apps[0].ingress; return d; })(),
      /apps\[0\]\.canary: the app has no ingress\.host, so no requests reach it to split/],
    ['a weight above 100', withIstioCanary(undefined, { weight: 101 }), /canary\/weight|canary\.weight/],
    ['an unknown split', withIstioCanary(undefined, { split: 'linkerd' }), /canary\/split|canary\.split/],
  ])('%s is refused with the reason and the fix', (_name, data, message) => {
    expect(synthFailure(data)).toMatch(message);
  });
});
