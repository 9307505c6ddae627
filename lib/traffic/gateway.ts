import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { commonLabels } from '../core/labels';
import { ExposedHost } from '../network/entry-point';
import { namespaceSelector } from '../network/flow';

export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
/** ReferenceGrant is served as v1beta1 in Gateway API v1.2 (standard channel). */
export const REFERENCE_GRANT_API_VERSION = 'gateway.networking.k8s.io/v1beta1';
const GROUP = 'gateway.networking.k8s.io';

/** A Gateway takes at most 64 listeners (CRD `maxItems`); one is the HTTP redirect. */
export const MAX_HOSTS = 63;

export interface PlatformGatewayProps {
  /** Name of the Gateway. @default 'platform' */
  readonly name?: string;
  /** Namespace of the Gateway (and its HTTP redirect route). */
  readonly namespace: string;
  /** GatewayClass of the installed implementation. */
  readonly className: string;
}

/**
 * The platform's one Gateway: an HTTP listener on 80 that only redirects to HTTPS, and one HTTPS listener per host
 * (`addHost`), which terminates TLS with the host owner's Secret and admits routes only from the owner's namespace —
 * so a tenant cannot attach a route for Grafana's host or another tenant's. Per host, the owner's namespace gets the
 * HTTPRoute (with the backends' weights) and a ReferenceGrant that lets exactly this Gateway read exactly that Secret
 * (the one cross-namespace reference; the route's parent is governed by `allowedRoutes`, its backends are local).
 */
export class PlatformGateway extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly className: string;
  /** The hosts added, in order. */
  public readonly hosts: ExposedHost[] = [];
  /** `namespace/secret` pairs already granted (hosts may share a certificate). */
  private readonly granted = new Set<string>();

  constructor(scope: Construct, id: string, props: PlatformGatewayProps) {
    super(scope, id);
    this.name = props.name ?? 'platform';
    this.namespace = props.namespace;
    this.className = props.className;
    const labels = this.labels('gateway');

    new ApiObject(this, 'Resource', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'Gateway',
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        gatewayClassName: this.className,
        // One listener per host: routes of one owner for other paths of the same host attach to it.
        listeners: Lazy.any({ produce: () => [this.httpListener(), ...this.hosts.filter((h, i) => this.hosts.findIndex((o) => o.host === h.host) === i).map((h) => this.httpsListener(h))] }),
      },
    });

    // No hostname: every plain-HTTP request on any host is answered with a redirect, never served.
    new ApiObject(this, 'HttpsRedirect', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name: `${this.name}-https-redirect`, namespace: this.namespace, labels },
      spec: {
        parentRefs: [{ group: GROUP, kind: 'Gateway', name: this.name, sectionName: 'http' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });
  }

  /** Serves one host: an HTTPS listener admitting only its namespace, its HTTPRoute, and the grant for its TLS Secret. */
  addHost(host: ExposedHost): void {
    if (!this.hosts.some((h) => h.host === host.host) && new Set(this.hosts.map((h) => h.host)).size >= MAX_HOSTS) {
      throw new Error(`Gateway ${this.namespace}/${this.name}: ${host.host} would be host number ${this.hosts.length + 1}; a Gateway takes at most ${MAX_HOSTS} HTTPS listeners — split the hosts over two Gateways.`);
    }
    this.hosts.push(host);
    const id = `${host.namespace}-${host.name}`;
    new ApiObject(this, `Route-${id}`, {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name: host.name, namespace: host.namespace, labels: { ...host.labels } },
      spec: {
        parentRefs: [{ group: GROUP, kind: 'Gateway', name: this.name, namespace: this.namespace, sectionName: listenerName(host.host) }],
        hostnames: [host.host],
        rules: [{
          matches: host.paths.map((value) => ({ path: { type: 'PathPrefix', value } })),
          backendRefs: host.backends.map((b) => ({ group: '', kind: 'Service', name: b.service, port: b.port, weight: b.weight })),
        }],
      },
    });
    const grant = `${host.namespace}/${host.tlsSecretName}`;
    if (host.namespace !== this.namespace && !this.granted.has(grant)) {
      this.granted.add(grant);
      new ApiObject(this, `Grant-${id}`, {
        apiVersion: REFERENCE_GRANT_API_VERSION,
        kind: 'ReferenceGrant',
        metadata: { name: `${this.name}-gateway-reads-${host.tlsSecretName}`.slice(0, 253), namespace: host.namespace, labels: this.labels('reference-grant') },
        spec: {
          from: [{ group: GROUP, kind: 'Gateway', namespace: this.namespace }],
          to: [{ group: '', kind: 'Secret', name: host.tlsSecretName }],
        },
      });
    }
  }

  private httpListener() {
    // Only the redirect route (in the Gateway's own namespace) may attach here.
    return { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GROUP, kind: 'HTTPRoute' }] } };
  }

  private httpsListener(host: ExposedHost) {
    return {
      name: listenerName(host.host),
      hostname: host.host,
      port: 443,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: host.tlsSecretName, namespace: host.namespace }] },
      allowedRoutes: {
        namespaces: { from: 'Selector', selector: namespaceSelector(host.namespace) },
        kinds: [{ group: GROUP, kind: 'HTTPRoute' }],
      },
    };
  }

  private labels(component: string): Record<string, string> {
    return commonLabels({ name: 'gateway', instance: this.name, component });
  }
}

/** `https-grafana-lab-example` (`*.lab.example`: `https-wildcard-lab-example`): a listener name (a DNS label) from the host. */
export function listenerName(host: string): string {
  return `https-${host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-')}`;
}
