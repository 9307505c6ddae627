import { Construct } from 'constructs';
import { show } from '../core/errors';
import type { FirstTimeSecret } from '../parts/platform-part';
import { fitFlowName, Flow } from './flow';
import { HOST_NAME, IngressRoute } from './ingress-route';
import { Peer, Peers, Port } from './peer';

/** One Service behind an exposed host, with the share of requests it gets. */
export interface EntryBackend {
  /** The Service (in the host's namespace). */
  readonly service: string;
  /** Port of that Service. */
  readonly port: number;
  /** The pods behind it and their container port: the flow from the entry point opens exactly this. */
  readonly pods: Peer;
  readonly containerPort: number | string;
  /** Share of the requests, 0–100; the weights of one host sum to 100. @default 100 (the only backend) */
  readonly weight?: number;
  /**
   * The Service selects several versions on purpose, and a mesh splits its requests by subset (an Istio
   * DestinationRule, which proves its own subsets). @default false (the Service selects one workload's pods)
   */
  readonly meshSplit?: boolean;
  /**
   * The Service is not in dist/: a controller creates it at run time from this custom resource (in the host's
   * namespace), as the website controller does for a Website. The backend check then requires that object in the
   * tree instead of the Service (and cannot see which pods the Service will select).
   * @default - the Service is in dist/
   */
  readonly madeBy?: ControllerMadeService;
}

/** Which object makes a controller create a backend Service, and who the controller is. */
export interface ControllerMadeService {
  readonly apiVersion: string;
  readonly kind: string;
  /** Name of the custom resource (in the host's namespace). */
  readonly name: string;
  /** The controller, for messages: `the website controller`. */
  readonly controller: string;
}

/** What a construct asks of the entry point: serve `https://host/path` from its Service(s). */
export interface ExposeProps {
  /** Name of the route object(s) (the Ingress or HTTPRoute) and the base of flow names. */
  readonly name: string;
  /** Namespace that owns the host: the route and the TLS Secret live here, and only it may claim the host. */
  readonly namespace: string;
  /** Host name clients use, e.g. `grafana.lab.example`. */
  readonly host: string;
  /** Existing kubernetes.io/tls Secret in `namespace`, created out of band. */
  readonly tlsSecretName: string;
  /** Path prefix. @default '/' */
  readonly path?: string;
  /**
   * Several path prefixes served by the same backends (Harbor's core: /api/, /service/, /v2/, /c/); another expose of
   * the same host by the same namespace can serve the rest (the portal at /). @default - [path]
   */
  readonly paths?: readonly string[];
  /** The Service(s) that serve it: one, or a stable and a canary with weights. */
  readonly backends: readonly EntryBackend[];
  /** Labels of the route object(s). @default {} */
  readonly labels?: Record<string, string>;
  /** Extra annotations for an Ingress controller (ignored by the Gateway API entry). @default {} */
  readonly annotations?: Record<string, string>;
}

/** A host served through the platform's entry point, as parts offer it to the gateway part (`exposedHosts`). */
export interface ExposedHost {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly tlsSecretName: string;
  /** The first of `paths` (what a single-path host serves). */
  readonly path: string;
  /** Path prefixes this route serves. */
  readonly paths: readonly string[];
  /** Service, port and weight of each backend (weights sum to 100); `madeBy` when a controller creates the Service. */
  readonly backends: readonly { readonly service: string; readonly port: number; readonly weight: number; readonly meshSplit?: boolean; readonly madeBy?: ControllerMadeService }[];
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * How the platform lets HTTPS in: the one call WebApp, Grafana (and any other exposed component) make, whichever
 * implementation the cluster uses. `expose` writes what belongs to the exposing construct (for an Ingress the object
 * itself; in both cases the flows from the entry point's pods) and returns the host, which the construct offers to
 * the gateway part (`exposedHosts`) — with the Gateway API, that part writes the HTTPRoute next to the Gateway.
 */
export interface EntryPoint {
  readonly kind: 'ingress' | 'gateway-api';
  /** The pods that carry the entry's requests to the exposed pods (the source of its flows). */
  readonly proxy: Peer;
  expose(scope: Construct, id: string, props: ExposeProps): ExposedHost;
}

/** The ingress controller an {@link IngressEntry} uses. */
export interface IngressEntryProps {
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /** Namespace of the ingress controller pods (the flow admits exactly them). @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
}

/** The Gateway an {@link GatewayEntry} attaches to. */
export interface GatewayEntryProps {
  /** The pods that carry the Gateway's traffic (its data plane): the flows to every exposed app start here. */
  readonly proxyPods: Peer;
}

/** Entry through an Ingress controller (ingress-nginx, k3s's Traefik): an {@link IngressRoute} per host. */
export class IngressEntry implements EntryPoint {
  public readonly kind = 'ingress' as const;
  public readonly className: string;
  public readonly controllerNamespace: string;

  constructor(props: IngressEntryProps = {}) {
    this.className = props.className ?? 'nginx';
    this.controllerNamespace = props.controllerNamespace ?? 'ingress-nginx';
  }

  get proxy(): Peer {
    return Peers.externalNamespace(this.controllerNamespace);
  }

  expose(scope: Construct, id: string, props: ExposeProps): ExposedHost {
    const exposed = exposedHost(props);
    if (props.backends.length !== 1) {
      // An Ingress has no portable way to split traffic (only controller-specific annotations).
      throw new Error(`${props.namespace}/${props.name}: ${props.backends.length} backends (a canary) need the Gateway API entry, which splits traffic by weight; an Ingress serves one Service.`);
    }
    const [backend] = props.backends;
    new IngressRoute(scope, id, {
      name: props.name,
      namespace: props.namespace,
      host: props.host,
      serviceName: backend.service,
      servicePort: backend.port,
      backend: { pods: backend.pods, containerPort: backend.containerPort },
      tlsSecretName: props.tlsSecretName,
      className: this.className,
      controllerNamespace: this.controllerNamespace,
      paths: exposed.paths,
      annotations: props.annotations,
      labels: props.labels,
    });
    return exposed;
  }
}

/**
 * Entry through the platform Gateway (Gateway API): the gateway part writes the HTTPRoute (with the backends'
 * weights) and the Gateway's listener for the host; here, the flow from the Gateway's pods to each backend.
 */
export class GatewayEntry implements EntryPoint {
  public readonly kind = 'gateway-api' as const;
  public readonly proxyPods: Peer;

  constructor(props: GatewayEntryProps) {
    this.proxyPods = props.proxyPods;
  }

  get proxy(): Peer {
    return this.proxyPods;
  }

  expose(scope: Construct, id: string, props: ExposeProps): ExposedHost {
    const exposed = exposedHost(props);
    const holder = new Construct(scope, id);
    props.backends.forEach((backend) => {
      new Flow(holder, `From-${backend.service}`, {
        name: fitFlowName(`allow-gateway-to-${backend.service}`),
        from: this.proxyPods,
        to: backend.pods,
        ports: [Port.tcp(backend.containerPort)],
        description: `the Gateway serves ${exposed.paths.map((p) => `https://${props.host}${p}`).join(', ')}`,
      });
    });
    return exposed;
  }
}

/** The host as offered, after the checks both entry points share: a DNS name, one or more backends, weights summing to 100. */
function exposedHost(props: ExposeProps): ExposedHost {
  const at = `${props.namespace}/${props.name}`;
  if (!HOST_NAME.test(props.host)) {
    throw new Error(`${at}: host ${show(props.host)} is not a DNS name with a domain (example: "grafana.lab.example").`);
  }
  const paths = props.paths ?? [props.path ?? '/'];
  if (paths.length === 0) throw new Error(`${at}: paths is empty; give at least one path prefix (example: ["/"]).`);
  for (const p of paths) {
    if (!p.startsWith('/')) throw new Error(`${at}: path ${show(p)} must start with "/" (example: "/" or "/hello").`);
  }
  const path = paths[0];
  if (props.backends.length === 0) throw new Error(`${at}: no backend; give the Service that serves ${props.host}.`);
  const weights = props.backends.map((b) => b.weight ?? (props.backends.length === 1 ? 100 : NaN));
  if (weights.some((w) => !Number.isInteger(w) || w < 0 || w > 100) || weights.reduce((a, b) => a + b, 0) !== 100) {
    throw new Error(`${at}: backend weights ${show(weights)} must be whole numbers from 0 to 100 that sum to 100 (e.g. [90, 10]).`);
  }
  return {
    name: props.name,
    namespace: props.namespace,
    host: props.host,
    tlsSecretName: props.tlsSecretName,
    path,
    paths: [...paths],
    backends: props.backends.map((b, i) => ({ service: b.service, port: b.port, weight: weights[i], ...(b.meshSplit ? { meshSplit: true } : {}), ...(b.madeBy ? { madeBy: { ...b.madeBy } } : {}) })),
    labels: { ...(props.labels ?? {}) },
  };
}

/** Problems with hosts claimed more than once (each host is one listener or Ingress rule, owned by one namespace). */
export function duplicateHosts(hosts: readonly ExposedHost[]): string[] {
  const seen = new Map<string, ExposedHost>();
  const servedPaths = new Map<string, ExposedHost>();
  const problems: string[] = [];
  for (const h of hosts) {
    const first = seen.get(h.host);
    // One namespace may serve one host through several routes (different paths); two namespaces never share one.
    if (first && first.namespace !== h.namespace) {
      problems.push(`host ${show(h.host)} is served by both ${first.namespace}/${first.name} and ${h.namespace}/${h.name}; give each its own host (each host is owned by one namespace).`);
      continue;
    }
    if (!first) seen.set(h.host, h);
    for (const p of h.paths) {
      const other = servedPaths.get(`${h.host}${p}`);
      if (other) problems.push(`https://${h.host}${p} is served by both ${other.namespace}/${other.name} and ${h.namespace}/${h.name}; give each route its own path.`);
      else servedPaths.set(`${h.host}${p}`, h);
    }
  }
  return problems;
}

/** The first-time Secret entry of a host's TLS certificate (the same for both entry points). */
export function tlsSecretOffer(host: { readonly namespace: string; readonly host: string; readonly tlsSecretName: string }, configKey: string): FirstTimeSecret {
  return {
    namespace: host.namespace, name: host.tlsSecretName, type: 'tls' as const,
    keys: [
      { key: 'tls.crt', description: `certificate for ${host.host}`, value: 'provided' as const },
      { key: 'tls.key', description: 'its private key', value: 'provided' as const },
    ],
    readBy: `the entry point (Ingress or Gateway) of https://${host.host}`, configKey,
  };
}
