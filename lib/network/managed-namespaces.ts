import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { show } from '../core/errors';

const registries = new WeakMap<IConstruct, Set<string>>();

/**
 * The one place that decides whether Platform Kit manages a namespace — owns its NetworkPolicies, so a flow writes
 * its policy side there. `buildPlatform` declares the namespaces every part manages on the tree's root before any
 * part is built; a {@link NamespaceBaseline} (and so a TenantNamespace) declares its own. In a tree with a declaration, a namespace is managed
 * exactly when declared, and a validation proves the tree agrees (every Namespace object it creates is declared).
 * A tree without any declaration (one construct composed alone, as in a unit test) treats every namespace as its own,
 * except the cluster's infrastructure namespaces marked `external` on the peer.
 */
export class ManagedNamespaces {
  /** Declares namespaces as managed on the tree `scope` belongs to (idempotent). */
  static declare(scope: IConstruct, namespaces: Iterable<string>): void {
    const root = scope.node.root;
    let set = registries.get(root);
    if (!set) {
      set = new Set();
      registries.set(root, set);
      root.node.addValidation({ validate: () => ManagedNamespaces.undeclaredNamespaces(root) });
    }
    for (const ns of namespaces) set.add(ns);
  }

  /**
   * A construct that creates a namespace (NamespaceBaseline) records it, when the tree tracks its namespaces; it never
   * starts the tracking itself, so a construct composed alone keeps treating every namespace as its own.
   */
  static recordCreated(scope: IConstruct, namespace: string): void {
    registries.get(scope.node.root)?.add(namespace);
  }

  /** Whether a flow under `scope` writes policies into `namespace`. */
  static isManaged(scope: IConstruct, namespace: string): boolean {
    const set = registries.get(scope.node.root);
    return set === undefined ? true : set.has(namespace);
  }

  /** The declared namespaces of the tree, sorted (undefined when nothing was declared). */
  static of(scope: IConstruct): readonly string[] | undefined {
    const set = registries.get(scope.node.root);
    return set === undefined ? undefined : [...set].sort();
  }

  private static undeclaredNamespaces(root: Construct | IConstruct): string[] {
    const set = registries.get(root) ?? new Set<string>();
    return root.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1' && !set.has(c.name))
      .map((ns) => `${ns.node.path} creates namespace ${show(ns.name)}, which no part declares as managed; flows built before it did not write their policies there. Create it with NamespaceBaseline (TenantNamespace for a tenant), or call ManagedNamespaces.declare(app, [${show(ns.name)}]) before building the constructs that connect to it.`);
  }
}
