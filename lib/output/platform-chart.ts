import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

export interface PlatformChartProps {
  /**
   * Folder of dist/ this unit is written to. Units a vanilla cluster accepts live under `platform/` with a number
   * that gives the apply order (`platform/20-mysql`); units needing CRDs get a folder of their own (`argocd`).
   */
  readonly folder: string;
  /** Argo CD sync wave of the unit's Application: the same order as the folder numbers. */
  readonly wave: number;
  /** One line saying what the unit deploys, for file headers and the Argo CD Application. */
  readonly description: string;
}

/**
 * One deployable unit: one cdk8s Chart, one folder of dist/, one Argo CD child Application.
 * Names are set explicitly on every object (no hash suffixes): renaming a StatefulSet or PV in the cluster
 * means a new object and possibly lost data, so names are a contract pinned by the golden test.
 */
export class PlatformChart extends Chart {
  static all(scope: Construct): PlatformChart[] {
    return scope.node.findAll().filter((c): c is PlatformChart => c instanceof PlatformChart);
  }

  public readonly folder: string;
  public readonly wave: number;
  public readonly description: string;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    this.folder = props.folder;
    this.wave = props.wave;
    this.description = props.description;
  }
}
