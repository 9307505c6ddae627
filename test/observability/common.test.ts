import { parseConfig } from '../../lib/config/load';
import { allowApiServer, apiServerOf, flowName, goMemLimit } from '../../lib/observability/common';
import { configHash } from '../../lib/core/config-hash';
import { Peers } from '../../lib/network/peer';
import { find } from '../support/helpers';
import { render } from './fixtures';

describe('observability helpers', () => {
  test('flowName: allow- plus kebab parts; long names are cut with a stable hash, short enough for -ingress', () => {
    expect(flowName('prometheus', 'scrape', 'kubeStateMetrics')).toBe('allow-prometheus-scrape-kube-state-metrics');
    const long = flowName('prometheus', 'node', 'worker-with-a-very-long-name.rack-12.datacenter.example');
    expect(long.length).toBeLessThanOrEqual(55);
    expect(long).toMatch(/^allow-prometheus-node-worker-with-a-very-long-na[a-z-]*-[0-9a-f]{6}$/);
    expect(flowName('prometheus', 'node', 'worker-with-a-very-long-name.rack-12.datacenter.example')).toBe(long);
    expect(flowName('prometheus', 'node', 'worker-with-a-very-long-name.rack-13.datacenter.example')).not.toBe(long);
  });

  test('configHash: 16 hex digits, stable, sensitive to order and content', () => {
    expect(configHash('a', 'b')).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash('a', 'b')).toBe(configHash('a', 'b'));
    expect(configHash('a', 'b')).not.toBe(configHash('b', 'a'));
    expect(configHash('ab')).not.toBe(configHash('a', 'b'));
  });

  test('goMemLimit: 90% of the memory limit in MiB', () => {
    expect(goMemLimit({ requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } })).toEqual({ name: 'GOMEMLIMIT', value: '921MiB' });
  });

  test('the API server is the control-plane addresses on apiServerPort; one egress flow per address', () => {
    const config = parseConfig(`cluster:
  apiServerPort: 8443
  nodes:
    - { name: cp1, ip: 10.0.0.1, role: control-plane, cpu: "2", memory: 4Gi }
    - { name: cp2, ip: 10.0.0.2, role: control-plane, cpu: "2", memory: 4Gi }
    - { name: w1, ip: 10.0.0.3, cpu: "4", memory: 8Gi }
  nfs: { server: 10.0.0.100 }
`);
    const api = apiServerOf(config.cluster);
    expect(api).toEqual({ addresses: ['10.0.0.1', '10.0.0.2'], port: 8443 });
    const objects = render((chart) => allowApiServer(chart, Peers.pods('monitoring', { app: 'x' }, 'x'), 'x', api, 'why'));
    expect(objects.map((o) => o.metadata.name)).toEqual(['allow-x-apiserver-10-0-0-1-egress', 'allow-x-apiserver-10-0-0-2-egress']);
    expect(find(objects, 'NetworkPolicy', 'allow-x-apiserver-10-0-0-2-egress').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ port: 8443, protocol: 'TCP' }] }]);
  });
});
