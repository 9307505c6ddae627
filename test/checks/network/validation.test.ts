import { UserError } from '../../../lib/core/errors';
import { NetworkPolicyEvaluator, validateNetworkPolicy } from '../../../lib/checks/network/evaluator';
import { pod, policy, tcp } from './fixtures';

function ingressFrom(peers: unknown[], ports?: unknown[]): Record<string, unknown> {
  return policy('ns', 'p', { podSelector: {}, ingress: [{ from: peers, ...(ports ? { ports } : {}) }] });
}

describe('validateNetworkPolicy', () => {
  test('accepts the documented shapes', () => {
    // GIVEN a policy using every peer and port form
    const valid = ingressFrom(
      [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } }, podSelector: {} },
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['frontend'] }] } },
      ],
      [{ protocol: 'TCP', port: 6379 }, { port: 'http' }, { protocol: 'UDP' }, { port: 32000, endPort: 32768 }],
    );
    // WHEN it is validated
    // THEN there are no problems
    expect(validateNetworkPolicy(valid)).toEqual([]);
  });

  test.each([
    [
      'ipBlock combined with a selector',
      ingressFrom([{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }]),
      'spec.ingress[0].from[0] may not combine ipBlock with podSelector or namespaceSelector',
    ],
    [
      'an empty peer',
      ingressFrom([{}]),
      'spec.ingress[0].from[0] must specify podSelector, namespaceSelector or ipBlock (an empty peer is rejected by the API server)',
    ],
    [
      'an except outside the cidr',
      ingressFrom([{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.18.0.0/24'] } }]),
      'spec.ingress[0].from[0].ipBlock.except[0] (172.18.0.0/24) must be a strict subset of cidr 172.17.0.0/16',
    ],
    [
      'a malformed cidr',
      ingressFrom([{ ipBlock: { cidr: '10.0.0.0' } }]),
      'spec.ingress[0].from[0].ipBlock.cidr must be a CIDR like 10.0.0.0/24 or 2001:db8::/64, got "10.0.0.0"',
    ],
    [
      'endPort with a named port',
      ingressFrom([], [{ port: 'http', endPort: 90 }]),
      'spec.ingress[0].ports[0].endPort may not be set when port is a named port ("http")',
    ],
    [
      'endPort without port',
      ingressFrom([], [{ endPort: 90 }]),
      'spec.ingress[0].ports[0].endPort may not be set without port',
    ],
    [
      'endPort below port',
      ingressFrom([], [{ port: 100, endPort: 90 }]),
      'spec.ingress[0].ports[0].endPort (90) must be greater than or equal to port (100)',
    ],
    [
      'an unknown protocol',
      ingressFrom([], [{ protocol: 'ICMP' }]),
      'spec.ingress[0].ports[0].protocol must be one of TCP, UDP, SCTP, got "ICMP"',
    ],
    [
      'port 0',
      ingressFrom([], [{ port: 0 }]),
      'spec.ingress[0].ports[0].port must be a number 1-65535 or a port name, got 0',
    ],
    [
      'a numeric string as port',
      ingressFrom([], [{ port: '80' }]),
      'spec.ingress[0].ports[0].port must be a number 1-65535 or a port name (IANA_SVC_NAME), got "80"',
    ],
    [
      'an unknown policy type',
      policy('ns', 'p', { podSelector: {}, policyTypes: ['Ingress', 'Both'] }),
      'spec.policyTypes[1] must be Ingress or Egress, got "Both"',
    ],
    [
      '`from` on an egress rule',
      policy('ns', 'p', { podSelector: {}, egress: [{ from: [{ podSelector: {} }] }] }),
      'spec.egress[0] has unknown field "from"',
    ],
    [
      'a missing namespace',
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: {} } },
      'metadata.namespace is required',
    ],
  ])('rejects %s', (_name, invalid, problem) => {
    // GIVEN an invalid policy
    // WHEN it is validated
    const problems = validateNetworkPolicy(invalid);
    // THEN the problem is reported with its path
    expect(problems).toContain(problem);
  });
});

describe('NetworkPolicyEvaluator input checks', () => {
  test('the constructor throws a UserError listing every problem of every policy', () => {
    // GIVEN two invalid policies and a duplicate
    const bad = [
      ingressFrom([{}]),
      policy('ns', 'q', { podSelector: {}, policyTypes: ['Sideways'] }),
      policy('ns', 'q', { podSelector: {} }),
    ];
    // WHEN an evaluator is built
    let caught: unknown;
    try {
      new NetworkPolicyEvaluator(bad, []);
    } catch (error) {
      caught = error;
    }
    // THEN one UserError names all problems
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).problems).toEqual([
      'NetworkPolicy ns/p: spec.ingress[0].from[0] must specify podSelector, namespaceSelector or ipBlock (an empty peer is rejected by the API server)',
      'NetworkPolicy ns/q: spec.policyTypes[0] must be Ingress or Egress, got "Sideways"',
      'NetworkPolicy ns/q is defined more than once',
    ]);
  });

  test('a connection with a bad IP or port is a programming error', () => {
    // GIVEN an evaluator without policies
    const evaluator = new NetworkPolicyEvaluator([], []);
    const someone = pod('ns', 'a');
    // WHEN connections with a malformed IP or an out-of-range port are evaluated
    // THEN they throw
    expect(() => evaluator.evaluate(tcp(someone, '10.0.0.300', 80))).toThrow('connection.to.ip is not an IP address: "10.0.0.300"');
    expect(() => evaluator.evaluate(tcp(someone, '10.0.0.3', 70000))).toThrow('connection port must be a number 1-65535, got 70000');
  });

  test('without any policy every connection is allowed', () => {
    // GIVEN an evaluator without policies
    const evaluator = new NetworkPolicyEvaluator([], []);
    // WHEN two pods talk
    const verdict = evaluator.evaluate(tcp(pod('a', 'x'), pod('b', 'y'), 443));
    // THEN it is allowed and both sides say they are open
    expect(verdict.allowed).toBe(true);
    expect(verdict.reason).toBe(
      'TCP 443 from a/x to b/y is allowed: egress of a/x is open (no policy selects it for egress); ' +
        'ingress of b/y is open (no policy selects it for ingress)',
    );
  });
});
