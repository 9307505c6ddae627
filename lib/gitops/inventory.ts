import { ApiObject, Chart } from 'cdk8s';
import { byteOrder } from '../output/layout';
import { PlatformChart } from '../output/platform-chart';
import { manifestOf } from '../output/synthesized';

/** An API group and kind, as an AppProject whitelist names them (`''` is the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * What one deployable unit holds, read from its chart's constructs. Everything here is meant to be called at
 * synthesis time (inside `Lazy` producers), when every unit has added all its objects.
 */
export class UnitInventory {
  constructor(public readonly chart: PlatformChart) {}

  /** The chart's own API objects (not those of charts nested in it). */
  objects(): ApiObject[] {
    return this.chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === this.chart);
  }

  /**
   * Namespaces it touches, sorted: those of its namespaced objects and those it creates. Cluster-scoped objects
   * carry no namespace (as in the layout).
   */
  namespaces(): string[] {
    const objects = this.objects();
    return unique([
      ...objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined),
      ...objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1').map((o) => o.name),
    ]);
  }

  /** Kinds it creates, cluster-scoped or namespaced, sorted by group then kind. */
  kinds(scope: 'cluster' | 'namespaced'): GroupKind[] {
    const wanted = this.objects().filter((o) => (o.metadata.namespace === undefined) === (scope === 'cluster'));
    return uniqueKinds(wanted.map((o) => groupKindOf(o.apiVersion, o.kind)));
  }

  /** Size in bytes of its largest object as compact JSON: what client-side apply stores in an annotation. */
  largestObjectBytes(): number {
    return Math.max(0, ...this.objects().map((o) => Buffer.byteLength(JSON.stringify(manifestOf(o)))));
  }

  /** `40-app-helloworld` → `app-helloworld`: the unit's name without its place in the order. */
  get unitName(): string {
    return this.chart.folder.replace(/^\d+-/, '');
  }
}

export function groupKindOf(apiVersion: string, kind: string): GroupKind {
  return { group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind };
}

export function uniqueKinds(kinds: readonly GroupKind[]): GroupKind[] {
  const byKey = new Map(kinds.map((k) => [`${k.group}/${k.kind}`, k]));
  return [...byKey.values()].sort((a, b) => byteOrder(a.group, b.group) || byteOrder(a.kind, b.kind));
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(byteOrder);
}
