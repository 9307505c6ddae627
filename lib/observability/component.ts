import { Construct } from 'constructs';
import { ContainerResources } from '../core/security';
import { IPeerable, Peer, Peers } from '../network/peer';
import { ImagePin } from './config-files';
import { ComponentIdentity } from './common';

/** What every observability component lets its user change besides its own settings. */
export interface ComponentProps {
  /** Namespace. @default - the component's own namespace in OBSERVABILITY_NAMESPACES (logging, monitoring or node-agents) */
  readonly namespace?: string;
  /** Requests and limits. @default - the component's entry in DEFAULT_RESOURCES */
  readonly resources?: ContainerResources;
  /** Image. @default - the component's row of the versions table (lib/versions.ts) */
  readonly image?: ImagePin;
}

/** A component's own defaults and labels. */
export interface ComponentDefaults {
  readonly namespace: string;
  readonly resources: ContainerResources;
  readonly image: ImagePin;
  /** `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`. @default - the name */
  readonly instance?: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
}

/**
 * The one place where an observability component resolves its namespace, resources and image (each `??` its own
 * default, once) and gets its labels; its pods are its flow peer.
 */
export abstract class ObservabilityComponent extends Construct implements IPeerable {
  public readonly namespace: string;
  public readonly resources: ContainerResources;
  public readonly image: ImagePin;
  public readonly identity: ComponentIdentity;
  private readonly peerName: string;

  protected constructor(scope: Construct, id: string, props: ComponentProps, defaults: ComponentDefaults) {
    super(scope, id);
    this.namespace = props.namespace ?? defaults.namespace;
    this.resources = props.resources ?? defaults.resources;
    this.image = props.image ?? defaults.image;
    this.identity = new ComponentIdentity({
      name: defaults.name, ...(defaults.instance !== undefined ? { instance: defaults.instance } : {}), component: defaults.component, version: this.image.tag,
    });
    this.peerName = defaults.instance ?? defaults.name;
  }

  /** The component's pods, as a flow peer. */
  toPeer(): Peer {
    return Peers.pods(this.namespace, this.identity.selector, this.peerName);
  }
}
