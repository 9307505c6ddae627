import * as crypto from 'crypto';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { commonLabels } from '../core/labels';
import { ManagedNamespaces } from './managed-namespaces';
import { isDnsLabel } from '../core/validate';
import { describePeer, describePorts, FlowPort, IPeerable, Peer, resolvePeer } from './peer';
import { allOf } from '../core/tree';

/**
 * Which policy sides a flow writes. `both` writes each side whose namespace Platform Kit manages; `egress` (or
 * `ingress`) writes only that side, for a destination whose own side is written by its owner (an app's flow to MySQL:
 * MySQL's side comes from its client allow-list, so the app never writes into MySQL's namespace).
 */
export type FlowSides = 'both' | 'egress' | 'ingress';

export interface FlowProps {
  /** Where connections start. */
  readonly from: Peer | IPeerable;
  /** Where connections go. */
  readonly to: Peer | IPeerable;
  /** Destination ports. @default - all ports */
  readonly ports?: readonly FlowPort[];
  /** Why this traffic is needed; written into the policies' `platform-kit.io/flow` annotation. */
  readonly description: string;
  /**
   * Base name of the generated NetworkPolicies (`<name>-egress`, `<name>-ingress`).
   * @default - `allow-` + the construct id in kebab-case
   */
  readonly name?: string;
  /** Which sides to write. @default 'both' */
  readonly sides?: FlowSides;
}


/**
 * The one way to open traffic: "this workload talks to that workload on these ports". A flow writes the egress
 * side into the source's namespace and the ingress side into the destination's namespace (each only where
 * Platform Kit manages the namespace: {@link ManagedNamespaces}), so both ends of a default-deny pair agree by
 * construction.
 * The synth-time flow check finds every Flow in the tree and proves it with the NetworkPolicy evaluator.
 */
export class Flow extends Construct {
  /** Every Flow under `scope`, in tree order. */
  static all(scope: Construct): Flow[] { return allOf(scope, Flow); }

  public readonly name: string;
  public readonly from: Peer;
  public readonly to: Peer;
  public readonly ports: readonly FlowPort[] | undefined;
  public readonly description: string;
  public readonly sides: FlowSides;

  constructor(scope: Construct, id: string, props: FlowProps) {
    super(scope, id);
    this.from = resolvePeer(props.from);
    this.to = resolvePeer(props.to);
    this.ports = props.ports && props.ports.length > 0 ? props.ports : undefined;
    this.description = props.description;
    this.name = props.name ?? `allow-${kebab(id)}`;
    this.sides = props.sides ?? 'both';
    if (!isDnsLabel(this.name) || this.name.length > 55) {
      throw new Error(`Flow ${this.node.path}: name ${show(this.name)} must be a DNS label of at most 55 characters (it gets an -ingress/-egress suffix).`);
    }
    if (this.from.kind === 'cidr' && this.to.kind === 'cidr') {
      throw new Error(`Flow ${this.node.path}: both ends are CIDRs; a flow needs a pod at one end at least.`);
    }
    for (const port of this.ports ?? []) {
      if (port.endPort !== undefined && (typeof port.port !== 'number' || port.endPort < port.port)) {
        throw new Error(`Flow ${this.node.path}: endPort ${port.endPort} needs a numeric port not above it (got port ${show(port.port)}).`);
      }
    }

    const annotation = `${describePeer(this.from)} -> ${describePeer(this.to)} on ${describePorts(this.ports)}: ${this.description}`;
    const metadata = (namespace: string, suffix: string) => ({
      name: `${this.name}-${suffix}`,
      namespace,
      labels: commonLabels({ name: 'network-flow', instance: this.name, component: 'network-policy' }),
      annotations: { 'platform-kit.io/flow': annotation },
    });
    const ports = this.ports?.map(toPolicyPort);

    const side = (id: 'Egress' | 'Ingress', owner: Exclude<Peer, { kind: 'cidr' }>, other: Peer) => {
      const direction = id === 'Egress' ? 'egress' : 'ingress';
      const rule = { [id === 'Egress' ? 'to' : 'from']: [policyPeer(other)], ...(ports ? { ports } : {}) };
      new k8s.KubeNetworkPolicy(this, id, {
        metadata: metadata(owner.namespace, direction),
        spec: { podSelector: selectorOf(owner), policyTypes: [id], [direction]: [rule] },
      });
    };
    if (this.sides !== 'ingress' && this.writesInto(this.from)) side('Egress', this.from, this.to);
    if (this.sides !== 'egress' && this.writesInto(this.to)) side('Ingress', this.to, this.from);
  }

  private writesInto(peer: Peer): peer is Exclude<Peer, { kind: 'cidr' }> {
    return peer.kind !== 'cidr' && !peer.external && ManagedNamespaces.isManaged(this, peer.namespace);
  }
}

function selectorOf(peer: Peer): k8s.LabelSelector {
  return peer.kind === 'pods' && Object.keys(peer.selector).length > 0 ? { matchLabels: { ...peer.selector } } : {};
}

/** The peer as seen from a policy. The namespace is always named, so a policy reads the same in any namespace. */
function policyPeer(peer: Peer): k8s.NetworkPolicyPeer {
  switch (peer.kind) {
    case 'cidr':
      return { ipBlock: { cidr: peer.cidr, ...(peer.except.length > 0 ? { except: [...peer.except] } : {}) } };
    case 'namespace':
      return { namespaceSelector: namespaceSelector(peer.namespace) };
    case 'pods':
      return { namespaceSelector: namespaceSelector(peer.namespace), podSelector: selectorOf(peer) };
  }
}

/** `kubernetes.io/metadata.name` is set by the API server on every namespace (1.22+), so no label of ours is needed. */
export function namespaceSelector(namespace: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}

function toPolicyPort(port: FlowPort): k8s.NetworkPolicyPort {
  return {
    protocol: port.protocol ?? 'TCP',
    port: typeof port.port === 'number' ? k8s.IntOrString.fromNumber(port.port) : k8s.IntOrString.fromString(port.port),
    ...(port.endPort !== undefined ? { endPort: port.endPort } : {}),
  };
}

/** Longest flow name: the generated policies add `-ingress`/`-egress` and must stay DNS labels. */
export const MAX_FLOW_NAME = 55;

/**
 * A flow name that fits: short names are kept; a long one keeps its start and ends with a hash of the whole name,
 * so it stays unique and stable across synths.
 */
export function fitFlowName(name: string, hashLength = 6): string {
  if (name.length <= MAX_FLOW_NAME) return name;
  const hash = crypto.createHash('sha256').update(name).digest('hex').slice(0, hashLength);
  return `${name.slice(0, MAX_FLOW_NAME - 1 - hashLength).replace(/-+$/, '')}-${hash}`;
}

export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase()
    .replace(/^-+|-+$/g, '');
}
