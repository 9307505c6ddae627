import { NamespaceModel, NetworkPolicyEvaluator, effectivePolicyTypes } from '../../../lib/checks/network/evaluator';
import { pod, policy, tcp, udp } from './fixtures';

// The `test-network-policy` example of the Kubernetes "Network Policies" concept page, as our own fixture.
const exampleFlows = policy('default', 'test-network-policy', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
});

const namespaces = [
  { name: 'default' },
  { name: 'team-a', labels: { project: 'myproject' } },
  { name: 'team-b', labels: { project: 'other' } },
];

const db = pod('default', 'db-0', { role: 'db' });
const frontend = pod('default', 'frontend-0', { role: 'frontend' });
const backend = pod('default', 'backend-0', { role: 'backend' });
const projectWorker = pod('team-a', 'worker-0', { app: 'worker' });
const foreignFrontend = pod('team-b', 'frontend-0', { role: 'frontend' });

describe('the test-network-policy example', () => {
  // GIVEN the documentation's example policy in namespace default
  const evaluator = new NetworkPolicyEvaluator([exampleFlows], namespaces);

  describe('ingress to role=db on TCP 6379', () => {
    test('is allowed from a role=frontend pod of the policy namespace', () => {
      // GIVEN the example policy built above
      // WHEN default/frontend-0 connects to the db
      const verdict = evaluator.evaluate(tcp(frontend, db, 6379));
      // THEN the ingress side allows it through the example policy
      expect(verdict.allowed).toBe(true);
      expect(verdict.ingress).toEqual({
        applies: true,
        isolated: true,
        allowed: true,
        allowedBy: ['default/test-network-policy'],
        isolatedBy: ['default/test-network-policy'],
      });
      expect(verdict.egress).toEqual({ applies: true, isolated: false, allowed: true, allowedBy: [], isolatedBy: [] });
    });

    test('is denied from a role=frontend pod of another namespace (podSelector alone is namespace-local)', () => {
      // GIVEN the example policy built above
      // WHEN a role=frontend pod in team-b connects
      const verdict = evaluator.evaluate(tcp(foreignFrontend, db, 6379));
      // THEN it is denied on the ingress side only
      expect(verdict.allowed).toBe(false);
      expect(verdict.egress.allowed).toBe(true);
      expect(verdict.ingress.allowed).toBe(false);
      expect(verdict.ingress.allowedBy).toEqual([]);
    });

    test('is allowed from any pod of a namespace labelled project=myproject', () => {
      // GIVEN the example policy built above
      // WHEN a pod without a role label in team-a (project=myproject) connects
      const verdict = evaluator.evaluate(tcp(projectWorker, db, 6379));
      // THEN the namespaceSelector peer allows it
      expect(verdict.allowed).toBe(true);
      expect(verdict.ingress.allowedBy).toEqual(['default/test-network-policy']);
    });

    test('is denied from a pod of the policy namespace that matches no peer', () => {
      // GIVEN the example policy built above
      // WHEN a role=backend pod connects
      const verdict = evaluator.evaluate(tcp(backend, db, 6379));
      // THEN the ingress side denies it and says why
      expect(verdict.allowed).toBe(false);
      expect(verdict.reason).toBe(
        'ingress to default/db-0 denied: pod is isolated for ingress and no rule of [default/test-network-policy] ' +
          'allows TCP 6379 from default/backend-0',
      );
    });

    test.each([
      ['172.17.0.0', true],
      ['172.17.0.255', true],
      ['172.17.1.0', false],
      ['172.17.1.77', false],
      ['172.17.1.255', false],
      ['172.17.2.0', true],
      ['172.17.255.255', true],
      ['172.16.255.255', false],
      ['172.18.0.0', false],
    ])('from IP %s: allowed=%s (172.17.0.0/16 except 172.17.1.0/24)', (ip, expected) => {
      // GIVEN the example policy built above
      // WHEN an address outside the pod network connects
      const verdict = evaluator.evaluate(tcp(ip, db, 6379));
      // THEN only the cidr minus its except range is allowed; an IP source has no egress side
      expect(verdict.allowed).toBe(expected);
      expect(verdict.egress.applies).toBe(false);
    });

    test('is denied on another port or protocol even from an allowed peer', () => {
      // GIVEN the example policy built above
      // WHEN the frontend uses TCP 6380 and UDP 6379
      const otherPort = evaluator.evaluate(tcp(frontend, db, 6380));
      const otherProtocol = evaluator.evaluate(udp(frontend, db, 6379));
      // THEN both are denied, and the reason names the port that would be allowed
      expect(otherPort.allowed).toBe(false);
      expect(otherProtocol.allowed).toBe(false);
      expect(otherPort.reason).toContain('rules matching default/frontend-0 allow only TCP 6379');
    });
  });

  describe('egress from role=db', () => {
    test('is allowed to 10.0.0.0/24 on TCP 5978', () => {
      // GIVEN the example policy built above
      // WHEN the db connects to an address in the block
      const verdict = evaluator.evaluate(tcp(db, '10.0.0.200', 5978));
      // THEN egress allows it and ingress does not apply
      expect(verdict.allowed).toBe(true);
      expect(verdict.egress.allowedBy).toEqual(['default/test-network-policy']);
      expect(verdict.ingress.applies).toBe(false);
      expect(verdict.reason).toBe(
        'TCP 5978 from default/db-0 to 10.0.0.200 is allowed: egress of default/db-0 allowed by ' +
          '[default/test-network-policy]; ingress not applicable (10.0.0.200 is not a pod)',
      );
    });

    test.each([
      ['10.0.1.1', 5978],
      ['10.0.0.200', 5979],
      ['8.8.8.8', 53],
    ])('is denied to %s on TCP %d', (ip, port) => {
      // GIVEN the example policy built above
      // WHEN the db connects outside the block or on another port
      const verdict = evaluator.evaluate(tcp(db, ip, port));
      // THEN the egress side denies it
      expect(verdict.allowed).toBe(false);
      expect(verdict.egress.isolated).toBe(true);
      expect(verdict.egress.allowed).toBe(false);
    });

    test('is denied to a pod without a known IP, allowed to a pod whose IP is in the block', () => {
      // GIVEN two non-isolated pods, one of them with an IP inside 10.0.0.0/24
      const noIp = pod('default', 'cache-0', { role: 'cache' });
      const withIp = pod('default', 'cache-1', { role: 'cache' }, { ip: '10.0.0.9' });
      // WHEN the db connects to each on TCP 5978
      const first = evaluator.evaluate(tcp(db, noIp, 5978));
      const second = evaluator.evaluate(tcp(db, withIp, 5978));
      // THEN the ipBlock matches only the pod with the IP
      expect(first.allowed).toBe(false);
      expect(second.allowed).toBe(true);
    });
  });

  test('pods the policy does not select stay open in both directions', () => {
    // GIVEN the example policy built above
    // WHEN the frontend talks to the backend, and the backend to the internet
    const podToPod = evaluator.evaluate(tcp(frontend, backend, 8080));
    const podToInternet = evaluator.evaluate(tcp(backend, '1.1.1.1', 443));
    // THEN both are allowed without any policy
    expect(podToPod.allowed).toBe(true);
    expect(podToPod.ingress.isolated).toBe(false);
    expect(podToInternet.allowed).toBe(true);
    expect(podToInternet.egress.isolated).toBe(false);
  });
});

describe('default policies', () => {
  const app = pod('shop', 'app-0', { app: 'shop' });
  const other = pod('shop', 'other-0', { app: 'other' });
  const outside = pod('elsewhere', 'client-0', { app: 'client' });
  const denyIngress = policy('shop', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
  const allowAllIngress = policy('shop', 'allow-all-ingress', {
    podSelector: {},
    ingress: [{}],
    policyTypes: ['Ingress'],
  });
  const denyEgress = policy('shop', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
  const allowAllEgress = policy('shop', 'allow-all-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] });
  const denyAll = policy('shop', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('default deny ingress isolates every pod for ingress and leaves egress open', () => {
    // GIVEN only the default-deny-ingress policy
    const evaluator = new NetworkPolicyEvaluator([denyIngress], []);
    // WHEN traffic enters and leaves the namespace
    const inbound = evaluator.evaluate(tcp(outside, app, 80));
    const sameNamespace = evaluator.evaluate(tcp(other, app, 80));
    const outbound = evaluator.evaluate(tcp(app, outside, 80));
    // THEN everything inbound is denied, outbound is allowed
    expect(inbound.allowed).toBe(false);
    expect(sameNamespace.allowed).toBe(false);
    expect(inbound.ingress.isolatedBy).toEqual(['shop/default-deny-ingress']);
    expect(outbound.allowed).toBe(true);
    expect(outbound.egress.isolated).toBe(false);
  });

  test('allow all ingress wins over default deny ingress (policies are additive)', () => {
    // GIVEN both the deny and the allow-all ingress policies
    const evaluator = new NetworkPolicyEvaluator([denyIngress, allowAllIngress], []);
    // WHEN a pod and an external IP connect on odd ports and protocols
    const fromPod = evaluator.evaluate(tcp(outside, app, 12345));
    const fromIp = evaluator.evaluate(udp('203.0.113.7', app, 53));
    // THEN both are allowed by allow-all-ingress
    expect(fromPod.allowed).toBe(true);
    expect(fromPod.ingress.allowedBy).toEqual(['shop/allow-all-ingress']);
    expect(fromIp.allowed).toBe(true);
  });

  test('default deny egress isolates every pod for egress and leaves ingress open', () => {
    // GIVEN only the default-deny-egress policy
    const evaluator = new NetworkPolicyEvaluator([denyEgress], []);
    // WHEN pods of the namespace connect out, and an outside pod connects in
    const toPod = evaluator.evaluate(tcp(app, other, 80));
    const toDns = evaluator.evaluate(udp(app, '10.96.0.10', 53));
    const inbound = evaluator.evaluate(tcp(outside, app, 80));
    // THEN all egress is denied, ingress is allowed
    expect(toPod.allowed).toBe(false);
    expect(toPod.egress.allowed).toBe(false);
    expect(toPod.ingress.allowed).toBe(true);
    expect(toDns.allowed).toBe(false);
    expect(inbound.allowed).toBe(true);
    expect(inbound.ingress.isolated).toBe(false);
  });

  test('allow all egress wins over default deny egress', () => {
    // GIVEN both the deny and the allow-all egress policies
    const evaluator = new NetworkPolicyEvaluator([denyEgress, allowAllEgress], []);
    // WHEN a pod connects to the internet
    const verdict = evaluator.evaluate(tcp(app, '198.51.100.1', 443));
    // THEN allow-all-egress allows it
    expect(verdict.allowed).toBe(true);
    expect(verdict.egress.allowedBy).toEqual(['shop/allow-all-egress']);
    expect(verdict.egress.isolatedBy).toEqual(['shop/allow-all-egress', 'shop/default-deny-egress']);
  });

  test('default deny all blocks both directions, even between pods of the namespace', () => {
    // GIVEN the default-deny-all policy
    const evaluator = new NetworkPolicyEvaluator([denyAll], []);
    // WHEN two pods of the namespace talk
    const verdict = evaluator.evaluate(tcp(app, other, 80));
    // THEN both sides deny, and the reason names both
    expect(verdict.allowed).toBe(false);
    expect(verdict.egress.allowed).toBe(false);
    expect(verdict.ingress.allowed).toBe(false);
    expect(verdict.reason).toBe(
      'egress from shop/app-0 denied: pod is isolated for egress and no rule of [shop/default-deny-all] allows ' +
        'TCP 80 to shop/other-0; ingress to shop/other-0 denied: pod is isolated for ingress and no rule of ' +
        '[shop/default-deny-all] allows TCP 80 from shop/app-0',
    );
  });

  test('policies of one namespace do not affect pods of another', () => {
    // GIVEN default deny all in shop
    const evaluator = new NetworkPolicyEvaluator([denyAll], []);
    // WHEN two pods of another namespace talk
    const peer = pod('elsewhere', 'server-0', { app: 'server' });
    const verdict = evaluator.evaluate(tcp(outside, peer, 80));
    // THEN nothing isolates them
    expect(verdict.allowed).toBe(true);
    expect(verdict.egress.isolated).toBe(false);
    expect(verdict.ingress.isolated).toBe(false);
  });
});

describe('namespaceSelector and podSelector: one peer (AND) versus two peers (OR)', () => {
  const nsList: NamespaceModel[] = [
    { name: 'server', labels: {} },
    { name: 'alice-ns', labels: { user: 'alice' } },
    { name: 'bob-ns', labels: { user: 'bob' } },
  ];
  const server = pod('server', 'api-0', { app: 'api' });
  const aliceClient = pod('alice-ns', 'client-0', { role: 'client' });
  const aliceOther = pod('alice-ns', 'other-0', { role: 'other' });
  const bobClient = pod('bob-ns', 'client-0', { role: 'client' });
  const localClient = pod('server', 'client-0', { role: 'client' });
  const and = policy('server', 'and', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] },
    ],
  });
  const or = policy('server', 'or', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] },
    ],
  });

  test.each([
    ['alice-ns/client-0', true, aliceClient],
    ['alice-ns/other-0', false, aliceOther],
    ['bob-ns/client-0', false, bobClient],
    ['server/client-0', false, localClient],
  ])('AND: one peer with both selectors, from %s: allowed=%s', (_name, expected, client) => {
    // GIVEN the single-peer policy
    const evaluator = new NetworkPolicyEvaluator([and], nsList);
    // WHEN the client connects to the api
    const verdict = evaluator.evaluate(tcp(client, server, 8080));
    // THEN only role=client pods in user=alice namespaces are allowed
    expect(verdict.allowed).toBe(expected);
  });

  test.each([
    ['alice-ns/client-0', true, aliceClient],
    ['alice-ns/other-0', true, aliceOther],
    ['bob-ns/client-0', false, bobClient],
    ['server/client-0', true, localClient],
  ])('OR: two peers, from %s: allowed=%s', (_name, expected, client) => {
    // GIVEN the two-peer policy
    const evaluator = new NetworkPolicyEvaluator([or], nsList);
    // WHEN the client connects to the api
    const verdict = evaluator.evaluate(tcp(client, server, 8080));
    // THEN any pod of a user=alice namespace or a role=client pod of the local namespace is allowed
    expect(verdict.allowed).toBe(expected);
  });

  test('an empty namespaceSelector selects every namespace, and with a podSelector it narrows to those pods', () => {
    // GIVEN a policy allowing role=client pods of all namespaces
    const anyNamespace = policy('server', 'any-ns-client', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([anyNamespace], nsList);
    // WHEN clients and a non-client connect
    // THEN every role=client pod is allowed wherever it lives, other pods are not
    expect(evaluator.evaluate(tcp(bobClient, server, 1)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(pod('unlisted', 'c', { role: 'client' }), server, 1)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(aliceOther, server, 1)).allowed).toBe(false);
    expect(evaluator.evaluate(tcp('192.0.2.1', server, 1)).allowed).toBe(false);
  });
});

describe('port ranges with endPort', () => {
  // GIVEN the documentation's multi-port-egress example (TCP 32000-32768 to 10.0.0.0/24)
  const multiPort = policy('default', 'multi-port-egress', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
  });
  const evaluator = new NetworkPolicyEvaluator([multiPort], []);

  test.each([
    [31999, false],
    [32000, true],
    [32400, true],
    [32768, true],
    [32769, false],
  ])('TCP %d: allowed=%s', (port, expected) => {
    // GIVEN the multi-port-egress policy built above
    // WHEN the db connects to 10.0.0.5 on the port
    const verdict = evaluator.evaluate(tcp(db, '10.0.0.5', port));
    // THEN only ports inside the inclusive range are allowed
    expect(verdict.allowed).toBe(expected);
  });

  test('the range does not cover another protocol', () => {
    // GIVEN the multi-port-egress policy built above
    // WHEN the db uses UDP inside the range
    const verdict = evaluator.evaluate(udp(db, '10.0.0.5', 32000));
    // THEN it is denied and the reason shows the range
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toContain('allow only TCP 32000-32768');
  });
});

describe('targeting a namespace by name with kubernetes.io/metadata.name', () => {
  const allowMonitoring = policy('shop', 'allow-monitoring', {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
  });
  const shopPod = pod('shop', 'app-0', { app: 'shop' });
  const prometheus = pod('monitoring', 'prometheus-0', { app: 'prometheus' });

  test('matches a listed namespace even though its labels omit the automatic label', () => {
    // GIVEN the namespace is listed without labels
    const evaluator = new NetworkPolicyEvaluator([allowMonitoring], [{ name: 'monitoring' }, { name: 'shop' }]);
    // WHEN prometheus scrapes the shop pod
    const verdict = evaluator.evaluate(tcp(prometheus, shopPod, 9090));
    // THEN the automatic label matches
    expect(verdict.allowed).toBe(true);
    expect(evaluator.namespaceLabelsOf('monitoring')).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
  });

  test('matches a namespace that is not listed at all', () => {
    // GIVEN no namespaces are listed
    const evaluator = new NetworkPolicyEvaluator([allowMonitoring], []);
    // WHEN prometheus scrapes the shop pod
    const verdict = evaluator.evaluate(tcp(prometheus, shopPod, 9090));
    // THEN it is still allowed
    expect(verdict.allowed).toBe(true);
  });

  test('cannot be spoofed: the automatic label always holds the real name', () => {
    // GIVEN a namespace whose model claims to be monitoring
    const evaluator = new NetworkPolicyEvaluator(
      [allowMonitoring],
      [{ name: 'intruder', labels: { 'kubernetes.io/metadata.name': 'monitoring' } }],
    );
    // WHEN a pod of that namespace connects
    const verdict = evaluator.evaluate(tcp(pod('intruder', 'x-0', { app: 'prometheus' }), shopPod, 9090));
    // THEN it is denied
    expect(verdict.allowed).toBe(false);
    expect(evaluator.namespaceLabelsOf('intruder')).toEqual({ 'kubernetes.io/metadata.name': 'intruder' });
  });
});

describe('named ports', () => {
  const web = pod('shop', 'web-0', { app: 'web' }, {
    ports: [
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
      { name: 'syslog', containerPort: 5514, protocol: 'UDP' },
    ],
  });
  const client = pod('shop', 'client-0', { app: 'client' }, { ports: [{ name: 'http', containerPort: 3000 }] });
  const ingressByName = policy('shop', 'web-by-name', {
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ ports: [{ port: 'http' }, { port: 'syslog', protocol: 'UDP' }, { port: 'metrics', protocol: 'UDP' }] }],
  });

  test('a named port matches the destination container port with that name and protocol', () => {
    // GIVEN an ingress rule on named ports
    const evaluator = new NetworkPolicyEvaluator([ingressByName], []);
    // WHEN the client uses the number behind "http" (TCP) and "syslog" (UDP)
    // THEN both are allowed
    expect(evaluator.evaluate(tcp(client, web, 8080)).allowed).toBe(true);
    expect(evaluator.evaluate(udp(client, web, 5514)).allowed).toBe(true);
  });

  test('a named port does not match another number or a protocol mismatch', () => {
    // GIVEN an ingress rule on named ports
    const evaluator = new NetworkPolicyEvaluator([ingressByName], []);
    // WHEN the client uses a different number, or UDP for the TCP port "http",
    // or the rule asks UDP "metrics" while the container port "metrics" is TCP
    // THEN all are denied
    expect(evaluator.evaluate(tcp(client, web, 80)).allowed).toBe(false);
    expect(evaluator.evaluate(udp(client, web, 8080)).allowed).toBe(false);
    expect(evaluator.evaluate(udp(client, web, 9100)).allowed).toBe(false);
    expect(evaluator.evaluate(tcp(client, web, 9100)).allowed).toBe(false);
  });

  test('an egress rule resolves a named port on the destination pod, not on the source', () => {
    // GIVEN the client may only send to named port "http"
    const egressByName = policy('shop', 'client-egress', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([egressByName], []);
    // WHEN the client connects to web on web's "http" (8080) and on its own "http" number (3000)
    // THEN only the destination's number is allowed
    expect(evaluator.evaluate(tcp(client, web, 8080)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(client, web, 3000)).allowed).toBe(false);
  });

  test('a named port never matches an IP destination', () => {
    // GIVEN the client may only send to named port "http"
    const egressByName = policy('shop', 'client-egress', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([egressByName], []);
    // WHEN the client connects to an external IP on 8080
    const verdict = evaluator.evaluate(tcp(client, '198.51.100.20', 8080));
    // THEN it is denied and the reason explains the named port
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toContain('a named port never matches an IP destination');
  });
});

describe('policyTypes defaulting', () => {
  const client = pod('default', 'client-0', { role: 'client' });

  test('a policy with only egress rules and no policyTypes also isolates ingress', () => {
    // GIVEN an egress rule without policyTypes (defaulted to Ingress + Egress)
    const egressOnly = policy('default', 'db-egress', {
      podSelector: { matchLabels: { role: 'db' } },
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([egressOnly], []);
    // WHEN the db is reached and reaches out
    const inbound = evaluator.evaluate(tcp(client, db, 5432));
    const outboundAllowed = evaluator.evaluate(tcp(db, '10.0.0.3', 443));
    const outboundDenied = evaluator.evaluate(tcp(db, '10.0.1.3', 443));
    // THEN ingress is denied (no ingress rules) and egress follows the rule
    expect(effectivePolicyTypes(egressOnly.spec)).toEqual(['Ingress', 'Egress']);
    expect(inbound.allowed).toBe(false);
    expect(inbound.ingress.isolatedBy).toEqual(['default/db-egress']);
    expect(outboundAllowed.allowed).toBe(true);
    expect(outboundDenied.allowed).toBe(false);
  });

  test('an ingress policy with no rules denies all ingress', () => {
    // GIVEN a policy with neither rules nor policyTypes
    const empty = policy('default', 'db-lockdown', { podSelector: { matchLabels: { role: 'db' } } });
    const evaluator = new NetworkPolicyEvaluator([empty], []);
    // WHEN the client connects to the db and the db connects out
    const inbound = evaluator.evaluate(tcp(client, db, 5432));
    const outbound = evaluator.evaluate(tcp(db, '1.1.1.1', 443));
    // THEN ingress is denied, egress stays open
    expect(effectivePolicyTypes(empty.spec)).toEqual(['Ingress']);
    expect(inbound.allowed).toBe(false);
    expect(outbound.allowed).toBe(true);
  });

  test('an empty egress list does not add Egress, and an empty policyTypes list counts as missing', () => {
    // GIVEN policies with `egress: []` and with `policyTypes: []`
    const emptyEgress = policy('default', 'empty-egress', { podSelector: {}, egress: [] });
    const emptyTypes = policy('default', 'empty-types', { podSelector: {}, policyTypes: [], egress: [{}] });
    // WHEN their effective types are computed
    // THEN the first only affects ingress, the second ingress and egress
    expect(effectivePolicyTypes(emptyEgress.spec)).toEqual(['Ingress']);
    expect(effectivePolicyTypes(emptyTypes.spec)).toEqual(['Ingress', 'Egress']);
    const evaluator = new NetworkPolicyEvaluator([emptyEgress], []);
    expect(evaluator.evaluate(tcp(db, '1.1.1.1', 443)).egress.isolated).toBe(false);
  });

  test('explicit policyTypes Egress ignores ingress rules and keeps ingress open', () => {
    // GIVEN an Egress-only policy that also carries (ignored) ingress rules
    const egressTyped = policy('default', 'egress-typed', {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'nobody' } } }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([egressTyped], []);
    // WHEN the client reaches the db, and the db reaches outside its block
    const inbound = evaluator.evaluate(tcp(client, db, 5432));
    const outbound = evaluator.evaluate(tcp(db, '192.0.2.1', 443));
    // THEN isolation is per direction: ingress open, egress restricted
    expect(inbound.allowed).toBe(true);
    expect(inbound.ingress.isolated).toBe(false);
    expect(outbound.allowed).toBe(false);
  });
});

describe('connections across tenant namespaces need both sides', () => {
  const web = pod('dwayne', 'web', { app: 'web' });
  const mysql = pod('mysql', 'mysql-0', { app: 'mysql' });
  const dwayneDeny = policy('dwayne', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const mysqlDeny = policy('mysql', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  const dwayneToMysql = policy('dwayne', 'to-mysql', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Egress'],
    egress: [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mysql' } }, podSelector: { matchLabels: { app: 'mysql' } } }],
        ports: [{ port: 3306 }],
      },
    ],
  });
  const mysqlFromDwayne = policy('mysql', 'from-dwayne', {
    podSelector: { matchLabels: { app: 'mysql' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { tenant: 'dwayne' } } }], ports: [{ port: 3306 }] }],
  });
  const nsList = [{ name: 'dwayne', labels: { tenant: 'dwayne' } }, { name: 'mysql' }];

  test('egress alone is not enough', () => {
    // GIVEN both namespaces deny by default and only dwayne allows egress to mysql
    const evaluator = new NetworkPolicyEvaluator([dwayneDeny, mysqlDeny, dwayneToMysql], nsList);
    // WHEN web connects to mysql
    const verdict = evaluator.evaluate(tcp(web, mysql, 3306));
    // THEN egress allows it but ingress denies it
    expect(verdict.egress.allowed).toBe(true);
    expect(verdict.egress.allowedBy).toEqual(['dwayne/to-mysql']);
    expect(verdict.ingress.allowed).toBe(false);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toBe(
      'ingress to mysql/mysql-0 denied: pod is isolated for ingress and no rule of [mysql/default-deny] allows ' +
        'TCP 3306 from dwayne/web',
    );
  });

  test('ingress alone is not enough', () => {
    // GIVEN only mysql allows ingress from dwayne
    const evaluator = new NetworkPolicyEvaluator([dwayneDeny, mysqlDeny, mysqlFromDwayne], nsList);
    // WHEN web connects to mysql
    const verdict = evaluator.evaluate(tcp(web, mysql, 3306));
    // THEN the egress side denies it, in a sentence a user can act on
    expect(verdict.allowed).toBe(false);
    expect(verdict.ingress.allowed).toBe(true);
    expect(verdict.reason).toBe(
      'egress from dwayne/web denied: pod is isolated for egress and no rule of [dwayne/default-deny] allows ' +
        'TCP 3306 to mysql/mysql-0',
    );
  });

  test('both sides together allow exactly the declared flow', () => {
    // GIVEN both flow policies
    const evaluator = new NetworkPolicyEvaluator([dwayneDeny, mysqlDeny, dwayneToMysql, mysqlFromDwayne], nsList);
    // WHEN web connects to mysql on 3306 and on 33060
    const flow = evaluator.evaluate(tcp(web, mysql, 3306));
    const otherPort = evaluator.evaluate(tcp(web, mysql, 33060));
    // THEN only the declared port is allowed
    expect(flow.allowed).toBe(true);
    expect(flow.reason).toBe(
      'TCP 3306 from dwayne/web to mysql/mysql-0 is allowed: egress of dwayne/web allowed by [dwayne/to-mysql]; ' +
        'ingress of mysql/mysql-0 allowed by [mysql/from-dwayne]',
    );
    expect(otherPort.allowed).toBe(false);
  });

  test('a third tenant matching neither namespace selector stays out', () => {
    // GIVEN both flow policies and a third tenant without any policy
    const evaluator = new NetworkPolicyEvaluator([dwayneDeny, mysqlDeny, dwayneToMysql, mysqlFromDwayne], [
      ...nsList,
      { name: 'alice', labels: { tenant: 'alice' } },
    ]);
    // WHEN alice's pod connects to mysql
    const verdict = evaluator.evaluate(tcp(pod('alice', 'app-0', { app: 'web' }), mysql, 3306));
    // THEN mysql's ingress denies it
    expect(verdict.allowed).toBe(false);
    expect(verdict.egress.isolated).toBe(false);
  });
});

describe('Kubernetes exceptions', () => {
  const locked = pod('shop', 'app-0', { app: 'shop' });
  const denyAll = policy('shop', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

  test('a pod cannot block traffic to itself', () => {
    // GIVEN default deny all
    const evaluator = new NetworkPolicyEvaluator([denyAll], []);
    // WHEN the pod connects to itself
    const verdict = evaluator.evaluate(tcp(locked, locked, 8080));
    // THEN it is allowed
    expect(verdict.allowed).toBe(true);
    expect(verdict.reason).toBe('TCP 8080 from shop/app-0 to itself is allowed: a pod cannot block traffic to itself');
  });

  test('traffic between a pod and its own node is always allowed', () => {
    // GIVEN default deny all
    const evaluator = new NetworkPolicyEvaluator([denyAll], []);
    // WHEN the kubelet probes the pod, and the pod reaches its node
    const probe = evaluator.evaluate({ from: { ip: '192.168.1.10', localNode: true }, to: { pod: locked }, port: 8080 });
    const toNode = evaluator.evaluate({ from: { pod: locked }, to: { ip: '192.168.1.10', localNode: true }, port: 10250 });
    const otherNode = evaluator.evaluate(tcp('192.168.1.11', locked, 8080));
    // THEN both are allowed, while another node is not
    expect(probe.allowed).toBe(true);
    expect(probe.ingress.isolated).toBe(true);
    expect(toNode.allowed).toBe(true);
    expect(otherNode.allowed).toBe(false);
  });
});

describe('ipBlock', () => {
  const target = pod('net', 'target-0', { app: 'target' });

  test('matches pods that have an IP, on ingress too', () => {
    // GIVEN an ingress rule from 10.244.1.0/24 except 10.244.1.128/25
    const fromBlock = policy('net', 'from-block', {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24', except: ['10.244.1.128/25'] } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([fromBlock], []);
    // WHEN pods with IPs inside, inside the exception, and without an IP connect
    const inside = pod('other', 'a', {}, { ip: '10.244.1.5' });
    const excepted = pod('other', 'b', {}, { ip: '10.244.1.200' });
    const unknown = pod('other', 'c', {});
    // THEN only the pod inside the block and outside the exception is allowed
    expect(evaluator.evaluate(tcp(inside, target, 80)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(excepted, target, 80)).allowed).toBe(false);
    expect(evaluator.evaluate(tcp(unknown, target, 80)).allowed).toBe(false);
  });

  test('0.0.0.0/0 matches every IPv4 address but no IPv6 address', () => {
    // GIVEN egress to 0.0.0.0/0
    const anywhere = policy('net', 'anywhere', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([anywhere], []);
    // WHEN the pod connects to IPv4 and IPv6 addresses
    // THEN IPv4 is allowed, IPv6 is not
    expect(evaluator.evaluate(tcp(target, '255.255.255.255', 443)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(target, '0.0.0.0', 443)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(target, '2001:db8::1', 443)).allowed).toBe(false);
  });

  test('IPv6 blocks and exceptions', () => {
    // GIVEN egress to 2001:db8::/64 except 2001:db8::ff00/120
    const v6 = policy('net', 'v6', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/64', except: ['2001:db8::ff00/120'] } }] }],
    });
    const evaluator = new NetworkPolicyEvaluator([v6], []);
    // WHEN the pod connects inside, inside the exception, and outside
    // THEN only inside-and-not-excepted is allowed
    expect(evaluator.evaluate(tcp(target, '2001:db8::1', 443)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(target, '2001:db8:0:0:ffff:ffff:ffff:ffff', 443)).allowed).toBe(true);
    expect(evaluator.evaluate(tcp(target, '2001:db8::ff42', 443)).allowed).toBe(false);
    expect(evaluator.evaluate(tcp(target, '2001:db8:0:1::1', 443)).allowed).toBe(false);
    expect(evaluator.evaluate(tcp(target, '10.0.0.1', 443)).allowed).toBe(false);
  });
});

describe('rules with empty or partial fields', () => {
  const target = pod('app', 'svc-0', { app: 'svc' });
  const client = pod('app', 'client-0', { app: 'client' });

  test('empty from and empty ports match everything; a port without number matches every port of its protocol', () => {
    // GIVEN a rule with `from: []`, `ports: []` and another with only UDP
    const open = policy('app', 'open', { podSelector: { matchLabels: { app: 'svc' } }, ingress: [{ from: [], ports: [] }] });
    const udpOnly = policy('app', 'udp-only', {
      podSelector: { matchLabels: { app: 'svc' } },
      ingress: [{ ports: [{ protocol: 'UDP' }] }],
    });
    // WHEN connections use several ports and protocols
    const openEval = new NetworkPolicyEvaluator([open], []);
    const udpEval = new NetworkPolicyEvaluator([udpOnly], []);
    // THEN the open rule allows all, the UDP rule allows every UDP port and no TCP
    expect(openEval.evaluate({ from: { pod: client }, to: { pod: target }, port: 1, protocol: 'SCTP' }).allowed).toBe(true);
    expect(openEval.evaluate(tcp('203.0.113.9', target, 65535)).allowed).toBe(true);
    expect(udpEval.evaluate(udp(client, target, 53)).allowed).toBe(true);
    expect(udpEval.evaluate(udp(client, target, 65535)).allowed).toBe(true);
    expect(udpEval.evaluate(tcp(client, target, 53)).allowed).toBe(false);
  });

  test('a missing spec.podSelector selects every pod of the namespace (the API stores an empty selector)', () => {
    // GIVEN a policy without podSelector
    const noSelector = policy('app', 'no-selector', { policyTypes: ['Ingress'] });
    const evaluator = new NetworkPolicyEvaluator([noSelector], []);
    // WHEN a pod of the namespace is reached
    const verdict = evaluator.evaluate(tcp(client, target, 80));
    // THEN it is isolated
    expect(verdict.ingress.isolatedBy).toEqual(['app/no-selector']);
    expect(verdict.allowed).toBe(false);
  });

  test('allowedBy lists each allowing policy once, sorted', () => {
    // GIVEN two policies that both allow the connection, one of them through two rules
    const b = policy('app', 'b-policy', { podSelector: {}, ingress: [{}, { ports: [{ port: 80 }] }] });
    const a = policy('app', 'a-policy', { podSelector: { matchLabels: { app: 'svc' } }, ingress: [{ from: [{ podSelector: {} }] }] });
    const evaluator = new NetworkPolicyEvaluator([b, a], []);
    // WHEN the client connects
    const verdict = evaluator.evaluate(tcp(client, target, 80));
    // THEN both are listed once, in order
    expect(verdict.ingress.allowedBy).toEqual(['app/a-policy', 'app/b-policy']);
  });
});
