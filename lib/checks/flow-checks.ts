import { Flow } from '../network/flow';
import { describePeer, FlowPort, Peer, Protocol } from '../network/peer';
import { SynthesizedObject } from '../output/synthesized';
import { ConfigKeys, NO_CONFIG_KEYS } from './config-keys';
import { cidrContains, cidrCovers, parseCidr, parseIp } from './network/cidr';
import { Endpoint, NetworkPolicyEvaluator, PodModel } from './network/evaluator';
import { PeerNamespaces } from './network/peer-namespaces';
import { matchesLabelSelector } from './network/selector';
import { push, TreeIndex } from './tree-index';

interface Probe { readonly port: number; readonly protocol: Protocol; readonly name?: string }

/** Ports tried for "all ports" flows and for the isolation proof, besides every port the pods declare. */
const SAMPLE_PORTS: Probe[] = [{ port: 53, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }, { port: 40000, protocol: 'TCP' }];

/**
 * Each pod template (and each namespace's "any pod") is modelled by two pods with the same labels: one stands for
 * the source of a connection, the other for its destination. A pod is always allowed to reach itself, so proving a
 * flow inside one workload or one namespace on a single model would prove nothing.
 */
interface PodPair { readonly source: PodModel; readonly target: PodModel }

/** What the flow check knows besides the tree. */
export interface FlowCheckOptions {
  /** `cluster.serviceCidr`: a flow to a ClusterIP is refused (policies see pod IPs after kube-proxy's DNAT). @default - only the clusterIPs of the Services in the tree */
  readonly serviceCidr?: string;
  /** Names the platform.yaml keys in messages. @default - no keys named */
  readonly keys?: ConfigKeys;
}

/**
 * Proves the network design with an evaluator of NetworkPolicy semantics over the objects that will be applied:
 * (1) every declared flow is allowed end to end, between two distinct pods; (2) no pod of one managed namespace
 * reaches a pod of another unless a flow declares it — every pair of namespaces is judged; (3) no ipBlock opens the
 * pod network behind the selectors' back, and no flow targets a ClusterIP. Pods are the real pod templates plus,
 * per namespace, an unlabelled "any pod" standing for whatever a tenant deploys later. hostNetwork pods are not
 * pods to a NetworkPolicy (they use the node's address), so they are left out, and a flow that names only
 * hostNetwork pods is refused.
 */
export function checkFlows(objects: readonly SynthesizedObject[], flows: readonly Flow[], podCidr: string, options: FlowCheckOptions = {}): string[] {
  const keys = options.keys ?? NO_CONFIG_KEYS;
  const index = TreeIndex.of(objects);
  const problems: string[] = [];
  const policies = index.ofKind('NetworkPolicy').map((o) => o.manifest);
  const namespaces = index.ofKind('Namespace').map((o) => ({ name: o.manifest.metadata.name as string, labels: (o.manifest.metadata.labels ?? {}) as Record<string, string> }));
  const managed = new Set(namespaces.map((n) => n.name));
  const evaluator = new NetworkPolicyEvaluator(policies, namespaces);

  // Pod models per namespace, built once.
  const podsByNs = new Map<string, PodPair[]>();
  const hostNetworkByNs = new Map<string, PodModel[]>();
  for (const t of index.podTemplates) {
    const model = (name: string): PodModel => ({
      namespace: t.namespace,
      name,
      labels: t.metadata.labels ?? {},
      ports: (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
    });
    if (t.spec.hostNetwork === true) push(hostNetworkByNs, t.namespace, model(t.name));
    else push(podsByNs, t.namespace, { source: model(t.name), target: model(`${t.name} (2nd pod)`) });
  }
  const anyPod = (namespace: string, ports?: PodModel['ports']): PodPair => ({
    source: { namespace, name: '(any pod)', labels: {}, ...(ports ? { ports } : {}) },
    target: { namespace, name: '(any other pod)', labels: {}, ...(ports ? { ports } : {}) },
  });

  // (1) Every flow holds, from a source pod to a distinct destination pod.
  const clusterIps = index.ofKind('Service').map((o) => o.manifest.spec?.clusterIP).filter((ip): ip is string => typeof ip === 'string' && parseIp(ip) !== undefined);
  for (const flow of flows) {
    const at = `flow ${flow.name} (${flow.node.path})`;
    const clusterIp = clusterIpProblem(flow.to, options.serviceCidr, clusterIps);
    if (clusterIp) {
      problems.push(`${at}: ${clusterIp}`);
      continue;
    }
    const host = [flow.from, flow.to].map((peer) => hostNetworkProblem(peer, podsByNs, hostNetworkByNs)).find((p) => p !== undefined);
    if (host) {
      problems.push(`${at}: ${host}`);
      continue;
    }
    const sources = endpointsOf(flow.from, podsByNs, anyPod, [], 'source');
    const targets = endpointsOf(flow.to, podsByNs, anyPod, flow.ports ?? [], 'target');
    for (const probe of probesOf(flow.ports)) {
      for (const from of sources) {
        for (const to of targets) {
          const port = resolvePort(probe, to);
          if (port === undefined) continue;
          const verdict = evaluator.evaluate({ from, to, port, protocol: probe.protocol });
          if (!verdict.allowed) {
            problems.push(`${at} does not hold: ${verdict.reason}. Declare the flow on a managed namespace or remove the policy that blocks it${flowKey(flow, keys)}.`);
          }
        }
      }
    }
  }

  // (2) Isolation between managed namespaces: anything allowed must be declared by a flow.
  problems.push(...isolationProblems(evaluator, policies, namespaces, managed, podsByNs, anyPod, flows, keys));

  // (3) ipBlocks must not cover the pod network (the evaluator, like Cilium, does not apply them to pods).
  const pods = parseCidr(podCidr);
  for (const policy of policies) {
    for (const rule of [...(policy.spec?.ingress ?? []).map((r: any) => r.from), ...(policy.spec?.egress ?? []).map((r: any) => r.to)]) {
      for (const peer of rule ?? []) {
        const block = peer.ipBlock ? parseCidr(peer.ipBlock.cidr) : undefined;
        if (!block || !pods) continue;
        const overlaps = cidrContains(block, { family: pods.family, value: pods.network }) || cidrContains(pods, { family: block.family, value: block.network });
        const excluded = (peer.ipBlock.except ?? []).some((e: string) => cidrCovers(e, podCidr));
        if (overlaps && !excluded) {
          problems.push(`NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name}: ipBlock ${peer.ipBlock.cidr} overlaps the pod network ${podCidr} (cluster.podCidr); add it to except or use pod/namespace selectors.`);
        }
      }
    }
  }
  return [...new Set(problems)];
}

/**
 * Every pod of one managed namespace that can reach a pod of another must be declared by a flow. Candidate pairs
 * come from {@link PeerNamespaces} (which namespaces a pod's policies could let it reach, or be reached from; exact
 * where it says no), driven from whichever side is narrower, so the work is linear in what policies open rather
 * than in namespaces squared; the evaluator then judges every candidate pair on every probe port.
 */
function isolationProblems(
  evaluator: NetworkPolicyEvaluator, policies: readonly any[], namespaces: ReadonlyArray<{ name: string; labels: Record<string, string> }>,
  managed: ReadonlySet<string>, podsByNs: ReadonlyMap<string, PodPair[]>, anyPod: (ns: string) => PodPair, flows: readonly Flow[], keys: ConfigKeys,
): string[] {
  const problems: string[] = [];
  const models = new Map<string, PodModel[]>();
  for (const ns of managed) models.set(ns, [anyPod(ns).source, ...(podsByNs.get(ns) ?? []).map((p) => p.source)]);
  const reach = new PeerNamespaces(policies, namespaces);
  const declared = new FlowIndex(flows);

  const judge = (src: PodModel, dst: PodModel): void => {
    const probes = [...SAMPLE_PORTS, ...(dst.ports ?? []).map((p) => ({ port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol }))];
    for (const probe of probes) {
      const verdict = evaluator.evaluate({ from: { pod: src }, to: { pod: dst }, port: probe.port, protocol: probe.protocol });
      if (verdict.allowed && !declared.covers(src, dst, probe)) {
        problems.push(`${src.namespace}/${src.name} can reach ${dst.namespace}/${dst.name} on ${probe.protocol} ${probe.port}, but no flow declares it (egress allowed by [${verdict.egress.allowedBy.join(', ') || 'no policy: not isolated'}], ingress by [${verdict.ingress.allowedBy.join(', ') || 'no policy: not isolated'}]); ${declareFix(src, dst, keys)}`);
        break;
      }
    }
  };
  const admits = (dst: PodModel, from: string): boolean => {
    const ingress = reach.of(dst, 'Ingress');
    return ingress === 'all' || ingress.has(from);
  };

  // Sources whose egress names its namespaces: visit exactly those.
  const openSources = new Map<string, PodModel[]>();
  for (const [a, sources] of models) {
    for (const src of sources) {
      const egress = reach.of(src, 'Egress');
      if (egress === 'all') {
        push(openSources, a, src);
        continue;
      }
      for (const b of egress) {
        if (b === a || !managed.has(b)) continue;
        for (const dst of models.get(b) ?? []) if (admits(dst, a)) judge(src, dst);
      }
    }
  }
  // Sources open to every namespace: driven from the destinations' ingress, which is usually narrow.
  if (openSources.size > 0) {
    for (const [b, targets] of models) {
      for (const dst of targets) {
        const ingress = reach.of(dst, 'Ingress');
        const from = ingress === 'all' ? openSources.keys() : ingress.values();
        for (const a of from) {
          if (a === b) continue;
          for (const src of openSources.get(a) ?? []) judge(src, dst);
        }
      }
    }
  }
  return problems;
}

/** The platform.yaml key a tenant's baseline flow comes from, as a message clause; empty for other flows. */
function flowKey(flow: Flow, keys: ConfigKeys): string {
  const tenant = flow.to.kind !== 'cidr' ? keys.tenant(flow.to.namespace) : undefined;
  if (tenant === undefined) return '';
  if (flow.name.startsWith('allow-from-')) return ` (the flow comes from ${tenant}.allowFrom in platform.yaml)`;
  if (flow.name === 'allow-same-namespace') return ` (the flow comes from ${tenant}.allowSameNamespace in platform.yaml)`;
  return '';
}

/** How to make an allowed connection legitimate, or close it: a tenant destination declares it with allowFrom. */
function declareFix(src: PodModel, dst: PodModel, keys: ConfigKeys): string {
  const tenant = keys.tenant(dst.namespace);
  const declare = tenant ? `list ${src.namespace} in ${tenant}.allowFrom in platform.yaml` : 'declare a Flow for it';
  return `${declare} if it is wanted, or remove the policy that opens it.`;
}

/** Declared flows by (source namespace, destination namespace), so a pair finds its candidates without a scan. */
class FlowIndex {
  private readonly byPair = new Map<string, Flow[]>();

  constructor(flows: readonly Flow[]) {
    for (const flow of flows) {
      if (flow.from.kind === 'cidr' || flow.to.kind === 'cidr') continue;
      push(this.byPair, `${flow.from.namespace}\u0000${flow.to.namespace}`, flow);
    }
  }

  covers(src: PodModel, dst: PodModel, probe: Probe): boolean {
    return (this.byPair.get(`${src.namespace}\u0000${dst.namespace}`) ?? []).some((flow) => covers(flow, src, dst, probe));
  }
}

/**
 * A flow to a ClusterIP never matches: kube-proxy rewrites the destination to a pod IP before policies see it, so
 * the egress rule for the Service address allows nothing and the real traffic is denied. Refused: a destination
 * inside the service CIDR, or exactly the clusterIP of a Service in the tree. (A wide block such as 0.0.0.0/0 that
 * merely includes the service CIDR is fine: that part of it never matches, and the rest is what was meant.)
 */
function clusterIpProblem(to: Peer, serviceCidr: string | undefined, clusterIps: readonly string[]): string | undefined {
  if (to.kind !== 'cidr') return undefined;
  const fix = 'policies see the pod IPs behind a Service after kube-proxy\'s DNAT, so declare the flow to the Service\'s pods (Peers.pods) instead';
  if (serviceCidr !== undefined && cidrCovers(serviceCidr, to.cidr)) {
    return `destination ${to.cidr} is in the service CIDR ${serviceCidr} (cluster.serviceCidr); ${fix}.`;
  }
  const ip = clusterIps.find((address) => cidrCovers(`${address}/32`, to.cidr));
  if (ip !== undefined) return `destination ${to.cidr} is the ClusterIP of a Service; ${fix}.`;
  return undefined;
}

/** A pods peer that selects only hostNetwork pods: no policy applies to them (they use the node's address). */
function hostNetworkProblem(peer: Peer, podsByNs: ReadonlyMap<string, PodPair[]>, hostNetworkByNs: ReadonlyMap<string, PodModel[]>): string | undefined {
  if (peer.kind !== 'pods') return undefined;
  const selector = { matchLabels: peer.selector };
  const host = (hostNetworkByNs.get(peer.namespace) ?? []).filter((p) => matchesLabelSelector(selector, p.labels));
  if (host.length === 0 || (podsByNs.get(peer.namespace) ?? []).some((p) => matchesLabelSelector(selector, p.source.labels))) return undefined;
  return `${describePeer(peer)} selects only hostNetwork pods (${host.map((p) => `${p.namespace}/${p.name}`).join(', ')}), which NetworkPolicies do not select: their traffic has the node's address, so declare the flow with Peers.cidr of the node IPs (cluster.nodes[].ip).`;
}

function endpointsOf(peer: Peer, podsByNs: ReadonlyMap<string, PodPair[]>, anyPod: (ns: string, ports?: PodModel['ports']) => PodPair, ports: readonly FlowPort[], side: keyof PodPair): Endpoint[] {
  switch (peer.kind) {
    case 'cidr':
      return [{ ip: firstAddress(peer.cidr) }];
    case 'namespace': {
      // Any pod of the namespace; for named ports, one that declares them (named ports resolve on the destination).
      const named = namedPorts(ports);
      return [{ pod: anyPod(peer.namespace, named.length > 0 ? named : undefined)[side] }];
    }
    case 'pods': {
      const selector = { matchLabels: peer.selector };
      const matching = (podsByNs.get(peer.namespace) ?? []).filter((p) => matchesLabelSelector(selector, p[side].labels));
      if (matching.length > 0) return matching.map((p) => ({ pod: p[side] }));
      // Nothing deployed matches yet (e.g. a tenant's own workloads): a stand-in pod with exactly those labels.
      const name = side === 'source' ? peer.name : `${peer.name} (2nd pod)`;
      return [{ pod: { namespace: peer.namespace, name, labels: { ...peer.selector }, ports: namedPorts(ports) } }];
    }
  }
}

/** Container ports a stand-in pod declares so a flow's named ports resolve on it (the number is arbitrary). */
function namedPorts(ports: readonly FlowPort[]): Array<{ name: string; containerPort: number; protocol: Protocol }> {
  return ports.filter((p) => typeof p.port === 'string').map((p) => ({ name: String(p.port), containerPort: 9999, protocol: p.protocol ?? 'TCP' }));
}

function probesOf(ports: readonly FlowPort[] | undefined): Probe[] {
  if (!ports) return SAMPLE_PORTS;
  return ports.flatMap((p): Probe[] => {
    const protocol = p.protocol ?? 'TCP';
    if (typeof p.port === 'string') return [{ port: 0, protocol, name: p.port }];
    return p.endPort !== undefined ? [{ port: p.port, protocol }, { port: p.endPort, protocol }] : [{ port: p.port, protocol }];
  });
}

/** A named probe port becomes the number the destination pod gives it; skipped where the pod lacks the name. */
function resolvePort(probe: Probe, to: Endpoint): number | undefined {
  if (probe.name === undefined) return probe.port;
  if (!('pod' in to)) return undefined;
  return to.pod.ports?.find((p) => p.name === probe.name && (p.protocol ?? 'TCP') === probe.protocol)?.containerPort;
}

function firstAddress(cidr: string): string {
  const [address, bits] = cidr.split('/');
  if (Number(bits) >= 31) return address;
  const parts = address.split('.').map(Number);
  parts[3] += 1;
  return parts.join('.');
}

function peerMatchesPod(peer: Peer, pod: PodModel): boolean {
  switch (peer.kind) {
    case 'cidr': return false;
    case 'namespace': return peer.namespace === pod.namespace;
    case 'pods': return peer.namespace === pod.namespace && matchesLabelSelector({ matchLabels: peer.selector }, pod.labels);
  }
}

function covers(flow: Flow, src: PodModel, dst: PodModel, probe: Probe): boolean {
  if (!peerMatchesPod(flow.from, src) || !peerMatchesPod(flow.to, dst)) return false;
  if (!flow.ports) return true;
  return flow.ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== probe.protocol) return false;
    if (typeof p.port === 'string') return (dst.ports ?? []).some((c) => c.name === p.port && c.containerPort === probe.port);
    return probe.port >= p.port && probe.port <= (p.endPort ?? p.port);
  });
}
