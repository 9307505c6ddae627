import { show } from '../core/errors';
import { isIpv4Cidr } from '../core/validate';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One port (or an inclusive range with `endPort`) of a flow. A string port is a container port name. */
export interface FlowPort {
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** Last port of a range; needs a numeric `port`. @default - a single port */
  readonly endPort?: number;
}

export const Port = {
  tcp: (port: number | string): FlowPort => ({ port, protocol: 'TCP' }),
  udp: (port: number | string): FlowPort => ({ port, protocol: 'UDP' }),
  tcpRange: (from: number, to: number): FlowPort => ({ port: from, endPort: to, protocol: 'TCP' }),
  /** DNS: both UDP and TCP 53 (TCP for large answers and for some resolvers' retries). */
  dns: (): FlowPort[] => [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};

/**
 * One end of a flow. A flow writes its policy side only into namespaces Platform Kit manages, because a policy in a
 * namespace we do not own (the ingress controller's, kube-system) would isolate its pods and break them. Which
 * namespaces those are is decided in one place, {@link ManagedNamespaces} (from the tree); only the cluster's own
 * infrastructure namespaces, which Platform Kit never owns, are marked `external` here.
 */
export type Peer =
  | { readonly kind: 'pods'; readonly name: string; readonly namespace: string; readonly selector: Readonly<Record<string, string>>; readonly external?: true }
  | { readonly kind: 'namespace'; readonly name: string; readonly namespace: string; readonly external?: true }
  | { readonly kind: 'cidr'; readonly name: string; readonly cidr: string; readonly except: readonly string[] };

/** Pods selected by labels in one namespace: the peer kind a scrape target or a Service backend needs. */
export type PodsPeer = Extract<Peer, { kind: 'pods' }>;

/** Something that can stand at one end of a flow: a workload construct, or a plain {@link Peer}. */
export interface IPeerable {
  toPeer(): Peer;
}

export const Peers = {
  /** Pods selected by labels in a namespace (whether its side of a flow is written is decided by ManagedNamespaces). */
  pods(namespace: string, selector: Record<string, string>, name: string): PodsPeer {
    return { kind: 'pods', name, namespace, selector: { ...selector } };
  },
  /** Every pod of a namespace. */
  namespace(namespace: string): Peer {
    return { kind: 'namespace', name: namespace, namespace };
  },
  /** Pods of the cluster's own infrastructure (kube-dns, the ingress controller), never Platform Kit's: only our side gets a policy. */
  externalPods(namespace: string, selector: Record<string, string>, name: string): PodsPeer {
    return { kind: 'pods', name, namespace, selector: { ...selector }, external: true };
  },
  /** Every pod of a cluster infrastructure namespace Platform Kit never owns. */
  externalNamespace(namespace: string): Peer {
    return { kind: 'namespace', name: namespace, namespace, external: true };
  },
  /** Addresses outside the pod network (nodes, the API server, an external service). */
  cidr(cidr: string, name: string, except: string[] = []): Peer {
    for (const block of [cidr, ...except]) {
      if (!isIpv4Cidr(block)) {
        throw new Error(`Peers.cidr: ${show(block)} is not an IPv4 CIDR. Did you mean "${block}/32"?`);
      }
    }
    return { kind: 'cidr', name, cidr, except: [...except] };
  },
};

export function resolvePeer(peer: Peer | IPeerable): Peer {
  return 'toPeer' in peer ? peer.toPeer() : peer;
}

/** How a peer reads in messages and annotations: `mysql/mysql-primary`, `namespace dwayne`, `10.10.10.200/32`. */
export function describePeer(peer: Peer): string {
  switch (peer.kind) {
    case 'pods': return `${peer.namespace}/${peer.name}`;
    case 'namespace': return `namespace ${peer.namespace}`;
    case 'cidr': return peer.cidr;
  }
}

export function describePorts(ports: readonly FlowPort[] | undefined): string {
  if (ports === undefined || ports.length === 0) return 'all ports';
  return ports
    .map((p) => `${p.protocol ?? 'TCP'} ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}`)
    .join(', ');
}
