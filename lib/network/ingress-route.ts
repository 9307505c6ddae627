import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { Flow } from './flow';
import { Peer, Peers, Port } from './peer';

export interface IngressRouteProps {
  /** Name of the Ingress (and the base of its TLS Secret's default name). */
  readonly name: string;
  /** Namespace of the Ingress and its backend Service. */
  readonly namespace: string;
  /** Host name clients use, e.g. `grafana.lab.example`. */
  readonly host: string;
  /** The Service to route to. */
  readonly serviceName: string;
  /** Port of that Service (number or name). */
  readonly servicePort: number | string;
  /** The backend pods and their container port: the flow from the ingress controller opens exactly this. */
  readonly backend: { readonly pods: Peer; readonly containerPort: number | string };
  /** Secret of type kubernetes.io/tls in the same namespace, created out of band. @default `${name}-tls` */
  readonly tlsSecretName?: string;
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /** Namespace of the ingress controller pods. @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
  /** Path prefix. @default '/' */
  readonly path?: string;
  /** Several path prefixes to the same backend (Harbor's `/api/`, `/v2/`…); replaces `path`. @default - [path] */
  readonly paths?: readonly string[];
  /** Extra annotations for the controller. @default {} */
  readonly annotations?: Record<string, string>;
  /** Labels of the Ingress. @default {} */
  readonly labels?: Record<string, string>;
}

/** A host clients use: a DNS name with a domain, optionally a `*.` wildcard (Ingress rules and Gateway listeners take both). */
export const HOST_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * An HTTPS route from the cluster's ingress controller to one Service: the Ingress (TLS from a Secret reference,
 * HTTP redirected to HTTPS by ingress-nginx when TLS is set) plus the flow that lets the controller reach the
 * backend pods on their port — the piece kube-prometheus forgot, leaving Grafana unreachable.
 */
export class IngressRoute extends Construct {
  public readonly host: string;
  public readonly tlsSecretName: string;

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    if (!HOST_NAME.test(props.host)) {
      throw new Error(`IngressRoute ${props.namespace}/${props.name}: host ${show(props.host)} is not a DNS name with a domain (example: "grafana.lab.example").`);
    }
    this.host = props.host;
    this.tlsSecretName = props.tlsSecretName ?? `${props.name}-tls`;
    const port = typeof props.servicePort === 'number' ? { number: props.servicePort } : { name: props.servicePort };
    const paths = props.paths ?? [props.path ?? '/'];
    if (paths.length === 0 || paths.some((p) => !p.startsWith('/'))) {
      throw new Error(`IngressRoute ${props.namespace}/${props.name}: paths ${show(paths)} must be a non-empty list of prefixes starting with "/" (example: ["/api/"]).`);
    }

    new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels ?? {},
        ...(props.annotations && Object.keys(props.annotations).length > 0 ? { annotations: props.annotations } : {}),
      },
      spec: {
        ingressClassName: props.className ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: this.tlsSecretName }],
        rules: [{
          host: props.host,
          http: { paths: paths.map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: props.serviceName, port } } })) },
        }],
      },
    });

    new Flow(this, 'FromController', {
      name: `allow-ingress-to-${props.name}`,
      from: Peers.externalNamespace(props.controllerNamespace ?? 'ingress-nginx'),
      to: props.backend.pods,
      ports: [Port.tcp(props.backend.containerPort)],
      description: `the ingress controller serves ${paths.map((p) => `https://${props.host}${p}`).join(', ')}`,
    });
  }
}
