/**
 * Decides whether one connection is allowed by a set of `networking.k8s.io/v1` NetworkPolicy objects,
 * given as plain JSON exactly as they appear in a manifest.
 *
 * The semantics follow the Kubernetes "Network Policies" concept page and the NetworkPolicy API reference:
 *
 * - A connection is allowed when the source pod's egress side AND the destination pod's ingress side allow it.
 *   A side that is not a pod (an IP outside the pod network) has no policies.
 * - A pod is isolated for a direction when some policy of its namespace selects it (spec.podSelector) and has
 *   that direction in its effective policyTypes. A non-isolated side allows everything.
 * - Effective policyTypes, when the list is missing or empty: Ingress always, plus Egress when spec.egress has
 *   at least one rule (the API server's defaulting: `len(egress) != 0`).
 * - Policies are additive: an isolated side allows what any rule of any selecting policy allows.
 * - A rule with no / empty `from`/`to` matches every peer; no / empty `ports` matches every port and protocol.
 * - Peers: podSelector alone = pods of the policy's namespace; namespaceSelector alone = every pod of the matching
 *   namespaces; both in one peer = AND; entries of the list = OR. ipBlock matches IP endpoints and pods that have
 *   an `ip` (as Calico does), minus `except`.
 * - Namespaces always carry `kubernetes.io/metadata.name: <name>` (set by the API server, it cannot differ).
 * - Ports: protocol defaults to TCP; a named port resolves on the destination pod's container ports (name and
 *   protocol must match), also for egress rules, and never matches an IP destination; endPort makes an
 *   inclusive range.
 * - Exceptions from the concept page: a pod cannot block traffic to itself, and traffic between a pod and the
 *   node it runs on is always allowed (model the node as `{ ip, localNode: true }`).
 *
 * Policies are validated like the API server would (peer shape, CIDRs, ports, selectors); invalid ones make the
 * constructor throw a {@link UserError} that lists every problem.
 */
import { UserError } from '../../core/errors';
import { Cidr, IpAddress, cidrContains, cidrStrictlyContains, parseCidr, parseIp } from './cidr';
import { matchesLabelSelector, validateLabelSelector } from './selector';

export { matchesLabelSelector, validateLabelSelector } from './selector';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface NamespaceModel {
  readonly name: string;
  readonly labels?: Record<string, string>;
}

export interface ContainerPortModel {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: Protocol;
}

export interface PodModel {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Record<string, string>;
  /** All container ports of the pod (used to resolve named ports). */
  readonly ports?: ContainerPortModel[];
  /** Optional; lets ipBlock rules match the pod (as Calico does). */
  readonly ip?: string;
}

/**
 * A pod, or an IP outside the pod network (node, API server, internet).
 * `localNode: true` marks the IP as the node the pod on the other end runs on: that traffic is always allowed.
 */
export type Endpoint = { readonly pod: PodModel } | { readonly ip: string; readonly localNode?: boolean };

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

export interface DirectionVerdict {
  /** False when that side is not a pod (no policy can apply). */
  readonly applies: boolean;
  /** Some policy selects the pod for this direction. */
  readonly isolated: boolean;
  /** Not isolated, or some rule of a selecting policy allows it (or a Kubernetes exception applies). */
  readonly allowed: boolean;
  /** "namespace/name" of the policies whose rules allow it (sorted). */
  readonly allowedBy: string[];
  /** "namespace/name" of the policies that select the pod for this direction (sorted). */
  readonly isolatedBy: string[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** One human sentence. */
  readonly reason: string;
}

const PROTOCOLS: readonly string[] = ['TCP', 'UDP', 'SCTP'];
const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

interface PortSpec {
  readonly protocol: Protocol;
  /** undefined = every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

type Peer =
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr; readonly except: readonly Cidr[] }
  | { readonly kind: 'selector'; readonly podSelector?: unknown; readonly namespaceSelector?: unknown };

interface Rule {
  /** undefined = every peer. */
  readonly peers?: readonly Peer[];
  /** undefined = every port. */
  readonly ports?: readonly PortSpec[];
}

interface CompiledPolicy {
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: unknown;
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
}

type Direction = 'ingress' | 'egress';

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** IANA_SVC_NAME, the form of a named port: 1-15 of [a-z0-9-], at least one letter, no leading/trailing/double '-'. */
function isPortName(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value) &&
    /[a-z]/.test(value) &&
    !value.includes('--')
  );
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/**
 * The policyTypes Kubernetes stores for this spec: the list as given when non-empty; otherwise Ingress,
 * plus Egress when the spec has at least one egress rule.
 */
export function effectivePolicyTypes(spec: any): Array<'Ingress' | 'Egress'> {
  const given = isPlainObject(spec) ? spec.policyTypes : undefined;
  if (Array.isArray(given) && given.length > 0) {
    return (['Ingress', 'Egress'] as const).filter((t) => given.includes(t));
  }
  const egress = isPlainObject(spec) ? spec.egress : undefined;
  return Array.isArray(egress) && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function policyLabel(policy: unknown, index: number): string {
  const meta = isPlainObject(policy) && isPlainObject(policy.metadata) ? policy.metadata : {};
  const ns = typeof meta.namespace === 'string' ? meta.namespace : '?';
  const name = typeof meta.name === 'string' ? meta.name : `#${index}`;
  return `NetworkPolicy ${ns}/${name}`;
}

function compilePeer(peer: unknown, at: string, problems: string[]): Peer | undefined {
  if (!isPlainObject(peer)) {
    problems.push(`${at} must be an object with podSelector, namespaceSelector or ipBlock`);
    return undefined;
  }
  for (const key of Object.keys(peer)) {
    if (!['podSelector', 'namespaceSelector', 'ipBlock'].includes(key)) {
      problems.push(`${at} has unknown field "${key}"`);
    }
  }
  const hasPod = !isAbsent(peer.podSelector);
  const hasNs = !isAbsent(peer.namespaceSelector);
  const hasIp = !isAbsent(peer.ipBlock);
  if (hasIp) {
    if (hasPod || hasNs) {
      problems.push(`${at} may not combine ipBlock with podSelector or namespaceSelector`);
      return undefined;
    }
    const block = peer.ipBlock;
    if (!isPlainObject(block)) {
      problems.push(`${at}.ipBlock must be an object with cidr and except`);
      return undefined;
    }
    const cidr = parseCidr(block.cidr);
    if (cidr === undefined) {
      problems.push(`${at}.ipBlock.cidr must be a CIDR like 10.0.0.0/24 or 2001:db8::/64, got ${JSON.stringify(block.cidr)}`);
      return undefined;
    }
    const except: Cidr[] = [];
    if (!isAbsent(block.except)) {
      if (!Array.isArray(block.except)) {
        problems.push(`${at}.ipBlock.except must be a list of CIDRs`);
        return undefined;
      }
      block.except.forEach((text: unknown, j: number) => {
        const parsed = parseCidr(text as string);
        if (parsed === undefined) {
          problems.push(`${at}.ipBlock.except[${j}] must be a CIDR, got ${JSON.stringify(text)}`);
        } else if (!cidrStrictlyContains(cidr, parsed)) {
          problems.push(`${at}.ipBlock.except[${j}] (${parsed.text}) must be a strict subset of cidr ${cidr.text}`);
        } else {
          except.push(parsed);
        }
      });
    }
    return { kind: 'ipBlock', cidr, except };
  }
  if (!hasPod && !hasNs) {
    problems.push(`${at} must specify podSelector, namespaceSelector or ipBlock (an empty peer is rejected by the API server)`);
    return undefined;
  }
  const before = problems.length;
  if (hasPod) problems.push(...validateLabelSelector(peer.podSelector, `${at}.podSelector`));
  if (hasNs) problems.push(...validateLabelSelector(peer.namespaceSelector, `${at}.namespaceSelector`));
  if (problems.length > before) return undefined;
  return {
    kind: 'selector',
    podSelector: hasPod ? peer.podSelector : undefined,
    namespaceSelector: hasNs ? peer.namespaceSelector : undefined,
  };
}

function compilePort(port: unknown, at: string, problems: string[]): PortSpec | undefined {
  if (!isPlainObject(port)) {
    problems.push(`${at} must be an object with protocol, port and endPort`);
    return undefined;
  }
  for (const key of Object.keys(port)) {
    if (!['protocol', 'port', 'endPort'].includes(key)) problems.push(`${at} has unknown field "${key}"`);
  }
  const before = problems.length;
  const protocol = isAbsent(port.protocol) ? 'TCP' : port.protocol;
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
    problems.push(`${at}.protocol must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(port.protocol)}`);
  }
  const value = isAbsent(port.port) ? undefined : port.port;
  if (value !== undefined) {
    if (typeof value === 'string') {
      if (!isPortName(value)) {
        problems.push(`${at}.port must be a number 1-65535 or a port name (IANA_SVC_NAME), got ${JSON.stringify(value)}`);
      }
    } else if (!isPortNumber(value)) {
      problems.push(`${at}.port must be a number 1-65535 or a port name, got ${JSON.stringify(value)}`);
    }
  }
  const endPort = isAbsent(port.endPort) ? undefined : port.endPort;
  if (endPort !== undefined) {
    if (value === undefined) {
      problems.push(`${at}.endPort may not be set without port`);
    } else if (typeof value === 'string') {
      problems.push(`${at}.endPort may not be set when port is a named port ("${value}")`);
    } else if (!isPortNumber(endPort)) {
      problems.push(`${at}.endPort must be a number 1-65535, got ${JSON.stringify(endPort)}`);
    } else if (isPortNumber(value) && endPort < value) {
      problems.push(`${at}.endPort (${endPort}) must be greater than or equal to port (${value})`);
    }
  }
  if (problems.length > before) return undefined;
  return { protocol: protocol as Protocol, port: value, endPort };
}

function compileRules(rules: unknown, field: Direction, at: string, problems: string[]): Rule[] {
  if (isAbsent(rules)) return [];
  if (!Array.isArray(rules)) {
    problems.push(`${at}.${field} must be a list of rules`);
    return [];
  }
  const peerField = field === 'ingress' ? 'from' : 'to';
  return rules.map((rule: unknown, i: number) => {
    const ruleAt = `${at}.${field}[${i}]`;
    if (!isPlainObject(rule)) {
      problems.push(`${ruleAt} must be an object with ${peerField} and ports`);
      return { peers: [], ports: [] };
    }
    for (const key of Object.keys(rule)) {
      if (key !== peerField && key !== 'ports') problems.push(`${ruleAt} has unknown field "${key}"`);
    }
    let peers: Peer[] | undefined;
    const rawPeers = rule[peerField];
    if (!isAbsent(rawPeers)) {
      if (!Array.isArray(rawPeers)) {
        problems.push(`${ruleAt}.${peerField} must be a list of peers`);
      } else if (rawPeers.length > 0) {
        peers = [];
        rawPeers.forEach((peer: unknown, j: number) => {
          const compiled = compilePeer(peer, `${ruleAt}.${peerField}[${j}]`, problems);
          if (compiled) peers!.push(compiled);
        });
      }
    }
    let ports: PortSpec[] | undefined;
    if (!isAbsent(rule.ports)) {
      if (!Array.isArray(rule.ports)) {
        problems.push(`${ruleAt}.ports must be a list`);
      } else if (rule.ports.length > 0) {
        ports = [];
        rule.ports.forEach((port: unknown, j: number) => {
          const compiled = compilePort(port, `${ruleAt}.ports[${j}]`, problems);
          if (compiled) ports!.push(compiled);
        });
      }
    }
    return { peers, ports };
  });
}

function compilePolicy(policy: unknown, problems: string[]): CompiledPolicy | undefined {
  const before = problems.length;
  if (!isPlainObject(policy)) {
    problems.push(`a NetworkPolicy must be an object, got ${JSON.stringify(policy)}`);
    return undefined;
  }
  if (!isAbsent(policy.kind) && policy.kind !== 'NetworkPolicy') {
    problems.push(`kind must be NetworkPolicy, got ${JSON.stringify(policy.kind)}`);
  }
  if (!isAbsent(policy.apiVersion) && policy.apiVersion !== 'networking.k8s.io/v1') {
    problems.push(`apiVersion must be networking.k8s.io/v1, got ${JSON.stringify(policy.apiVersion)}`);
  }
  const meta = isPlainObject(policy.metadata) ? policy.metadata : {};
  if (typeof meta.name !== 'string' || meta.name === '') problems.push('metadata.name is required');
  if (typeof meta.namespace !== 'string' || meta.namespace === '') problems.push('metadata.namespace is required');
  // spec and spec.podSelector are plain (non-pointer) structs in the Go types: absent means empty,
  // i.e. "select every pod of the namespace".
  const spec = isAbsent(policy.spec) ? {} : policy.spec;
  if (!isPlainObject(spec)) {
    problems.push('spec must be an object');
    return undefined;
  }
  for (const key of Object.keys(spec)) {
    if (!['podSelector', 'policyTypes', 'ingress', 'egress'].includes(key)) problems.push(`spec has unknown field "${key}"`);
  }
  const podSelector = isAbsent(spec.podSelector) ? {} : spec.podSelector;
  problems.push(...validateLabelSelector(podSelector, 'spec.podSelector'));
  if (!isAbsent(spec.policyTypes)) {
    if (!Array.isArray(spec.policyTypes)) {
      problems.push('spec.policyTypes must be a list');
    } else {
      spec.policyTypes.forEach((t: unknown, i: number) => {
        if (t !== 'Ingress' && t !== 'Egress') {
          problems.push(`spec.policyTypes[${i}] must be Ingress or Egress, got ${JSON.stringify(t)}`);
        }
      });
    }
  }
  const ingress = compileRules(spec.ingress, 'ingress', 'spec', problems);
  const egress = compileRules(spec.egress, 'egress', 'spec', problems);
  if (problems.length > before) return undefined;
  const types = effectivePolicyTypes(spec);
  return {
    id: `${meta.namespace}/${meta.name}`,
    namespace: meta.namespace,
    podSelector,
    affectsIngress: types.includes('Ingress'),
    affectsEgress: types.includes('Egress'),
    ingress,
    egress,
  };
}

/** Problems that would make the API server reject this NetworkPolicy (or make it meaningless here). */
export function validateNetworkPolicy(policy: unknown): string[] {
  const problems: string[] = [];
  compilePolicy(policy, problems);
  return problems;
}

function describeEndpoint(endpoint: Endpoint): string {
  return 'pod' in endpoint ? `${endpoint.pod.namespace}/${endpoint.pod.name}` : endpoint.ip;
}

function describePortSpec(spec: PortSpec): string {
  if (spec.port === undefined) return `${spec.protocol} any port`;
  if (typeof spec.port === 'string') return `${spec.protocol} named port "${spec.port}"`;
  if (spec.endPort !== undefined && spec.endPort !== spec.port) return `${spec.protocol} ${spec.port}-${spec.endPort}`;
  return `${spec.protocol} ${spec.port}`;
}

function list(ids: readonly string[]): string {
  return `[${ids.join(', ')}]`;
}

function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

interface DirectionResult extends DirectionVerdict {
  /** Why it is denied, when it is (a clause for the reason sentence). */
  readonly denial?: () => string;
  /** How it is allowed (a clause for the reason sentence), written when read. */
  readonly grant: () => string;
}

interface IndexedRule {
  readonly policy: CompiledPolicy;
  readonly rule: Rule;
  /** Position in policy order, so rules are visited in the same order whatever index found them. */
  readonly order: number;
}

/**
 * The rules of the policies selecting one pod for one direction, indexed by the namespace a rule's peers name:
 * a rule whose every peer names its namespace (`kubernetes.io/metadata.name`, or a podSelector alone, which means
 * the policy's own namespace) is only looked at for peers in those namespaces; every other rule (no peers, label
 * selectors, ipBlocks) is looked at for every peer.
 */
class SubjectView {
  readonly isolated: boolean;
  readonly isolatedBy: string[];
  private readonly byNamespace = new Map<string, IndexedRule[]>();
  private readonly everyPeer: IndexedRule[] = [];

  constructor(selecting: readonly CompiledPolicy[], direction: Direction) {
    this.isolated = selecting.length > 0;
    this.isolatedBy = Object.freeze(sortedUnique(selecting.map((p) => p.id))) as string[];
    let order = 0;
    for (const policy of selecting) {
      for (const rule of direction === 'egress' ? policy.egress : policy.ingress) {
        const entry = { policy, rule, order: order++ };
        const named = rule.peers?.map((peer) => namespaceNamedBy(peer, policy.namespace));
        if (named === undefined || named.some((n) => n === undefined)) {
          this.everyPeer.push(entry);
          continue;
        }
        for (const ns of new Set(named as string[])) {
          const list = this.byNamespace.get(ns);
          if (list) list.push(entry);
          else this.byNamespace.set(ns, [entry]);
        }
      }
    }
  }

  /** The rules that could match `peer`, in policy order. */
  rulesFor(peer: Endpoint): readonly IndexedRule[] {
    const named = 'pod' in peer ? this.byNamespace.get(peer.pod.namespace) : undefined;
    if (named === undefined) return this.everyPeer;
    if (this.everyPeer.length === 0) return named;
    return [...named, ...this.everyPeer].sort((a, b) => a.order - b.order);
  }
}

/** The one namespace a selector peer can match, when it names it; undefined when it may match others (or IPs). */
function namespaceNamedBy(peer: Peer, policyNamespace: string): string | undefined {
  if (peer.kind !== 'selector') return undefined;
  if (peer.namespaceSelector === undefined) return policyNamespace;
  const selector = peer.namespaceSelector as any;
  if (selector.matchExpressions?.length) return undefined;
  const keys = Object.keys(selector.matchLabels ?? {});
  return keys.includes(METADATA_NAME_LABEL) ? selector.matchLabels[METADATA_NAME_LABEL] : undefined;
}

/** Evaluates connections against a fixed set of NetworkPolicies and namespaces. */
export class NetworkPolicyEvaluator {
  /** Policies by namespace: a policy only ever selects pods of its own namespace. */
  private readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly views = new Map<string, SubjectView>();
  private readonly viewsByPod = new WeakMap<PodModel, { egress?: SubjectView; ingress?: SubjectView }>();

  constructor(policies: readonly any[], namespaces: readonly NamespaceModel[]) {
    const problems: string[] = [];
    const compiled: CompiledPolicy[] = [];
    const seen = new Set<string>();
    policies.forEach((policy, index) => {
      const own: string[] = [];
      const result = compilePolicy(policy, own);
      problems.push(...own.map((p) => `${policyLabel(policy, index)}: ${p}`));
      const meta = isPlainObject(policy) && isPlainObject(policy.metadata) ? policy.metadata : {};
      if (typeof meta.namespace === 'string' && typeof meta.name === 'string') {
        const id = `${meta.namespace}/${meta.name}`;
        if (seen.has(id)) problems.push(`NetworkPolicy ${id} is defined more than once`);
        seen.add(id);
      }
      if (result) compiled.push(result);
    });
    for (const ns of namespaces) {
      if (this.namespaceLabels.has(ns.name)) problems.push(`namespace ${ns.name} is listed more than once`);
      // The API server always sets this label to the namespace's name; it cannot hold another value.
      this.namespaceLabels.set(ns.name, { ...(ns.labels ?? {}), [METADATA_NAME_LABEL]: ns.name });
    }
    if (problems.length > 0) {
      throw new UserError(`invalid input for the NetworkPolicy evaluator: ${problems.length} problem(s)`, problems);
    }
    for (const policy of compiled) {
      const list = this.policiesByNamespace.get(policy.namespace) ?? [];
      list.push(policy);
      this.policiesByNamespace.set(policy.namespace, list);
    }
  }

  evaluate(connection: Connection): Verdict {
    const protocol: Protocol = connection.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) throw new Error(`connection protocol must be TCP, UDP or SCTP, got ${String(protocol)}`);
    if (!isPortNumber(connection.port)) throw new Error(`connection port must be a number 1-65535, got ${String(connection.port)}`);
    this.checkEndpoint(connection.from, 'from');
    this.checkEndpoint(connection.to, 'to');

    const what = `${protocol} ${connection.port}`;

    const self =
      'pod' in connection.from &&
      'pod' in connection.to &&
      connection.from.pod.namespace === connection.to.pod.namespace &&
      connection.from.pod.name === connection.to.pod.name;

    const egress = this.side('egress', connection, protocol, self);
    const ingress = this.side('ingress', connection, protocol, self);
    const allowed = egress.allowed && ingress.allowed;

    // Written only when read: the flow check evaluates thousands of connections and reads few reasons.
    const reason = (): string => {
      const from = describeEndpoint(connection.from);
      if (self) return `${what} from ${from} to itself is allowed: a pod cannot block traffic to itself`;
      if (allowed) return `${what} from ${from} to ${describeEndpoint(connection.to)} is allowed: ${egress.grant()}; ${ingress.grant()}`;
      return [egress.denial?.(), ingress.denial?.()].filter((d): d is string => d !== undefined).join('; ');
    };
    const strip = (r: DirectionResult): DirectionVerdict => ({
      applies: r.applies,
      isolated: r.isolated,
      allowed: r.allowed,
      allowedBy: r.allowedBy,
      isolatedBy: r.isolatedBy,
    });
    return { allowed, egress: strip(egress), ingress: strip(ingress), get reason() { return reason(); } };
  }

  /** The labels of a namespace as policies see them (with the automatic kubernetes.io/metadata.name). */
  namespaceLabelsOf(namespace: string): Record<string, string> {
    return this.namespaceLabels.get(namespace) ?? { [METADATA_NAME_LABEL]: namespace };
  }

  private checkEndpoint(endpoint: Endpoint, which: string): void {
    if (!isPlainObject(endpoint)) throw new Error(`connection.${which} must be { pod } or { ip }`);
    if ('pod' in endpoint) {
      const pod = endpoint.pod;
      if (!isPlainObject(pod) || typeof pod.namespace !== 'string' || typeof pod.name !== 'string') {
        throw new Error(`connection.${which}.pod needs a namespace and a name`);
      }
      if (pod.ip !== undefined && parseIp(pod.ip) === undefined) {
        throw new Error(`connection.${which}.pod.ip is not an IP address: ${JSON.stringify(pod.ip)}`);
      }
    } else if (typeof endpoint.ip !== 'string' || parseIp(endpoint.ip) === undefined) {
      throw new Error(`connection.${which}.ip is not an IP address: ${JSON.stringify((endpoint as { ip?: unknown }).ip)}`);
    }
  }

  /**
   * The policies that select a pod for one direction, computed once per namespace and label set: the flow check
   * asks about the same pods thousands of times, and a namespace such as Prometheus' holds one policy per scraped
   * namespace.
   */
  private subjectView(subject: PodModel, direction: Direction): SubjectView {
    // The same pod model is asked about again and again: remember its views on the object itself first.
    const known = this.viewsByPod.get(subject);
    if (known?.[direction]) return known[direction]!;
    const key = `${direction}\u0000${subject.namespace}\u0000${JSON.stringify(subject.labels ?? {})}`;
    let view = this.views.get(key);
    if (view === undefined) {
      const selecting = (this.policiesByNamespace.get(subject.namespace) ?? []).filter(
        (p) => (direction === 'egress' ? p.affectsEgress : p.affectsIngress) && matchesLabelSelector(p.podSelector, subject.labels),
      );
      view = new SubjectView(selecting, direction);
      this.views.set(key, view);
    }
    this.viewsByPod.set(subject, { ...known, [direction]: view });
    return view;
  }

  private side(direction: Direction, connection: Connection, protocol: Protocol, self: boolean): DirectionResult {
    const subjectEndpoint = direction === 'egress' ? connection.from : connection.to;
    const peer = direction === 'egress' ? connection.to : connection.from;
    const what = `${protocol} ${connection.port}`;
    if (!('pod' in subjectEndpoint)) {
      return {
        applies: false,
        isolated: false,
        allowed: true,
        allowedBy: [],
        isolatedBy: [],
        grant: () => `${direction} not applicable (${subjectEndpoint.ip} is not a pod)`,
      };
    }
    const subject = subjectEndpoint.pod;
    const subjectName = (): string => describeEndpoint(subjectEndpoint);
    const peerName = (): string => describeEndpoint(peer);
    const view = this.subjectView(subject, direction);
    const { isolatedBy } = view;
    const isolated = view.isolated;
    const allowing: string[] = [];
    const peerOnlyMatches: PortSpec[] = [];
    for (const { policy, rule } of view.rulesFor(peer)) {
      if (!this.peersMatch(rule.peers, peer, policy.namespace)) continue;
      if (this.portsMatch(rule.ports, protocol, connection.port, connection.to)) {
        allowing.push(policy.id);
      } else if (rule.ports) {
        peerOnlyMatches.push(...rule.ports);
      }
    }
    const allowedBy = allowing.length > 1 ? sortedUnique(allowing) : allowing;
    const preposition = direction === 'egress' ? 'to' : 'from';
    const allow = (grant: () => string): DirectionResult => ({ applies: true, isolated, allowed: true, allowedBy, isolatedBy, grant });

    if (self) return allow(() => `${direction} of ${subjectName()} allowed (traffic to itself)`);
    if ('ip' in peer && peer.localNode === true) {
      return allow(() => `${direction} of ${subjectName()} allowed (traffic between a pod and its own node is always allowed)`);
    }
    if (!isolated) return allow(() => `${direction} of ${subjectName()} is open (no policy selects it for ${direction})`);
    if (allowedBy.length > 0) return allow(() => `${direction} of ${subjectName()} allowed by ${list(allowedBy)}`);
    const fromOrTo = direction === 'egress' ? 'from' : 'to';
    const denial = (): string => {
      let text =
        `${direction} ${fromOrTo} ${subjectName()} denied: pod is isolated for ${direction} and no rule of ` +
        `${list(isolatedBy)} allows ${what} ${preposition} ${peerName()}`;
      if (peerOnlyMatches.length > 0) {
        const ports = [...new Set(peerOnlyMatches.map(describePortSpec))].join(', ');
        text += ` (rules matching ${peerName()} allow only ${ports}`;
        text += 'ip' in connection.to && peerOnlyMatches.some((p) => typeof p.port === 'string')
          ? '; a named port never matches an IP destination)'
          : ')';
      }
      return text;
    };
    return { applies: true, isolated, allowed: false, allowedBy, isolatedBy, grant: () => '', denial };
  }

  private peersMatch(peers: readonly Peer[] | undefined, endpoint: Endpoint, policyNamespace: string): boolean {
    if (peers === undefined) return true;
    return peers.some((peer) => this.peerMatches(peer, endpoint, policyNamespace));
  }

  private peerMatches(peer: Peer, endpoint: Endpoint, policyNamespace: string): boolean {
    if (peer.kind === 'ipBlock') {
      const text = 'pod' in endpoint ? endpoint.pod.ip : endpoint.ip;
      if (text === undefined) return false;
      const ip: IpAddress | undefined = parseIp(text);
      if (ip === undefined || !cidrContains(peer.cidr, ip)) return false;
      return !peer.except.some((e) => cidrContains(e, ip));
    }
    if (!('pod' in endpoint)) return false;
    const pod = endpoint.pod;
    if (peer.namespaceSelector === undefined) {
      // podSelector alone: pods of the policy's own namespace.
      return pod.namespace === policyNamespace && matchesLabelSelector(peer.podSelector, pod.labels);
    }
    if (!matchesLabelSelector(peer.namespaceSelector, this.namespaceLabelsOf(pod.namespace))) return false;
    // namespaceSelector alone: every pod of the selected namespaces; with podSelector: AND.
    return peer.podSelector === undefined || matchesLabelSelector(peer.podSelector, pod.labels);
  }

  private portsMatch(ports: readonly PortSpec[] | undefined, protocol: Protocol, port: number, destination: Endpoint): boolean {
    if (ports === undefined) return true;
    return ports.some((spec) => {
      if (spec.protocol !== protocol) return false;
      if (spec.port === undefined) return true;
      if (typeof spec.port === 'number') {
        return spec.endPort === undefined ? port === spec.port : port >= spec.port && port <= spec.endPort;
      }
      // Named port: resolved on the destination pod's container ports; an IP destination has none.
      if (!('pod' in destination)) return false;
      return (destination.pod.ports ?? []).some(
        (cp) => cp.name === spec.port && (cp.protocol ?? 'TCP') === protocol && cp.containerPort === port,
      );
    });
  }
}
