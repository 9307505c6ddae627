import { Flow, kebab } from '../../lib/network/flow';
import { Peers, Port } from '../../lib/network/peer';
import { find, testChart } from '../support/helpers';

describe('Flow', () => {
  const grafana = Peers.pods('monitoring', { 'app.kubernetes.io/name': 'grafana' }, 'grafana');
  const loki = Peers.pods('logging', { 'app.kubernetes.io/name': 'loki' }, 'loki');

  test('writes the egress side at the source and the ingress side at the destination (snapshot)', () => {
    // GIVEN a cross-namespace flow WHEN rendered
    const chart = testChart();
    new Flow(chart, 'GrafanaToLoki', { from: grafana, to: loki, ports: [Port.tcp(3100)], description: 'Grafana queries Loki' });
    const objects = chart.toJson();
    expect(objects).toMatchSnapshot();
    // THEN
    const egress = find(objects, 'NetworkPolicy', 'allow-grafana-to-loki-egress', 'monitoring');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana' } });
    expect(egress.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'logging' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'loki' } } }],
      ports: [{ protocol: 'TCP', port: 3100 }],
    }]);
    const ingress = find(objects, 'NetworkPolicy', 'allow-grafana-to-loki-ingress', 'logging');
    expect(ingress.spec.policyTypes).toEqual(['Ingress']);
    expect(ingress.metadata.annotations['platform-kit.io/flow']).toBe('monitoring/grafana -> logging/loki on TCP 3100: Grafana queries Loki');
  });

  test('unmanaged ends and CIDRs get no policy of their own', () => {
    const chart = testChart();
    new Flow(chart, 'ToApi', { from: grafana, to: Peers.cidr('10.10.10.200/32', 'api-server'), ports: [Port.tcp(6443)], description: 'x' });
    new Flow(chart, 'FromController', { from: Peers.externalNamespace('ingress-nginx'), to: grafana, ports: [Port.tcp('http')], description: 'y' });
    const objects = chart.toJson();
    expect(objects.map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['monitoring/allow-to-api-egress', 'monitoring/allow-from-controller-ingress']);
    expect(find(objects, 'NetworkPolicy', 'allow-to-api-egress').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.10.10.200/32' } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-from-controller-ingress').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
  });

  test('port ranges, and all ports when none are given', () => {
    const chart = testChart();
    new Flow(chart, 'Range', { from: grafana, to: loki, ports: [Port.tcpRange(30000, 30010)], description: 'r' });
    new Flow(chart, 'Any', { from: grafana, to: loki, description: 'a' });
    const objects = chart.toJson();
    expect(find(objects, 'NetworkPolicy', 'allow-range-egress').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 30000, endPort: 30010 }]);
    expect(find(objects, 'NetworkPolicy', 'allow-any-egress').spec.egress[0].ports).toBeUndefined();
  });

  test('Flow.all finds every flow in the tree', () => {
    const chart = testChart();
    new Flow(chart, 'A', { from: grafana, to: loki, description: 'a' });
    new Flow(chart, 'B', { from: loki, to: grafana, description: 'b' });
    expect(Flow.all(chart).map((f) => f.name)).toEqual(['allow-a', 'allow-b']);
  });

  test('validations', () => {
    const chart = testChart();
    expect(() => new Flow(chart, 'Bad', { from: Peers.cidr('10.0.0.0/8', 'a'), to: Peers.cidr('10.1.0.0/16', 'b'), description: 'x' }))
      .toThrow(/both ends are CIDRs; a flow needs a pod at one end at least/);
    expect(() => new Flow(chart, 'BadRange', { from: grafana, to: loki, ports: [{ port: 'http', endPort: 90 }], description: 'x' }))
      .toThrow(/endPort 90 needs a numeric port not above it \(got port "http"\)/);
    expect(() => new Flow(chart, 'BadName', { from: grafana, to: loki, name: 'Not_A_Label', description: 'x' }))
      .toThrow(/name "Not_A_Label" must be a DNS label/);
    expect(() => Peers.cidr('10.10.10.200', 'node')).toThrow(/"10\.10\.10\.200" is not an IPv4 CIDR\. Did you mean "10\.10\.10\.200\/32"\?/);
  });

  test('kebab-case ids', () => {
    expect(kebab('GrafanaToLoki')).toBe('grafana-to-loki');
    expect(kebab('From-team-b')).toBe('from-team-b');
    expect(kebab('MySQLPrimary')).toBe('my-sql-primary');
  });
});
