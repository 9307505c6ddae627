import { autoscalerCeilings, podsOfManifest } from '../core/pod-templates';
import { SynthesizedObject } from '../output/synthesized';
import { PodTemplate } from './tree-pod-templates';

/**
 * The synthesized tree indexed once, by kind and by namespace, with its pod templates: every whole-tree check
 * looks objects up here instead of filtering the whole list again, so the checks stay linear in the number of
 * objects (1,000 tenants are 13,000 objects). Built on first use and shared by every check that gets the same
 * object list, so that list must not change once checked (the pipeline synthesizes it once; build a new list to
 * check another tree).
 */
export class TreeIndex {
  private static readonly cache = new WeakMap<readonly SynthesizedObject[], TreeIndex>();

  /** The index of `objects`, built once per list. */
  static of(objects: readonly SynthesizedObject[]): TreeIndex {
    let index = TreeIndex.cache.get(objects);
    if (!index) {
      index = new TreeIndex(objects);
      TreeIndex.cache.set(objects, index);
    }
    return index;
  }

  private readonly kinds = new Map<string, SynthesizedObject[]>();
  private readonly namespaces = new Map<string, SynthesizedObject[]>();
  private readonly templatesByNamespace = new Map<string, PodTemplate[]>();
  /** Every pod template, in tree order. */
  public readonly podTemplates: readonly PodTemplate[];

  private constructor(public readonly objects: readonly SynthesizedObject[]) {
    for (const o of objects) {
      push(this.kinds, o.manifest.kind, o);
      const ns = o.manifest.metadata?.namespace;
      if (ns !== undefined) push(this.namespaces, ns, o);
    }
    const ceilings = autoscalerCeilings(this.ofKind('HorizontalPodAutoscaler').map((o) => o.manifest));
    const templates: PodTemplate[] = [];
    for (const object of objects) {
      const m = object.manifest;
      const namespace = m.metadata?.namespace ?? 'default';
      const ref = `${namespace}/${m.kind}/${m.metadata?.name}`;
      const pods = podsOfManifest(m, ceilings.get(ref));
      if (!pods) continue;
      const template: PodTemplate = { object, kind: m.kind, name: m.metadata?.name, namespace, ref, ...pods };
      templates.push(template);
      push(this.templatesByNamespace, namespace, template);
    }
    this.podTemplates = templates;
  }

  /** Objects of one kind, in tree order. */
  ofKind(kind: string): readonly SynthesizedObject[] {
    return this.kinds.get(kind) ?? [];
  }

  /** Namespaced objects of one namespace, in tree order. */
  inNamespace(namespace: string): readonly SynthesizedObject[] {
    return this.namespaces.get(namespace) ?? [];
  }

  /** Pod templates of one namespace, in tree order. */
  templatesIn(namespace: string): readonly PodTemplate[] {
    return this.templatesByNamespace.get(namespace) ?? [];
  }
}

/** Appends to the list under `key`, creating it. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
