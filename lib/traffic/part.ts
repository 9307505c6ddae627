import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { duplicateHosts, EntryPoint, GatewayEntry, IngressEntry } from '../network/entry-point';
import { Peers } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { definePart, LoadedConfig, sectionOf } from '../parts/platform-part';
import { tenantsOf } from '../tenancy/part';
import { NamespaceBaseline } from '../tenancy/namespace-baseline';
import { backendProblems } from './backend-check';
import { checkGatewayConfig, GatewayConfig, gatewaySchema } from './config';
import { PlatformGateway } from './gateway';

/**
 * The gateway's namespace: `25-gateway`, wave 25. It comes before observability (30) and the apps (40) because the
 * flows they write may reach into it, and a policy cannot be applied into a namespace that does not exist yet.
 */
export const GATEWAY_UNIT = { folder: '25-gateway', wave: 25, description: 'Namespace of the platform Gateway (no pods)' };
/** The Gateway and its routes need the Gateway API CRDs: `needs-gateway-api/`, wave 45 (after the Services they route to). */
export const GATEWAY_ROUTES_UNIT = { folder: 'needs-gateway-api', wave: 45, description: 'Gateway API: the platform Gateway, one HTTPRoute per exposed host, ReferenceGrants for the TLS Secrets' };

/**
 * How the platform's hosts are served, for the parts that expose one (observability's Grafana, the apps): the
 * Gateway API entry when `gateway.enabled`, else an Ingress through `cluster.ingress`.
 */
export function entryPointOf(whole: LoadedConfig): EntryPoint {
  const g = sectionOf(gatewayPart, whole);
  if (g?.enabled) return new GatewayEntry({ proxyPods: Peers.externalPods(g.proxy.namespace, { ...g.proxy.podSelector }, 'gateway-proxy') });
  return new IngressEntry({ className: whole.cluster.ingress.className, controllerNamespace: whole.cluster.ingress.controllerNamespace });
}

/** What the gateway part built: the namespace and the Gateway, once some part offered a host (else nothing). */
export interface GatewayOutput {
  namespace?: NamespaceBaseline;
  gateway?: PlatformGateway;
}

/**
 * The Gateway API entry point: the namespace (default-deny, no pods: the proxy runs in the implementation's own
 * namespace), the Gateway, and a listener and an HTTPRoute for every host the other parts offer (`exposedHosts`).
 * It is built in `connect`, when the hosts are known, and only when there is one: a platform that exposes nothing
 * gets no Gateway. With `enabled: false` it builds nothing, but still proves every host has one owner (Ingress rules
 * for one host from two namespaces would be merged or fought over by the controller) and that each backend Service
 * selects exactly one workload's pods. The flows from the proxy to each exposed app are written by the exposing construct
 * ({@link GatewayEntry}); this part knows no other part.
 */
export const gatewayPart = definePart({
  key: 'gateway',
  schema: gatewaySchema,
  configType: sectionTypeIn('traffic', 'GatewayConfig'),
  namespaces: (g: GatewayConfig) => (g.enabled ? [g.namespace] : []),
  checkConfig: (g, { whole, problems, namespaceOwners }) => checkGatewayConfig(g, tenantsOf(whole).map((t) => t.name), namespaceOwners, problems),
  notices: (g) => (!g.enabled ? [] : [
    `Entry point: Gateway API (gateway.className ${JSON.stringify(g.className)}). Install the CRDs and a Gateway API implementation before applying dist/needs-gateway-api (README, "Entry point"); Ingress objects of an earlier synth are not deleted by kubectl apply — delete them once the Gateway serves.`,
  ]),
  build: (): GatewayOutput => ({}),
  connect: (output, { scope, config: g, platform, offers }) => {
    (scope as Construct).node.addValidation({ validate: () => [...duplicateHosts(offers.exposedHosts), ...backendProblems(scope, offers.exposedHosts)] });
    if (!g.enabled || offers.exposedHosts.length === 0) return;
    const chart = new PlatformChart(scope as Construct, 'Gateway', GATEWAY_UNIT);
    output.namespace = new NamespaceBaseline(chart, 'Namespace', {
      name: g.namespace,
      part: 'gateway',
      // The Gateway is configuration only; its pods belong to the implementation (gateway.proxy).
      quota: { pods: 0 },
      allowSameNamespace: false,
      dns: { namespace: platform.cluster.dns.namespace, podSelector: { ...platform.cluster.dns.podSelector } },
    });
    const routes = new PlatformChart(scope as Construct, 'GatewayRoutes', GATEWAY_ROUTES_UNIT);
    output.gateway = new PlatformGateway(routes, 'Gateway', { name: g.name, namespace: g.namespace, className: g.className });
    for (const host of offers.exposedHosts) output.gateway.addHost(host);
  },
});
