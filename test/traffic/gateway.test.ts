import { IMAGES } from '../../lib/versions';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { CrdCatalog } from '../../lib/checks/custom-resource-schema';
import { Endpoint, matchesLabelSelector } from '../../lib/checks/network/evaluator';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { listenerName } from '../../lib/traffic/gateway';
import { find, manifestsOf, MINIMAL_CLUSTER, ROOT, synthData, synthDefault, synthFailure } from '../support/helpers';
import { evaluatorOf, podOf } from '../support/flows';

/** The default platform.yaml as data, to change one thing at a time. */
function defaultData(): any {
  return parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
}

/** The default platform with a 10% canary of helloworld on the next nginx patch release. */
function withCanary(canary: any = { image: { tag: '1.27.5-alpine' }, weight: 10 }): any {
  const data = defaultData();
  data.apps[0].canary = canary;
  return data;
}

const PROXY: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'ngf', labels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } } };

/**
 * Whether the Gateway accepts `route` (Gateway API attachment rules, standard channel): some listener it names (all,
 * without sectionName) admits the route's namespace (`allowedRoutes.namespaces`) and shares a hostname with it.
 */
function attaches(gateway: any, route: any): boolean {
  const nsLabels = { 'kubernetes.io/metadata.name': route.metadata.namespace };
  return route.spec.parentRefs.some((ref: any) => ref.name === gateway.metadata.name && (ref.namespace ?? route.metadata.namespace) === gateway.metadata.namespace
    && gateway.spec.listeners.some((l: any) => {
      if (ref.sectionName !== undefined && ref.sectionName !== l.name) return false;
      const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
      const admitted = from === 'All' || (from === 'Same' && route.metadata.namespace === gateway.metadata.namespace)
        || (from === 'Selector' && matchesLabelSelector(l.allowedRoutes.namespaces.selector, nsLabels));
      const hostOk = l.hostname === undefined || route.spec.hostnames === undefined || route.spec.hostnames.includes(l.hostname);
      return admitted && hostOk;
    }));
}

describe('the default platform: Gateway API entry point', () => {
  const objects = manifestsOf(synthDefault());
  const gateway = find(objects, 'Gateway', 'platform', 'gateway');

  test('the Gateway, its routes and grants validate against the Gateway API v1.2.1 CRDs (read from the YAML, not the cache)', () => {
    // GIVEN every Gateway API object of the default synth WHEN validated against the CRD files THEN none has a problem
    const catalog = CrdCatalog.fromYamlFiles();
    const gatewayApi = objects.filter((o) => String(o.apiVersion).startsWith('gateway.networking.k8s.io/'));
    expect(gatewayApi.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
      'Gateway gateway/platform', 'HTTPRoute demo/xxhf-website', 'HTTPRoute dwayne/helloworld', 'HTTPRoute gateway/platform-https-redirect', 'HTTPRoute monitoring/grafana',
      'ReferenceGrant demo/platform-gateway-reads-xxhf-website-tls', 'ReferenceGrant dwayne/platform-gateway-reads-helloworld-tls', 'ReferenceGrant monitoring/platform-gateway-reads-grafana-tls',
    ]);
    for (const o of gatewayApi) expect({ o: o.metadata.name, problems: catalog.validate(o) }).toEqual({ o: o.metadata.name, problems: [] });
  });

  test('one HTTPS listener per host, TLS from the owner\'s Secret; plain HTTP only redirects', () => {
    expect(gateway.spec.gatewayClassName).toBe('nginx');
    expect(gateway.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.hostname, l.tls?.certificateRefs?.[0]])).toEqual([
      ['http', 'HTTP', 80, undefined, undefined],
      ['https-grafana-lab-example', 'HTTPS', 443, 'grafana.lab.example', { group: '', kind: 'Secret', name: 'grafana-tls', namespace: 'monitoring' }],
      ['https-hello-lab-example', 'HTTPS', 443, 'hello.lab.example', { group: '', kind: 'Secret', name: 'helloworld-tls', namespace: 'dwayne' }],
      ['https-xxhf-lab-example', 'HTTPS', 443, 'xxhf.lab.example', { group: '', kind: 'Secret', name: 'xxhf-website-tls', namespace: 'demo' }],
    ]);
    const redirect = find(objects, 'HTTPRoute', 'platform-https-redirect', 'gateway');
    expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(attaches(gateway, redirect)).toBe(true);
  });

  test('each cross-namespace Secret reference has a ReferenceGrant for exactly that Gateway namespace and Secret', () => {
    const grant = find(objects, 'ReferenceGrant', 'platform-gateway-reads-grafana-tls', 'monitoring');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway' }],
      to: [{ group: '', kind: 'Secret', name: 'grafana-tls' }],
    });
  });

  test('the owners\' routes attach; a tenant cannot attach a route for Grafana\'s host, nor for another tenant\'s', () => {
    // GIVEN the platform's own routes THEN they attach
    expect(attaches(gateway, find(objects, 'HTTPRoute', 'grafana', 'monitoring'))).toBe(true);
    expect(attaches(gateway, find(objects, 'HTTPRoute', 'helloworld', 'dwayne'))).toBe(true);
    // WHEN tenant dwayne (or demo) writes a route for grafana.lab.example, naming Grafana's listener or none
    const claim = (namespace: string, host: string, sectionName?: string) => ({
      metadata: { name: 'steal', namespace },
      spec: { parentRefs: [{ name: 'platform', namespace: 'gateway', ...(sectionName ? { sectionName } : {}) }], hostnames: [host] },
    });
    // THEN no listener admits it
    expect(attaches(gateway, claim('dwayne', 'grafana.lab.example', 'https-grafana-lab-example'))).toBe(false);
    expect(attaches(gateway, claim('dwayne', 'grafana.lab.example'))).toBe(false);
    expect(attaches(gateway, claim('demo', 'hello.lab.example'))).toBe(false);
    expect(attaches(gateway, claim('demo', 'hello.lab.example', 'http'))).toBe(false);
  });

  test('flows: the Gateway\'s proxy pods reach exactly the exposed pods on their container ports', () => {
    // GIVEN every policy of the default platform
    const evaluator = evaluatorOf(objects);
    const hello = podOf(objects, 'Deployment', 'helloworld', 'dwayne');
    const grafana = podOf(objects, 'Deployment', 'grafana', 'monitoring');
    // THEN the proxy reaches helloworld on 8080 and Grafana on 3000, and nothing else
    expect(evaluator.evaluate({ from: PROXY, to: { pod: hello }, port: 8080 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: PROXY, to: { pod: grafana }, port: 3000 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: PROXY, to: { pod: hello }, port: 9113 }).allowed).toBe(false);
    expect(evaluator.evaluate({ from: PROXY, to: { pod: podOf(objects, 'Deployment', 'alertmanager', 'monitoring') }, port: 9093 }).allowed).toBe(false);
    expect(evaluator.evaluate({ from: PROXY, to: { pod: podOf(objects, 'StatefulSet', 'mysql', 'mysql') }, port: 3306 }).allowed).toBe(false);
    // AND another pod of the proxy's namespace reaches neither
    const other: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'other', labels: { app: 'other' } } };
    expect(evaluator.evaluate({ from: other, to: { pod: hello }, port: 8080 }).allowed).toBe(false);
    expect(evaluator.evaluate({ from: other, to: { pod: grafana }, port: 3000 }).allowed).toBe(false);
  });

  test('the Gateway\'s namespace is Platform Kit\'s, default-deny, and runs no pods', () => {
    const quota = find(objects, 'ResourceQuota', 'namespace-quota', 'gateway');
    expect(quota.spec.hard.pods).toBe('0');
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });
});

describe('choosing the entry point', () => {
  test('gateway.enabled: false serves each host through an Ingress and writes no Gateway API object', () => {
    // GIVEN the default platform on the Ingress path WHEN synthesized
    const data = defaultData();
    data.gateway.enabled = false;
    const objects = synthData(data);
    // THEN
    expect(find(objects, 'Ingress', 'helloworld', 'dwayne').spec.ingressClassName).toBe('nginx');
    expect(find(objects, 'Ingress', 'grafana', 'monitoring').spec.rules[0].host).toBe('grafana.lab.example');
    expect(objects.filter((o) => String(o.apiVersion).startsWith('gateway.networking.k8s.io/'))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'gateway')).toEqual([]);
  });

  test('a new config gets the Gateway API by default, and no Gateway while nothing is exposed', () => {
    // GIVEN a config without a gateway: section and without any host (observability off)
    const objects = manifestsOf(synthesize(parseConfig(`${MINIMAL_CLUSTER}observability: { enabled: false }\n`)));
    // THEN there is no Gateway and no Ingress
    expect(objects.filter((o) => ['Gateway', 'HTTPRoute', 'Ingress'].includes(o.kind))).toEqual([]);
    // AND the section's default is on
    expect((parseConfig(MINIMAL_CLUSTER) as any).gateway.enabled).toBe(true);
  });

  test.each([true, false])('a host claimed twice is refused, naming both owners (gateway.enabled: %s)', (enabled) => {
    const data = defaultData();
    data.gateway.enabled = enabled;
    data.apps[0].ingress.host = 'grafana.lab.example';
    // The loader sees it first (with the platform.yaml keys of both owners); the synth check stays as a second guard.
    expect(synthFailure(data)).toMatch(/apps\[0\]\.ingress\.host: "grafana\.lab\.example" is already the host of observability\.grafana\.host; each exposed service needs its own host name/);
  });

  test('the proxy namespace must be the implementation\'s own, not one Platform Kit default-denies', () => {
    const data = defaultData();
    data.gateway.proxy.namespace = 'dwayne';
    expect(synthFailure(data)).toMatch(/gateway\.proxy\.namespace: "dwayne" is managed by a tenant/);
    data.gateway.proxy.namespace = 'monitoring';
    expect(synthFailure(data)).toMatch(/gateway\.proxy\.namespace: "monitoring" is managed by the observability section/);
  });

  test('an empty proxy podSelector is refused (it would admit every pod of the namespace)', () => {
    const data = defaultData();
    data.gateway.proxy.podSelector = {};
    expect(synthFailure(data)).toMatch(/gateway\.proxy\.podSelector: \{\} would admit every pod/);
  });
});

describe('canary releases', () => {
  const objects = synthData(withCanary());

  test('the HTTPRoute splits 90/10 between the stable and the canary Service', () => {
    const route = find(objects, 'HTTPRoute', 'helloworld', 'dwayne');
    expect(route.spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'helloworld', port: 80, weight: 90 },
      { group: '', kind: 'Service', name: 'helloworld-canary', port: 80, weight: 10 },
    ]);
    expect(CrdCatalog.load().validate(route)).toEqual([]);
  });

  test('both versions have pods: the stable Deployment keeps its autoscaler, the canary runs its own replicas', () => {
    const stable = find(objects, 'Deployment', 'helloworld', 'dwayne');
    const canary = find(objects, 'Deployment', 'helloworld-canary', 'dwayne');
    expect(find(objects, 'HorizontalPodAutoscaler', 'helloworld', 'dwayne').spec.minReplicas).toBe(2);
    expect(canary.spec.replicas).toBe(1);
    expect(stable.spec.template.spec.containers[0].image).toBe(`nginxinc/nginx-unprivileged:${IMAGES.nginxUnprivileged.tag}`);
    expect(canary.spec.template.spec.containers[0].image).toBe('nginxinc/nginx-unprivileged:1.27.5-alpine');
    expect(canary.spec.template.metadata.labels).toMatchObject({ 'platform-kit.io/track': 'canary', 'app.kubernetes.io/version': '1.27.5-alpine' });
    // AND the stable Deployment is the same object as without a canary (its immutable selector untouched)
    expect(stable).toEqual(find(manifestsOf(synthDefault()), 'Deployment', 'helloworld', 'dwayne'));
  });

  test('every backend selects the pods of exactly one Deployment, and no Deployment selects the other\'s pods', () => {
    const deployments = ['helloworld', 'helloworld-canary'].map((n) => find(objects, 'Deployment', n, 'dwayne'));
    for (const name of ['helloworld', 'helloworld-canary']) {
      const service = find(objects, 'Service', name, 'dwayne');
      const selected = deployments.filter((d) => matchesLabelSelector({ matchLabels: service.spec.selector }, d.spec.template.metadata.labels));
      expect(selected.map((d) => d.metadata.name)).toEqual([name]);
    }
    for (const d of deployments) {
      expect(deployments.filter((other) => matchesLabelSelector(d.spec.selector, other.spec.template.metadata.labels)).map((o) => o.metadata.name)).toEqual([d.metadata.name]);
    }
  });

  test('the proxy reaches the canary pods on their port, and only the proxy', () => {
    const evaluator = evaluatorOf(objects);
    const canary = podOf(objects, 'Deployment', 'helloworld-canary', 'dwayne');
    expect(evaluator.evaluate({ from: PROXY, to: { pod: canary }, port: 8080 }).allowed).toBe(true);
    const other: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'other', labels: { app: 'other' } } };
    expect(evaluator.evaluate({ from: other, to: { pod: canary }, port: 8080 }).allowed).toBe(false);
  });

  test('the quota check counts the canary next to the stable pods', () => {
    // GIVEN a pod quota that fits the stable version at its autoscaler maximum (4) plus its rollout's surge pod, and no more
    const data = withCanary();
    data.tenants[0].quota = { pods: 5 };
    expect(() => synthData({ ...data, apps: [{ ...data.apps[0], canary: undefined }] })).not.toThrow();
    // WHEN the canary is added THEN the quota check refuses it
    expect(synthFailure(data)).toMatch(/namespace dwayne: pods needs \d+ but ResourceQuota tenant-quota allows 5/);
  });

  test.each([
    ['no host', (d: any) => { delete d.apps[0].ingress; }, /apps\[0\]\.canary: the app has no ingress\.host/],
    ['the Ingress entry', (d: any) => { d.gateway.enabled = false; }, /apps\[0\]\.canary: the Ingress entry \(gateway\.enabled: false\) serves one Service per host and cannot split by weight/],
    ['a weight above 100', (d: any) => { d.apps[0].canary.weight = 101; }, /apps\/0\/canary\/weight|canary\.weight/],
    ['a weight that is not whole', (d: any) => { d.apps[0].canary.weight = 12.5; }, /canary\/weight|canary\.weight/],
  ])('a canary with %s is refused with the reason', (_name, change, message) => {
    const data = withCanary();
    change(data);
    expect(synthFailure(data)).toMatch(message);
  });
});

describe('listener names', () => {
  test('are DNS labels derived from the host, wildcards included', () => {
    expect(listenerName('grafana.lab.example')).toBe('https-grafana-lab-example');
    expect(listenerName('*.lab.example')).toBe('https-wildcard-lab-example');
  });
});

describe('Ingress-only settings on the Gateway API entry', () => {
  test('ingress.annotations are refused rather than silently dropped', () => {
    const data = defaultData();
    data.apps[0].ingress.annotations = { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' };
    expect(synthFailure(data)).toMatch(/apps\[0\]\.ingress\.annotations: .*nginx\.ingress\.kubernetes\.io\/proxy-body-size.* configure an Ingress controller/);
    // AND on the Ingress path they are kept
    data.gateway.enabled = false;
    expect(find(synthData(data), 'Ingress', 'helloworld', 'dwayne').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' });
  });
});
