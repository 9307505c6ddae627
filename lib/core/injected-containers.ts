import { Construct } from 'constructs';
import { show } from './errors';
import { allOf } from './tree';
import { isDnsLabel } from './validate';

/** Requests and limits as Kubernetes quantities. */
export interface InjectedResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Pod annotations through which a pod sets the injected container's resources (Istio's `sidecar.istio.io/proxyCPU`…). */
export interface ResourceAnnotations {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsCpu: string;
  readonly limitsMemory: string;
}

export interface InjectedContainersProps {
  /** Namespace whose pods get the container. */
  readonly namespace: string;
  /** Name of the container the webhook adds (`istio-proxy`). */
  readonly container: string;
  /** What it gets when the pod sets no resource annotation: the webhook's own default. */
  readonly defaultResources: InjectedResources;
  /** Annotations a pod template may carry to set the resources. @default - none: always the default */
  readonly resourceAnnotations?: ResourceAnnotations;
  /** A pod label with this value keeps the webhook away (`sidecar.istio.io/inject: "false"`). @default - none */
  readonly optOutLabel?: readonly [string, string];
  /** Who adds it: `Istio's sidecar injector`. */
  readonly madeBy: string;
  /** The platform.yaml key that sizes it, for messages (`mesh.istio.proxyResources`). */
  readonly configKey: string;
}

/**
 * A container a mutating admission webhook adds to every pod of a namespace (a mesh's sidecar), so it is not in
 * dist/ but still counts: against the namespace's ResourceQuota and LimitRange and the nodes' capacity. Like
 * ControllerPods it writes nothing; the quota-fit and capacity checks judge each pod as admission will leave it.
 * Without it a tenant whose quota fits its apps would pass synth and see every pod refused once the mesh injects.
 */
export class InjectedContainers extends Construct {
  /** Every InjectedContainers under `scope`, in tree order. */
  static all(scope: Construct): InjectedContainers[] { return allOf(scope, InjectedContainers); }

  public readonly namespace: string;
  public readonly container: string;
  public readonly madeBy: string;
  public readonly configKey: string;
  private readonly props: InjectedContainersProps;

  constructor(scope: Construct, id: string, props: InjectedContainersProps) {
    super(scope, id);
    if (!isDnsLabel(props.namespace)) throw new Error(`InjectedContainers ${this.node.path}: namespace ${show(props.namespace)} is not a DNS label (example: "demo").`);
    this.namespace = props.namespace;
    this.container = props.container;
    this.madeBy = props.madeBy;
    this.configKey = props.configKey;
    this.props = props;
  }

  /** The manifest's pod template as admitted: with the container added, unless it is elsewhere or opted out. */
  admit(manifest: any): any {
    if ((manifest.metadata?.namespace ?? 'default') !== this.namespace) return manifest;
    const path = templatePath(manifest.kind);
    if (!path) return manifest;
    const template = path.reduce((o, key) => o?.[key], manifest);
    if (!template?.spec) return manifest;
    const [label, value] = this.props.optOutLabel ?? [];
    if (label !== undefined && template.metadata?.labels?.[label] === value) return manifest;
    if ((template.spec.containers ?? []).some((c: any) => c.name === this.container)) return manifest;
    const admitted = { ...template, spec: { ...template.spec, containers: [...(template.spec.containers ?? []), { name: this.container, resources: this.resourcesFor(template.metadata?.annotations ?? {}) }] } };
    return replaceAt(manifest, path, admitted);
  }

  /** Whether a pod with these annotations sizes the container itself (else it gets the webhook's default). */
  sizedBy(annotations: Readonly<Record<string, string>>): boolean {
    const a = this.props.resourceAnnotations;
    return a !== undefined && Object.values(a).some((key) => annotations[key] !== undefined);
  }

  /** What the webhook gives a pod with these annotations. */
  resourcesFor(annotations: Readonly<Record<string, string>>): InjectedResources {
    const d = this.props.defaultResources;
    const a = this.props.resourceAnnotations;
    const pick = (key: string | undefined, fallback: string) => (key !== undefined && annotations[key] !== undefined ? annotations[key] : fallback);
    return {
      requests: { cpu: pick(a?.requestsCpu, d.requests.cpu), memory: pick(a?.requestsMemory, d.requests.memory) },
      limits: { cpu: pick(a?.limitsCpu, d.limits.cpu), memory: pick(a?.limitsMemory, d.limits.memory) },
    };
  }
}

/** Where each pod-making kind keeps its pod template. */
function templatePath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': return ['spec', 'template'];
    case 'CronJob': return ['spec', 'jobTemplate', 'spec', 'template'];
    case 'Pod': return [];
    default: return undefined;
  }
}

function replaceAt(o: any, path: readonly string[], value: any): any {
  if (path.length === 0) return { ...value, apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata };
  const [head, ...rest] = path;
  return { ...o, [head]: replaceAt(o[head] ?? {}, rest, value) };
}
