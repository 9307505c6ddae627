import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { allOf } from '../core/tree';

export interface PlatformChartProps {
  /**
   * Where in dist/ this unit is written. Units a vanilla cluster accepts are `NN-name` with a number that gives the
   * apply order (`20-mysql`: files `dist/20-mysql.*.yaml`); units needing CRDs get a folder named after what they
   * need (`needs-argocd`: files `dist/needs-argocd/*.yaml`). See lib/output/layout.ts.
   */
  readonly folder: string;
  /** Argo CD sync wave of the unit's Application: the same order as the unit numbers. */
  readonly wave: number;
  /** One line saying what the unit deploys, for file headers and the Argo CD Application. */
  readonly description: string;
}

/**
 * One deployable unit: one cdk8s Chart, one set of files in dist/, one Argo CD child Application.
 * Names are set explicitly on every object (no hash suffixes): renaming a StatefulSet or PV in the cluster
 * means a new object and possibly lost data, so names are a contract pinned by the golden test.
 */
export class PlatformChart extends Chart {
  static all(scope: Construct): PlatformChart[] { return allOf(scope, PlatformChart); }

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
