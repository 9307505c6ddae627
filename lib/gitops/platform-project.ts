import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AppProject } from '../../imports/argocd-appproject-argoproj.io';
import { argoMetadata, checkRepoUrl, IN_CLUSTER } from './argo-application';
import { GroupKind, unique, uniqueKinds, UnitInventory } from './inventory';

/** The Argo CD kinds the root Application syncs into Argo CD's own namespace. */
export const ARGO_CD_KINDS: readonly GroupKind[] = [
  { group: 'argoproj.io', kind: 'AppProject' },
  { group: 'argoproj.io', kind: 'Application' },
];

export interface PlatformProjectProps {
  /** AppProject name. */
  readonly name: string;
  /** Namespace Argo CD is installed in (the AppProject lives there, and the root Application deploys there). */
  readonly namespace: string;
  /** The only repository the project's Applications may read. */
  readonly repoURL: string;
  /** The units deployed through the project; destinations and kinds are derived from their objects. */
  readonly units: readonly UnitInventory[];
  /** Sync wave of the AppProject in the root Application (before any Application that names it). */
  readonly wave: number;
  /** One line for the Argo CD UI. */
  readonly description: string;
  /** Labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * The AppProject every Platform Kit Application belongs to, as narrow as the output allows: one source
 * repository; as destinations only the namespaces the platform's objects are in (plus Argo CD's own, for the
 * Applications); and as kinds only those the platform really creates — cluster-scoped and namespaced — read from
 * the synthesized units, so a new kind in a unit is allowed exactly when the unit starts creating it.
 */
export class PlatformProject extends Construct {
  public readonly name: string;
  public readonly resource: AppProject;

  constructor(scope: Construct, id: string, props: PlatformProjectProps) {
    super(scope, id);
    checkRepoUrl(props.repoURL, `PlatformProject ${props.name}`);
    this.name = props.name;
    const units = props.units;

    this.resource = new AppProject(this, 'Resource', {
      // Never pruned: Applications that name a missing project stop syncing.
      metadata: argoMetadata(props, true),
      spec: {
        description: props.description,
        sourceRepos: [props.repoURL],
        destinations: Lazy.any({
          produce: () => unique([props.namespace, ...units.flatMap((u) => u.namespaces())]).map((namespace) => ({ server: IN_CLUSTER, namespace })),
        }),
        // Left out when empty: Argo CD then allows no cluster-scoped kind at all.
        clusterResourceWhitelist: Lazy.any({ produce: () => nonEmpty(clusterKinds(units)) }),
        namespaceResourceWhitelist: Lazy.any({
          produce: () => uniqueKinds([...ARGO_CD_KINDS, ...units.flatMap((u) => u.kinds('namespaced'))]),
        }),
      },
    });
  }
}

/** The cluster-scoped kinds the units create, sorted. Argo CD allows no cluster-scoped kind that is not listed. */
export function clusterKinds(units: readonly UnitInventory[]): GroupKind[] {
  return uniqueKinds(units.flatMap((u) => u.kinds('cluster')));
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
