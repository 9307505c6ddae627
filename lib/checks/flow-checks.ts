import { Flow } from '../network/flow';
import { FlowPort, Peer, Protocol } from '../network/peer';
import { SynthesizedObject } from '../output/synthesized';
import { cidrContains, cidrCovers, parseCidr } from './network/cidr';
import { Endpoint, NetworkPolicyEvaluator, PodModel } from './network/evaluator';
import { matchesLabelSelector } from './network/selector';
import { podTemplates } from './workloads';

interface Probe { readonly port: number; readonly protocol: Protocol; readonly name?: string }

/** Ports tried for "all ports" flows and for the isolation proof, besides every port the pods declare. */
const SAMPLE_PORTS: Probe[] = [{ port: 53, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }, { port: 40000, protocol: 'TCP' }];

/**
 * Proves the network design with an evaluator of NetworkPolicy semantics over the objects that will be applied:
 * (1) every declared flow is allowed end to end; (2) no pod of one managed namespace reaches a pod of another
 * unless a flow declares it; (3) no ipBlock opens the pod network behind the selectors' back.
 * Pods are the real pod templates plus, per namespace, an unlabelled "any pod" standing for whatever a tenant
 * deploys later.
 */
export function checkFlows(objects: readonly SynthesizedObject[], flows: readonly Flow[], podCidr: string): string[] {
  const problems: string[] = [];
  const policies = objects.filter((o) => o.manifest.kind === 'NetworkPolicy').map((o) => o.manifest);
  const namespaces = objects.filter((o) => o.manifest.kind === 'Namespace').map((o) => ({ name: o.manifest.metadata.name, labels: o.manifest.metadata.labels ?? {} }));
  const managed = new Set(namespaces.map((n) => n.name));
  const evaluator = new NetworkPolicyEvaluator(policies, namespaces);

  const realPods: PodModel[] = podTemplates(objects).map((t) => ({
    namespace: t.namespace,
    name: t.name,
    labels: t.metadata.labels ?? {},
    ports: (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
  }));
  const anyPod = (namespace: string): PodModel => ({ namespace, name: '(any pod)', labels: {} });

  // (1) Every flow holds.
  for (const flow of flows) {
    const sources = endpointsOf(flow.from, realPods, anyPod, []);
    const targets = endpointsOf(flow.to, realPods, anyPod, flow.ports ?? []);
    for (const probe of probesOf(flow.ports)) {
      for (const from of sources) {
        for (const to of targets) {
          const port = resolvePort(probe, to);
          if (port === undefined) continue;
          const verdict = evaluator.evaluate({ from, to, port, protocol: probe.protocol });
          if (!verdict.allowed) {
            problems.push(`flow ${flow.name} (${flow.node.path}) does not hold: ${verdict.reason}. Declare the flow on a managed namespace or remove the policy that blocks it.`);
          }
        }
      }
    }
  }

  // (2) Isolation between managed namespaces: anything allowed must be declared by a flow. A cheap, exact
  // pre-filter (which namespaces a pod's policies could let it reach or be reached from) keeps this linear in
  // practice; the evaluator decides every pair that passes it.
  const podsByNs = new Map<string, PodModel[]>();
  for (const ns of managed) podsByNs.set(ns, [anyPod(ns), ...realPods.filter((p) => p.namespace === ns)]);
  const reach = new PeerNamespaces(policies, namespaces);
  for (const [a, sources] of podsByNs) {
    for (const src of sources) {
      const egressTo = reach.of(src, 'Egress');
      for (const [b, targets] of podsByNs) {
        if (a === b || (egressTo !== 'all' && !egressTo.has(b))) continue;
        for (const dst of targets) {
          const ingressFrom = reach.of(dst, 'Ingress');
          if (ingressFrom !== 'all' && !ingressFrom.has(a)) continue;
          const probes = [...SAMPLE_PORTS, ...(dst.ports ?? []).map((p) => ({ port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol }))];
          for (const probe of probes) {
            const verdict = evaluator.evaluate({ from: { pod: src }, to: { pod: dst }, port: probe.port, protocol: probe.protocol });
            if (verdict.allowed && !flows.some((f) => covers(f, src, dst, probe))) {
              problems.push(`${src.namespace}/${src.name} can reach ${dst.namespace}/${dst.name} on ${probe.protocol} ${probe.port}, but no flow declares it (egress allowed by [${verdict.egress.allowedBy.join(', ') || 'no policy: not isolated'}], ingress by [${verdict.ingress.allowedBy.join(', ') || 'no policy: not isolated'}]).`);
              break;
            }
          }
        }
      }
    }
  }

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
          problems.push(`NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name}: ipBlock ${peer.ipBlock.cidr} overlaps the pod network ${podCidr}; add it to except or use pod/namespace selectors.`);
        }
      }
    }
  }
  return [...new Set(problems)];
}

function endpointsOf(peer: Peer, realPods: PodModel[], anyPod: (ns: string) => PodModel, ports: readonly FlowPort[]): Endpoint[] {
  switch (peer.kind) {
    case 'cidr':
      return [{ ip: firstAddress(peer.cidr) }];
    case 'namespace': {
      // Any pod of the namespace; for named ports, one that declares them (named ports resolve on the destination).
      const named = namedPorts(ports);
      return [{ pod: named.length > 0 ? { ...anyPod(peer.namespace), ports: named } : anyPod(peer.namespace) }];
    }
    case 'pods': {
      const matching = realPods.filter((p) => p.namespace === peer.namespace && matchesLabelSelector({ matchLabels: peer.selector }, p.labels));
      if (matching.length > 0) return matching.map((pod) => ({ pod }));
      // Nothing deployed matches yet (e.g. a tenant's own workloads): a stand-in pod with exactly those labels.
      return [{ pod: { namespace: peer.namespace, name: peer.name, labels: { ...peer.selector }, ports: namedPorts(ports) } }];
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

/**
 * For a pod and a direction, the namespaces whose pods its policies could possibly allow ('all' when it is not
 * isolated in that direction or a rule has no peer list). Over-approximates: named ports and port lists are
 * ignored, ipBlocks never match pods (the check refuses ipBlocks that cover the pod network).
 */
class PeerNamespaces {
  private readonly byNamespace = new Map<string, any[]>();
  private readonly cache = new Map<string, Set<string> | 'all'>();

  constructor(policies: any[], private readonly namespaces: Array<{ name: string; labels: Record<string, string> }>) {
    for (const p of policies) {
      const list = this.byNamespace.get(p.metadata.namespace) ?? [];
      list.push(p);
      this.byNamespace.set(p.metadata.namespace, list);
    }
  }

  of(pod: PodModel, direction: 'Ingress' | 'Egress'): Set<string> | 'all' {
    const key = `${direction}|${pod.namespace}|${JSON.stringify(pod.labels ?? {})}`;
    let result = this.cache.get(key);
    if (result === undefined) {
      result = this.compute(pod, direction);
      this.cache.set(key, result);
    }
    return result;
  }

  private compute(pod: PodModel, direction: 'Ingress' | 'Egress'): Set<string> | 'all' {
    const selecting = (this.byNamespace.get(pod.namespace) ?? []).filter((p) => {
      const types: string[] = p.spec?.policyTypes ?? (direction === 'Ingress' ? ['Ingress'] : (p.spec?.egress?.length ? ['Egress'] : []));
      return types.includes(direction) && matchesLabelSelector(p.spec?.podSelector ?? {}, pod.labels);
    });
    if (selecting.length === 0) return 'all';
    const result = new Set<string>();
    for (const p of selecting) {
      for (const rule of (direction === 'Ingress' ? p.spec?.ingress : p.spec?.egress) ?? []) {
        const peers = direction === 'Ingress' ? rule.from : rule.to;
        if (!peers || peers.length === 0) return 'all';
        for (const peer of peers) {
          if (peer.ipBlock) continue;
          const byName = namespaceByName(peer.namespaceSelector);
          if (byName !== undefined) {
            result.add(byName); // the shape every flow writes: one namespace by its name, no scan needed
          } else if (peer.namespaceSelector) {
            for (const ns of this.namespaces) {
              if (matchesLabelSelector(peer.namespaceSelector, { ...ns.labels, 'kubernetes.io/metadata.name': ns.name })) result.add(ns.name);
            }
          } else {
            result.add(pod.namespace);
          }
        }
      }
    }
    return result;
  }
}

/** The namespace a selector names when it is exactly `{matchLabels: {kubernetes.io/metadata.name: X}}`. */
function namespaceByName(selector: any): string | undefined {
  if (!selector || selector.matchExpressions?.length) return undefined;
  const labels = Object.keys(selector.matchLabels ?? {});
  return labels.length === 1 && labels[0] === 'kubernetes.io/metadata.name' ? selector.matchLabels[labels[0]] : undefined;
}
