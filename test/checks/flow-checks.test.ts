import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { checkFlows } from '../../lib/checks/flow-checks';
import { Flow } from '../../lib/network/flow';
import { Peers, Port } from '../../lib/network/peer';
import { PlatformChart } from '../../lib/output/platform-chart';
import { synthesizeObjects } from '../../lib/output/synthesized';
import { TenantNamespace } from '../../lib/tenancy/tenant-namespace';
import { goodDeployment } from '../support/helpers';

const POD_CIDR = '10.244.0.0/16';

function platform(build: (chart: PlatformChart) => void): { app: App; problems: string[] } {
  const app = new App();
  const chart = new PlatformChart(app, 'Test', { folder: '10-test', wave: 10, description: 'test' });
  new TenantNamespace(chart, 'a', { name: 'team-a', ingressControllerNamespace: 'ingress-nginx' });
  new TenantNamespace(chart, 'b', { name: 'team-b', ingressControllerNamespace: 'ingress-nginx' });
  build(chart);
  const objects = synthesizeObjects(app);
  return { app, problems: checkFlows(objects, Flow.all(app), POD_CIDR) };
}

describe('network flow check', () => {
  test('the tenancy baseline alone: every flow holds and tenants are isolated', () => {
    expect(platform(() => undefined).problems).toEqual([]);
  });

  test('a declared cross-tenant flow holds and is not an isolation breach', () => {
    const { problems } = platform((chart) => {
      new k8s.KubeDeployment(chart, 'Web', goodDeployment({ name: 'web', namespace: 'team-a', labels: { app: 'web' } }));
      new k8s.KubeDeployment(chart, 'Api', goodDeployment({ name: 'api', namespace: 'team-b', labels: { app: 'api' } }));
      new Flow(chart, 'WebToApi', { from: Peers.pods('team-a', { app: 'web' }, 'web'), to: Peers.pods('team-b', { app: 'api' }, 'api'), ports: [Port.tcp(8080)], description: 'web calls api' });
    });
    expect(problems).toEqual([]);
  });

  test('a hand-written policy that opens a tenant to another, without a flow, is an isolation breach', () => {
    const { problems } = platform((chart) => {
      new k8s.KubeNetworkPolicy(chart, 'OpenEgress', { metadata: { name: 'open-egress', namespace: 'team-a' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } });
      new k8s.KubeNetworkPolicy(chart, 'OpenIngress', { metadata: { name: 'open-ingress', namespace: 'team-b' }, spec: { podSelector: {}, ingress: [{}] } });
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^team-a\/\(any pod\) can reach team-b\/\(any pod\) on UDP 53, but no flow declares it \(egress allowed by \[team-a\/open-egress\], ingress by \[team-b\/open-ingress\]\)/),
    ]));
    expect(problems.some((p) => p.startsWith('team-b/'))).toBe(false);
  });

  test('a flow that only one side allows does not hold, and says which side blocks it', () => {
    const { problems } = platform((chart) => {
      // team-a is managed, but declared as external: its egress side is never written
      new Flow(chart, 'Broken', { from: Peers.externalNamespace('team-a'), to: Peers.namespace('team-b'), ports: [Port.tcp(5432)], description: 'x' });
    });
    expect(problems).toEqual([expect.stringMatching(/^flow allow-broken \(Test\/Broken\) does not hold: egress from team-a\/\(any pod\) denied.*TCP 5432/)]);
  });

  test('a named port resolves on the destination pods', () => {
    const { problems } = platform((chart) => {
      new k8s.KubeDeployment(chart, 'Api', goodDeployment({ name: 'api', namespace: 'team-b', labels: { app: 'api' } }));
      new Flow(chart, 'Named', { from: Peers.namespace('team-a'), to: Peers.pods('team-b', { app: 'api' }, 'api'), ports: [Port.tcp('http')], description: 'by name' });
    });
    expect(problems).toEqual([]);
  });

  test('a named port to a whole namespace is proven on a stand-in pod that declares the name', () => {
    const ok = platform((chart) => {
      new Flow(chart, 'Scrape', { from: Peers.namespace('team-a'), to: Peers.namespace('team-b'), ports: [Port.tcp('metrics')], description: 'scrape' });
    });
    expect(ok.problems).toEqual([]);
    const broken = platform((chart) => {
      new Flow(chart, 'Scrape', { from: Peers.externalNamespace('team-a'), to: Peers.namespace('team-b'), ports: [Port.tcp('metrics')], description: 'scrape' });
    });
    expect(broken.problems).toEqual([expect.stringMatching(/^flow allow-scrape .* does not hold: egress from team-a\/\(any pod\) denied/)]);
  });

  test('an ipBlock that covers the pod network is refused', () => {
    const { problems } = platform((chart) => {
      new Flow(chart, 'Internet', { from: Peers.namespace('team-a'), to: Peers.cidr('0.0.0.0/0', 'anywhere'), ports: [Port.tcp(443)], description: 'x' });
      new Flow(chart, 'InternetSafe', { from: Peers.namespace('team-a'), to: Peers.cidr('0.0.0.0/0', 'anywhere', [POD_CIDR]), ports: [Port.tcp(443)], description: 'y' });
    });
    expect(problems).toEqual([expect.stringMatching(/NetworkPolicy team-a\/allow-internet-egress: ipBlock 0\.0\.0\.0\/0 overlaps the pod network 10\.244\.0\.0\/16; add it to except/)]);
  });
});
