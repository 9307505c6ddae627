import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { claimTemplate } from '../core/claim-template';
import { CONFIG_HASH_ANNOTATION } from '../core/config-hash';
import { ContainerResources, ImageRef } from '../core/security';
import { Flow } from '../network/flow';
import { FlowPort, IPeerable, Peer, Peers } from '../network/peer';
import { LOCAL_STORAGE_CLASS } from '../storage/local-volume';
import { ComponentIdentity, flowName, serviceAccount } from './common';

/** What every observability component lets its user change besides its own settings. */
export interface ComponentProps {
  /** Namespace. @default - the component's own namespace in OBSERVABILITY_NAMESPACES (logging, monitoring or node-agents) */
  readonly namespace?: string;
  /** Requests and limits. @default - the component's entry in DEFAULT_RESOURCES */
  readonly resources?: ContainerResources;
  /** Image. @default - the component's row of the versions table (lib/versions.ts) */
  readonly image?: ImageRef;
}

/** A component's own defaults and labels. */
export interface ComponentDefaults {
  readonly namespace: string;
  readonly resources: ContainerResources;
  readonly image: ImageRef;
  /** `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`. @default - the name */
  readonly instance?: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Container ports its metrics are served on (what Prometheus' flow opens). @default - none */
  readonly metricsPorts?: readonly FlowPort[];
}

/**
 * The one place where an observability component resolves its namespace, resources and image (each `??` its own
 * default, once) and gets its labels; its pods are its flow peer.
 */
export abstract class ObservabilityComponent extends Construct implements IPeerable {
  public readonly namespace: string;
  public readonly resources: ContainerResources;
  public readonly image: ImageRef;
  public readonly identity: ComponentIdentity;
  /** Short name for flow names and scrape jobs: the instance (`alloy-events`), else the name. */
  public readonly scrapeName: string;
  public readonly metricsPorts: readonly FlowPort[];

  protected constructor(scope: Construct, id: string, props: ComponentProps, defaults: ComponentDefaults) {
    super(scope, id);
    this.namespace = props.namespace ?? defaults.namespace;
    this.resources = props.resources ?? defaults.resources;
    this.image = props.image ?? defaults.image;
    this.identity = new ComponentIdentity({
      name: defaults.name, ...(defaults.instance !== undefined ? { instance: defaults.instance } : {}), component: defaults.component, version: this.image.tag,
    });
    this.scrapeName = defaults.instance ?? defaults.name;
    this.metricsPorts = defaults.metricsPorts ?? [];
  }

  /** The component's pods, as a flow peer. */
  toPeer(): Peer {
    return Peers.pods(this.namespace, this.identity.selector, this.scrapeName);
  }

  /** Opens this component → another one on `ports`: one flow, `allow-<this>-to-<target>`. */
  protected flowTo(id: string, target: IPeerable & { readonly scrapeName: string }, ports: readonly FlowPort[], description: string): Flow {
    return new Flow(this, id, { name: flowName(this.scrapeName, 'to', target.scrapeName), from: this, to: target, ports, description });
  }

  /** The component's ServiceAccount (named like it); the API token is mounted only when it calls the API. */
  protected addServiceAccount(usesApi: boolean): k8s.KubeServiceAccount {
    return serviceAccount(this, this.scrapeName, this.namespace, this.identity.labels, usesApi);
  }

  /** A ConfigMap in the component's namespace, with its labels. */
  /**
   * The component's one-replica Deployment, named like its ServiceAccount. `recreate`: never two pods at once (the
   * caller says why). `configHash`: rolls the pod when a file it reads changes (a hash of those files).
   */
  protected addDeployment(name: string, pod: k8s.PodSpec, options: { readonly recreate?: boolean; readonly configHash?: string } = {}): k8s.KubeDeployment {
    const labels = this.identity.labels;
    return new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        ...(options.recreate ? { strategy: { type: 'Recreate' } } : {}),
        selector: { matchLabels: this.identity.selector },
        template: {
          metadata: { labels, ...(options.configHash !== undefined ? { annotations: { [CONFIG_HASH_ANNOTATION]: options.configHash } } : {}) },
          spec: pod,
        },
      },
    });
  }

  /**
   * The component's node agent: a DaemonSet named like its ServiceAccount, one pod per node, rolled one node at a
   * time (a node without its agent loses logs or metrics while the pod restarts). `annotations` go on the pods.
   */
  protected addDaemonSet(name: string, annotations: Record<string, string>, pod: k8s.PodSpec): k8s.KubeDaemonSet {
    const labels = this.identity.labels;
    return new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        selector: { matchLabels: this.identity.selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: { metadata: { labels, annotations }, spec: pod },
      },
    });
  }

  protected configMap(id: string, name: string, data: Record<string, string>): k8s.KubeConfigMap {
    return new k8s.KubeConfigMap(this, id, { metadata: { name, namespace: this.namespace, labels: this.identity.labels }, data });
  }
}

/**
 * A component whose data is a one-pod StatefulSet's volume claim on a local volume (Loki, Prometheus): the one place
 * where the claim's template name, size and StorageClass are resolved. The claim of pod 0 is `storage-<name>-0`, the
 * name the observability part gives the local PersistentVolume's claimRef and backup.notBackedUp names.
 */
export abstract class StoreComponent extends ObservabilityComponent {
  /** Name of the StatefulSet's volumeClaimTemplate. */
  static readonly CLAIM_TEMPLATE = 'storage';

  public readonly storageSize: string;
  public readonly storageClassName: string;

  protected constructor(
    scope: Construct, id: string,
    props: ComponentProps & { readonly storageSize?: string; readonly storageClassName?: string },
    defaults: ComponentDefaults & { readonly storageSize: string },
  ) {
    super(scope, id, props, defaults);
    this.storageSize = props.storageSize ?? defaults.storageSize;
    // A local volume, never NFS: neither TSDB supports it.
    this.storageClassName = props.storageClassName ?? LOCAL_STORAGE_CLASS;
  }

  /** The StatefulSet's volumeClaimTemplate (stable labels: a template cannot change once created). */
  protected claimTemplate(): ReturnType<typeof claimTemplate> {
    return claimTemplate({ name: StoreComponent.CLAIM_TEMPLATE, labels: this.identity.stableLabels, storageClassName: this.storageClassName, size: this.storageSize });
  }
}
