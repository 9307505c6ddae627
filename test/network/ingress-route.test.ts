import { IngressRoute, IngressRouteProps } from '../../lib/network/ingress-route';
import { Peers } from '../../lib/network/peer';
import { find, testChart } from '../support/helpers';

const grafanaPods = Peers.pods('monitoring', { 'app.kubernetes.io/name': 'grafana' }, 'grafana');
const base: IngressRouteProps = {
  name: 'grafana', namespace: 'monitoring', host: 'grafana.lab.example', serviceName: 'grafana', servicePort: 3000,
  backend: { pods: grafanaPods, containerPort: 3000 },
};

function render(props: IngressRouteProps): any[] {
  const chart = testChart();
  new IngressRoute(chart, 'Route', props);
  return chart.toJson();
}

describe('IngressRoute', () => {
  test('defaults (snapshot)', () => {
    expect(render(base)).toMatchSnapshot();
  });

  test('TLS from a Secret reference named after the route, on the nginx class', () => {
    const ingress = find(render(base), 'Ingress', 'grafana', 'monitoring');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['grafana.lab.example'], secretName: 'grafana-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 3000 } } } });
  });

  test('the ingress controller may reach the backend pods on their port, and nothing is written in its namespace', () => {
    const objects = render(base);
    const policy = find(objects, 'NetworkPolicy', 'allow-ingress-to-grafana-ingress', 'monitoring');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana' } });
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 3000 }] }]);
    expect(objects.filter((o) => o.metadata.namespace === 'ingress-nginx')).toEqual([]);
  });

  test('all props', () => {
    const props: Required<IngressRouteProps> = {
      ...base, tlsSecretName: 'wildcard-tls', className: 'traefik', controllerNamespace: 'kube-system', path: '/grafana',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' }, labels: { a: 'b' }, servicePort: 'http',
      paths: ['/grafana'],
    };
    const objects = render(props);
    const ingress = find(objects, 'Ingress', 'grafana');
    expect(ingress.spec.tls[0].secretName).toBe('wildcard-tls');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.rules[0].http.paths[0].path).toBe('/grafana');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: 'http' });
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' });
    expect(ingress.metadata.labels).toEqual({ a: 'b' });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-to-grafana-ingress').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('kube-system');
  });

  test('a host without a domain is refused with an example', () => {
    expect(() => render({ ...base, host: 'grafana' })).toThrow(/host "grafana" is not a DNS name with a domain \(example: "grafana\.lab\.example"\)/);
  });
});
