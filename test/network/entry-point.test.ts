import { GatewayEntry, IngressEntry, ExposeProps, duplicateHosts } from '../../lib/network/entry-point';
import { Peers } from '../../lib/network/peer';
import { testChart } from '../support/helpers';

const proxy = Peers.externalPods('nginx-gateway', { 'app.kubernetes.io/name': 'nginx-gateway-fabric' }, 'gateway-proxy');
const pods = (name: string) => Peers.pods('team-a', { 'app.kubernetes.io/name': name }, name);

function props(overrides: Partial<ExposeProps> = {}): ExposeProps {
  return {
    name: 'shop', namespace: 'team-a', host: 'shop.lab.example', tlsSecretName: 'shop-tls',
    backends: [{ service: 'shop', port: 80, pods: pods('shop'), containerPort: 8080 }],
    ...overrides,
  };
}

describe('EntryPoint', () => {
  test('defaults: an IngressEntry is class nginx with its controller in ingress-nginx', () => {
    const entry = new IngressEntry();
    expect([entry.kind, entry.className, entry.controllerNamespace]).toEqual(['ingress', 'nginx', 'ingress-nginx']);
  });

  test('both entries return the same host for the same request (path "/" and weight 100 by default)', () => {
    // GIVEN one request WHEN exposed through each entry THEN the offered host is the same
    const viaIngress = new IngressEntry().expose(testChart(), 'Entry', props());
    const viaGateway = new GatewayEntry({ proxyPods: proxy }).expose(testChart(), 'Entry', props());
    expect(viaGateway).toEqual(viaIngress);
    expect(viaIngress).toEqual({
      name: 'shop', namespace: 'team-a', host: 'shop.lab.example', tlsSecretName: 'shop-tls', path: '/', paths: ['/'],
      backends: [{ service: 'shop', port: 80, weight: 100 }], labels: {},
    });
  });

  test('the Ingress entry writes the Ingress and the controller flow; the Gateway entry writes one proxy flow per backend and no route', () => {
    // GIVEN a chart per entry WHEN a stable and a canary backend are exposed through the Gateway
    const ingressChart = testChart();
    new IngressEntry().expose(ingressChart, 'Entry', props());
    const gatewayChart = testChart();
    new GatewayEntry({ proxyPods: proxy }).expose(gatewayChart, 'Entry', props({
      backends: [
        { service: 'shop', port: 80, pods: pods('shop'), containerPort: 8080, weight: 90 },
        { service: 'shop-canary', port: 80, pods: pods('shop-canary'), containerPort: 8080, weight: 10 },
      ],
    }));
    // THEN
    expect(ingressChart.toJson().map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['Ingress/shop', 'NetworkPolicy/allow-ingress-to-shop-ingress']);
    const policies = gatewayChart.toJson();
    expect(policies.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/allow-gateway-to-shop-ingress', 'NetworkPolicy/allow-gateway-to-shop-canary-ingress',
    ]);
    expect(policies[1].spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nginx-gateway' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test.each([
    ['weights that do not sum to 100', props({ backends: [{ service: 'a', port: 80, pods: pods('a'), containerPort: 8080, weight: 90 }, { service: 'b', port: 80, pods: pods('b'), containerPort: 8080, weight: 20 }] }), /backend weights \[90,20\] must be whole numbers from 0 to 100 that sum to 100/],
    ['a weight that is not whole', props({ backends: [{ service: 'a', port: 80, pods: pods('a'), containerPort: 8080, weight: 99.5 }, { service: 'b', port: 80, pods: pods('b'), containerPort: 8080, weight: 0.5 }] }), /must be whole numbers/],
    ['two backends without weights', props({ backends: [{ service: 'a', port: 80, pods: pods('a'), containerPort: 8080 }, { service: 'b', port: 80, pods: pods('b'), containerPort: 8080 }] }), /backend weights/],
    ['no backend', props({ backends: [] }), /no backend; give the Service that serves shop\.lab\.example/],
    ['a host without a domain', props({ host: 'shop' }), /host "shop" is not a DNS name with a domain/],
    ['a relative path', props({ path: 'shop' }), /path "shop" must start with "\/"/],
  ])('refuses %s', (_name, bad, message) => {
    expect(() => new GatewayEntry({ proxyPods: proxy }).expose(testChart(), 'Entry', bad)).toThrow(message);
  });

  test('the Ingress entry refuses two backends: a canary needs the Gateway API', () => {
    const canary = props({ backends: [{ service: 'a', port: 80, pods: pods('a'), containerPort: 8080, weight: 90 }, { service: 'b', port: 80, pods: pods('b'), containerPort: 8080, weight: 10 }] });
    expect(() => new IngressEntry().expose(testChart(), 'Entry', canary)).toThrow(/2 backends \(a canary\) need the Gateway API entry/);
  });

  test('duplicateHosts names both owners of a host, once per extra claim', () => {
    const host = (namespace: string, name: string, h: string, paths: string[] = ['/']) => ({ name, namespace, host: h, tlsSecretName: 't', path: paths[0], paths, backends: [], labels: {} });
    expect(duplicateHosts([host('a', 'x', 'one.example'), host('b', 'y', 'two.example')])).toEqual([]);
    expect(duplicateHosts([host('a', 'x', 'one.example'), host('b', 'y', 'one.example')])).toEqual([
      'host "one.example" is served by both a/x and b/y; give each its own host (each host is owned by one namespace).',
    ]);
  });

  test('duplicateHosts lets one namespace serve one host through several routes, never the same path twice', () => {
    const host = (namespace: string, name: string, h: string, paths: string[] = ['/']) => ({ name, namespace, host: h, tlsSecretName: 't', path: paths[0], paths, backends: [], labels: {} });
    expect(duplicateHosts([host('a', 'x', 'one.example', ['/']), host('a', 'y', 'one.example', ['/api', '/v2'])])).toEqual([]);
    expect(duplicateHosts([host('a', 'x', 'one.example', ['/', '/api']), host('a', 'y', 'one.example', ['/api'])])).toEqual([
      'https://one.example/api is served by both a/x and a/y; give each route its own path.',
    ]);
  });
});
