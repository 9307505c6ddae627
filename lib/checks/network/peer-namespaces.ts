import { effectivePolicyTypes, PodModel } from './evaluator';
import { matchesLabelSelector } from './selector';

const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

interface NamespaceInfo { readonly name: string; readonly labels: Record<string, string> }

/**
 * For a pod and a direction, the namespaces whose pods its policies could possibly allow ('all' when it is not
 * isolated in that direction or a rule has no peer list). Over-approximates, so it may only ever say too much:
 * named ports and port lists are ignored, ipBlocks never match pods (the check refuses ipBlocks that cover the pod
 * network). Cached per namespace and label set.
 *
 * A peer that names its namespace (`kubernetes.io/metadata.name`, the shape every flow writes) is a lookup. A
 * label-based namespaceSelector is matched against {@link NamespaceClasses} — namespaces grouped by the labels any
 * such selector reads, which no selector can tell apart — once per class, not once per namespace.
 */
export class PeerNamespaces {
  private readonly byNamespace = new Map<string, any[]>();
  private readonly cache = new Map<string, Set<string> | 'all'>();
  /** The same pod model is asked about again and again: remember its answers on the object itself first. */
  private readonly byPod = new WeakMap<PodModel, { Ingress?: Set<string> | 'all'; Egress?: Set<string> | 'all' }>();
  private readonly classes: NamespaceClasses;

  constructor(policies: readonly any[], namespaces: readonly NamespaceInfo[]) {
    const labelSelectors: any[] = [];
    for (const p of policies) {
      const list = this.byNamespace.get(p.metadata.namespace) ?? [];
      list.push(p);
      this.byNamespace.set(p.metadata.namespace, list);
      for (const rule of [...(p.spec?.ingress ?? []).map((r: any) => r.from), ...(p.spec?.egress ?? []).map((r: any) => r.to)]) {
        for (const peer of rule ?? []) {
          if (peer.namespaceSelector && namespaceByName(peer.namespaceSelector) === undefined) labelSelectors.push(peer.namespaceSelector);
        }
      }
    }
    this.classes = new NamespaceClasses(namespaces, labelSelectors);
  }

  of(pod: PodModel, direction: 'Ingress' | 'Egress'): Set<string> | 'all' {
    const known = this.byPod.get(pod)?.[direction];
    if (known !== undefined) return known;
    const key = `${direction}\u0000${pod.namespace}\u0000${JSON.stringify(pod.labels ?? {})}`;
    let result = this.cache.get(key);
    if (result === undefined) {
      result = this.compute(pod, direction);
      this.cache.set(key, result);
    }
    this.byPod.set(pod, { ...this.byPod.get(pod), [direction]: result });
    return result;
  }

  private compute(pod: PodModel, direction: 'Ingress' | 'Egress'): Set<string> | 'all' {
    const selecting = (this.byNamespace.get(pod.namespace) ?? []).filter((p) =>
      effectivePolicyTypes(p.spec).includes(direction) && matchesLabelSelector(p.spec?.podSelector ?? {}, pod.labels));
    if (selecting.length === 0) return 'all';
    const result = new Set<string>();
    for (const p of selecting) {
      for (const rule of (direction === 'Ingress' ? p.spec?.ingress : p.spec?.egress) ?? []) {
        const peers = direction === 'Ingress' ? rule.from : rule.to;
        if (!peers || peers.length === 0) return 'all';
        for (const peer of peers) {
          if (peer.ipBlock) continue;
          const byName = namespaceByName(peer.namespaceSelector);
          if (byName !== undefined) result.add(byName);
          else if (peer.namespaceSelector) for (const ns of this.classes.matching(peer.namespaceSelector)) result.add(ns);
          else result.add(pod.namespace);
        }
      }
    }
    return result;
  }
}

/**
 * Namespaces grouped into classes that no label-based namespaceSelector of the tree tells apart: two namespaces are
 * in one class when they agree on every label key those selectors mention (with `kubernetes.io/metadata.name`
 * among them, every namespace is its own class). A selector is matched against one member per class.
 */
export class NamespaceClasses {
  private readonly members = new Map<string, { labels: Record<string, string>; names: string[] }>();
  private readonly matched = new Map<string, readonly string[]>();

  constructor(namespaces: readonly NamespaceInfo[], selectors: readonly any[]) {
    const keys = new Set<string>();
    for (const s of selectors) {
      for (const k of Object.keys(s.matchLabels ?? {})) keys.add(k);
      for (const e of s.matchExpressions ?? []) keys.add(e.key);
    }
    const mentioned = [...keys].sort();
    for (const ns of namespaces) {
      const labels: Record<string, string> = { ...ns.labels, [METADATA_NAME_LABEL]: ns.name };
      const key = JSON.stringify(mentioned.map((k) => labels[k] ?? null));
      const entry = this.members.get(key);
      if (entry) entry.names.push(ns.name);
      else this.members.set(key, { labels, names: [ns.name] });
    }
  }

  /** The namespaces a label selector matches. */
  matching(selector: any): readonly string[] {
    const key = JSON.stringify(selector);
    let names = this.matched.get(key);
    if (names === undefined) {
      names = [...this.members.values()].filter((c) => matchesLabelSelector(selector, c.labels)).flatMap((c) => c.names);
      this.matched.set(key, names);
    }
    return names;
  }
}

/** The namespace a selector names when it is exactly `{matchLabels: {kubernetes.io/metadata.name: X}}`. */
function namespaceByName(selector: any): string | undefined {
  if (!selector || selector.matchExpressions?.length) return undefined;
  const labels = Object.keys(selector.matchLabels ?? {});
  return labels.length === 1 && labels[0] === METADATA_NAME_LABEL ? selector.matchLabels[labels[0]] : undefined;
}
