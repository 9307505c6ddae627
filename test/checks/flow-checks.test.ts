import { ApiObject, App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { configKeysOf } from '../../lib/checks/config-keys';
import { checkFlows } from '../../lib/checks/flow-checks';
import { Flow } from '../../lib/network/flow';
import { Peers, Port } from '../../lib/network/peer';
import { PlatformChart } from '../../lib/output/platform-chart';
import { synthesizeObjects } from '../../lib/output/synthesized';
import { TenantNamespace } from '../../lib/tenancy/tenant-namespace';
import { buildPlatform } from '../../lib/pipeline/build-platform';
import { collectObjects } from '../../lib/output/synthesized';
import { defaultConfig, goodDeployment } from '../support/helpers';

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
      // team-a is managed, but the flow writes only the ingress side: team-a's egress is never opened
      new Flow(chart, 'Broken', { from: Peers.namespace('team-a'), to: Peers.namespace('team-b'), ports: [Port.tcp(5432)], description: 'x', sides: 'ingress' });
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
      new Flow(chart, 'Scrape', { from: Peers.namespace('team-a'), to: Peers.namespace('team-b'), ports: [Port.tcp('metrics')], description: 'scrape', sides: 'ingress' });
    });
    expect(broken.problems).toEqual([expect.stringMatching(/^flow allow-scrape .* does not hold: egress from team-a\/\(any pod\) denied/)]);
  });

  test('an ipBlock that covers the pod network is refused', () => {
    const { problems } = platform((chart) => {
      new Flow(chart, 'Internet', { from: Peers.namespace('team-a'), to: Peers.cidr('0.0.0.0/0', 'anywhere'), ports: [Port.tcp(443)], description: 'x' });
      new Flow(chart, 'InternetSafe', { from: Peers.namespace('team-a'), to: Peers.cidr('0.0.0.0/0', 'anywhere', [POD_CIDR]), ports: [Port.tcp(443)], description: 'y' });
    });
    expect(problems).toEqual([expect.stringMatching(/NetworkPolicy team-a\/allow-internet-egress: ipBlock 0\.0\.0\.0\/0 overlaps the pod network 10\.244\.0\.0\/16 \(cluster\.podCidr\); add it to except/)]);
  });
});

describe('flow proofs inside one namespace or one workload use two distinct pods', () => {
  test('allow-same-namespace with its ingress side deleted does not hold', () => {
    // GIVEN the tenancy baseline WHEN the ingress side of team-a's same-namespace flow is removed
    const { problems } = platform((chart) => {
      const flow = chart.node.findChild('a').node.findChild('SameNamespace');
      expect(flow.node.tryRemoveChild('Ingress')).toBe(true);
    });
    // THEN the flow is reported: a pod reaching itself is not proof that two pods of the namespace can talk
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(problems.map(() => expect.stringMatching(/^flow allow-same-namespace \(Test\/a\/SameNamespace\) does not hold: ingress to team-a\/\(any other pod\) denied/)));
  });

  test('a flow between the pods of one workload with its ingress side deleted does not hold', () => {
    // GIVEN replicas of one Deployment that talk to each other (like MySQL members) on 3306, in a namespace
    // without allow-same-namespace (like mysql)
    const members = (removeIngress: boolean) => platform((chart) => {
      new TenantNamespace(chart, 'c', { name: 'team-c', allowSameNamespace: false });
      new k8s.KubeDeployment(chart, 'Db', goodDeployment({ name: 'db', namespace: 'team-c', replicas: 3, labels: { app: 'db' } }));
      const flow = new Flow(chart, 'Members', { from: Peers.pods('team-c', { app: 'db' }, 'db'), to: Peers.pods('team-c', { app: 'db' }, 'db'), ports: [Port.tcp(3306)], description: 'replication' });
      if (removeIngress) flow.node.tryRemoveChild('Ingress');
    });
    // THEN with both sides it holds, and without the ingress side it fails
    expect(members(false).problems).toEqual([]);
    expect(members(true).problems).toEqual([expect.stringMatching(/^flow allow-members \(Test\/Members\) does not hold: ingress to team-c\/db \(2nd pod\) denied: .* allows TCP 3306 from team-c\/db/)]);
  });
});

describe('flows the policies cannot see', () => {
  test('a flow to a ClusterIP or the service CIDR is refused', () => {
    const app = new App();
    const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
    new TenantNamespace(chart, 'a', { name: 'team-a' });
    new Flow(chart, 'ToDns', { from: Peers.namespace('team-a'), to: Peers.cidr('10.96.0.10/32', 'dns-service'), ports: Port.dns(), description: 'x' });
    new Flow(chart, 'ToLan', { from: Peers.namespace('team-a'), to: Peers.cidr('10.10.10.0/24', 'lan'), ports: [Port.tcp(443)], description: 'y' });
    new Flow(chart, 'ToInternet', { from: Peers.namespace('team-a'), to: Peers.cidr('0.0.0.0/0', 'internet', [POD_CIDR]), ports: [Port.tcp(443)], description: 'z' });
    const objects = synthesizeObjects(app);
    // WHEN the service CIDR is known THEN the flow into it is refused; the LAN flow and the internet flow (which
    // merely includes the service CIDR) are not
    expect(checkFlows(objects, Flow.all(app), POD_CIDR, { serviceCidr: '10.96.0.0/12' })).toEqual([
      expect.stringMatching(/^flow allow-to-dns \(Test\/ToDns\): destination 10\.96\.0\.10\/32 is in the service CIDR 10\.96\.0\.0\/12 \(cluster\.serviceCidr\); policies see the pod IPs behind a Service after kube-proxy's DNAT/),
    ]);
  });

  test('a flow to an address that is a Service\'s clusterIP is refused even without the service CIDR', () => {
    const { problems } = platform((chart) => {
      new k8s.KubeService(chart, 'Api', { metadata: { name: 'api', namespace: 'team-b' }, spec: { clusterIp: '10.10.10.7', ports: [{ port: 80 }] } });
      new Flow(chart, 'ToApi', { from: Peers.namespace('team-a'), to: Peers.cidr('10.10.10.7/32', 'api'), ports: [Port.tcp(80)], description: 'x' });
    });
    expect(problems).toEqual([expect.stringMatching(/^flow allow-to-api \(Test\/ToApi\): destination 10\.10\.10\.7\/32 is the ClusterIP of a Service; policies see the pod IPs/)]);
  });

  test('hostNetwork pods are not policy-selected pods: a flow naming only them is refused, and they are not modelled', () => {
    const { problems } = platform((chart) => {
      const agent = goodDeployment({ name: 'agent', namespace: 'team-b', labels: { app: 'agent' } });
      agent.spec.template.spec.hostNetwork = true;
      new ApiObject(chart, 'Agent', agent);
      new Flow(chart, 'Scrape', { from: Peers.namespace('team-a'), to: Peers.pods('team-b', { app: 'agent' }, 'agent'), ports: [Port.tcp(8080)], description: 'scrape' });
    });
    expect(problems).toEqual([expect.stringMatching(/^flow allow-scrape \(Test\/Scrape\): team-b\/agent selects only hostNetwork pods \(team-b\/agent\), which NetworkPolicies do not select: .*Peers\.cidr of the node IPs/)]);
  });
});

describe('the isolation proof among many tenants', () => {
  /** 300 tenants t0001…t0300; `stray` adds policies to them after the baseline. */
  function manyTenants(stray: (chart: PlatformChart) => void): { app: App; objects: ReturnType<typeof synthesizeObjects> } {
    const app = new App();
    const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
    for (let i = 1; i <= 300; i++) {
      const name = `t${String(i).padStart(4, '0')}`;
      new TenantNamespace(chart, name, { name, ingressControllerNamespace: 'ingress-nginx', allowFrom: name === 't0150' ? [Peers.namespace('t0007')] : [] });
    }
    stray(chart);
    return { app, objects: synthesizeObjects(app) };
  }

  test('one allowFrom whose flow is not declared is found among 300 tenants, and nothing else', () => {
    // GIVEN t0150 allows traffic from t0007 (allowFrom), i.e. policies on both sides
    const { app, objects } = manyTenants(() => undefined);
    // WHEN the flow is declared THEN nothing is reported
    expect(checkFlows(objects, Flow.all(app), POD_CIDR)).toEqual([]);
    // WHEN the same policies stand without their flow (a stray allowance) THEN exactly that pair is reported
    const undeclared = checkFlows(objects, Flow.all(app).filter((f) => f.name !== 'allow-from-t0007'), POD_CIDR);
    expect(undeclared).toEqual([
      expect.stringMatching(/^t0007\/\(any pod\) can reach t0150\/\(any pod\) on UDP 53, but no flow declares it \(egress allowed by \[t0007\/allow-from-t0007-egress\], ingress by \[t0150\/allow-from-t0007-ingress\]\)/),
    ]);
  });

  test('a stray policy pair with label selectors (matching every tenant on one side) is found', () => {
    // GIVEN t0007 may send to every namespace labelled as a tenancy namespace, and t0200 admits t0007 by a name expression
    const { app, objects } = manyTenants((chart) => {
      new k8s.KubeNetworkPolicy(chart, 'StrayEgress', { metadata: { name: 'stray-egress', namespace: 't0007' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'app.kubernetes.io/name': 'tenancy' } } }] }] } });
      new k8s.KubeNetworkPolicy(chart, 'StrayIngress', { metadata: { name: 'stray-ingress', namespace: 't0200' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['t0007'] }] } }] }] } });
    });
    // WHEN THEN only t0007 → t0200 is reported (t0007 → t0150 is declared by allowFrom)
    expect(checkFlows(objects, Flow.all(app), POD_CIDR)).toEqual([
      expect.stringMatching(/^t0007\/\(any pod\) can reach t0200\/\(any pod\) on UDP 53, but no flow declares it \(egress allowed by \[t0007\/stray-egress\], ingress by \[t0200\/stray-ingress\]\)/),
    ]);
  });
});

describe('flow messages name the platform.yaml key', () => {
  test('an undeclared reach into a tenant names its allowFrom', () => {
    // GIVEN team-b is tenants[1] and a stray policy pair opens team-a → team-b
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }, { name: 'team-b' }] as any, apps: [] });
    const app = new App();
    const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
    new TenantNamespace(chart, 'a', { name: 'team-a' });
    new TenantNamespace(chart, 'b', { name: 'team-b' });
    new k8s.KubeNetworkPolicy(chart, 'OpenEgress', { metadata: { name: 'open-egress', namespace: 'team-a' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } });
    new k8s.KubeNetworkPolicy(chart, 'OpenIngress', { metadata: { name: 'open-ingress', namespace: 'team-b' }, spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] } });
    // WHEN
    const problems = checkFlows(synthesizeObjects(app), Flow.all(app), POD_CIDR, { keys }).join('\n');
    // THEN
    expect(problems).toMatch(/team-a\/\(any pod\) can reach team-b\/\(any pod\) on UDP 53, but no flow declares it .*; list team-a in tenants\[1\]\.allowFrom in platform\.yaml if it is wanted, or remove the policy that opens it\./);
  });

  test('a tenant\'s broken allowFrom flow names tenants[i].allowFrom', () => {
    const keys = configKeysOf({ tenants: [{ name: 'team-a' }, { name: 'team-b' }] as any, apps: [] });
    const app = new App();
    const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
    new TenantNamespace(chart, 'a', { name: 'team-a' });
    const b = new TenantNamespace(chart, 'b', { name: 'team-b', allowSameNamespace: false, allowFrom: [Peers.namespace('team-a')] });
    b.node.findChild('From-team-a').node.tryRemoveChild('Ingress');
    const problems = checkFlows(synthesizeObjects(app), Flow.all(app), POD_CIDR, { keys });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(problems.map(() => expect.stringMatching(/^flow allow-from-team-a .* does not hold: .*\(the flow comes from tenants\[1\]\.allowFrom in platform\.yaml\)\.$/)));
  });
});

describe('the default platform\'s flows inside one workload', () => {
  test('allow-mysql-members holds, and does not once its ingress side is deleted', () => {
    // GIVEN the default platform
    const config = defaultConfig();
    const check = (removeIngress: boolean) => {
      const app = buildPlatform(config);
      const members = Flow.all(app).find((f) => f.name === 'allow-mysql-members')!;
      if (removeIngress) expect(members.node.tryRemoveChild('Ingress')).toBe(true);
      // collectObjects, not synthesizeObjects: the App's own validation (every check) would refuse the broken flow first.
      return checkFlows(collectObjects(app), Flow.all(app), config.cluster.podCidr, { serviceCidr: config.cluster.serviceCidr });
    };
    // THEN it holds as written, and fails without its ingress side (a member reaching itself proves nothing)
    expect(check(false)).toEqual([]);
    expect(check(true)).toEqual([expect.stringMatching(/^flow allow-mysql-members .* does not hold: ingress to mysql\/mysql \(2nd pod\) denied: .* TCP 3306 from mysql\/mysql/)]);
  });
});
