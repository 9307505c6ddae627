import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from './errors';
import { surgeOf } from './pod-templates';
import { isDnsLabel } from './validate';
import { allOf } from './tree';

/** Annotation of a stand-in manifest: who really creates the workload, and from what. */
export const STAND_IN_ANNOTATION = 'platform-kit.io/stand-in-for';

export interface ControllerPodsProps {
  /** Namespace the controller creates the workload in. */
  readonly namespace: string;
  /** Name of the Deployment the controller creates. */
  readonly name: string;
  /** Pods it runs. */
  readonly replicas: number;
  /** Labels of its pods (flows and the isolation proof select them). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Its pod spec as the controller writes it (resources and ports are what the checks read). */
  readonly podSpec: k8s.PodSpec;
  /** Who creates it, from what: `the website controller, for Website demo/xxhf`. */
  readonly madeBy: string;
  /** The Deployment's rolling-update surge, as the controller leaves it. @default - the Deployment default (25%, rounded up) */
  readonly maxSurge?: number;
}

/**
 * Pods a controller creates at run time, so they are not in dist/, but still count: against their namespace's
 * ResourceQuota and LimitRange, against the nodes' capacity, and in the network proof (flows to them, isolation).
 * The construct writes nothing; the whole-tree checks find every one in the tree and judge it as the Deployment the
 * controller will make (a stand-in manifest marked with {@link STAND_IN_ANNOTATION}). Without it a tenant whose
 * quota fits its own apps but not its websites would pass synth and see the controller's pods refused by admission.
 */
export class ControllerPods extends Construct {
  /** Every ControllerPods under `scope`, in tree order. */
  static all(scope: Construct): ControllerPods[] { return allOf(scope, ControllerPods); }

  public readonly namespace: string;
  public readonly name: string;
  public readonly replicas: number;
  public readonly madeBy: string;
  private readonly props: ControllerPodsProps;

  constructor(scope: Construct, id: string, props: ControllerPodsProps) {
    super(scope, id);
    if (!isDnsLabel(props.namespace)) throw new Error(`ControllerPods ${this.node.path}: namespace ${show(props.namespace)} is not a DNS label (example: "demo").`);
    if (!Number.isInteger(props.replicas) || props.replicas < 0) throw new Error(`ControllerPods ${this.node.path}: replicas ${show(props.replicas)} must be a whole number >= 0.`);
    this.namespace = props.namespace;
    this.name = props.name;
    this.replicas = props.replicas;
    this.madeBy = props.madeBy;
    this.props = props;
  }

  /** The Deployment the controller will create, as the checks see it (never written to dist/). */
  toManifest(): Record<string, unknown> {
    const p = this.props;
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: p.name, namespace: p.namespace, annotations: { [STAND_IN_ANNOTATION]: p.madeBy } },
      spec: {
        replicas: p.replicas,
        selector: { matchLabels: { ...p.podLabels } },
        ...(p.maxSurge !== undefined ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: p.maxSurge } } } : {}),
        template: { metadata: { labels: { ...p.podLabels } }, spec: k8s.toJson_PodSpec(p.podSpec) },
      },
    };
    return manifest;
  }

  /** Extra pods a rolling update of the controller's Deployment starts. */
  get surge(): number {
    return surgeOf(this.toManifest(), this.replicas);
  }

  /** The chart (unit) the stand-in is counted with, for messages. */
  get chart(): Chart {
    return Chart.of(this);
  }
}
