import { bool, JsonSchema, map, object, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import type { GatewayConfig } from './config.generated';

// The section's type is generated from gatewaySchema (`npm run schema`).
export type { GatewayConfig } from './config.generated';

/**
 * Defaults fit NGINX Gateway Fabric 1.6 (Gateway API v1.2.1, the CRDs in schemas/crds): its GatewayClass is `nginx`
 * and its NGINX pods run in its own namespace `nginx-gateway` (README, "Entry point").
 */
export const DEFAULT_GATEWAY = {
  name: 'platform',
  namespace: 'gateway',
  className: 'nginx',
  proxyNamespace: 'nginx-gateway',
  proxyPodSelector: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' },
};

export const gatewaySchema: JsonSchema = object(
  {
    enabled: bool('Serve the exposed hosts (Grafana, apps with a host) through the Gateway API: one Gateway, one HTTPRoute per host. false: an Ingress per host through cluster.ingress (the controller must still be maintained — ingress-nginx is not).', true),
    name: str('Name of the Gateway.', { format: 'dns-label', default: DEFAULT_GATEWAY.name }),
    namespace: str('Namespace Platform Kit creates for the Gateway (it holds no pods: quota 0).', { format: 'dns-label', default: DEFAULT_GATEWAY.namespace }),
    className: str('GatewayClass of the installed Gateway API implementation (NGINX Gateway Fabric: nginx).', { format: 'dns-subdomain', default: DEFAULT_GATEWAY.className }),
    proxy: object(
      {
        namespace: str('Namespace of the pods that carry the traffic (the implementation\'s own; Platform Kit writes no policy there).', { format: 'dns-label', default: DEFAULT_GATEWAY.proxyNamespace }),
        podSelector: map({ type: 'string' }, 'Labels of those pods: exposed apps admit exactly them, on their container port.', DEFAULT_GATEWAY.proxyPodSelector),
      },
      { default: {}, description: 'Where the Gateway\'s data-plane pods run.' },
    ),
  },
  { default: {}, description: 'The platform entry point (Gateway API). Install a Gateway API implementation first (README, "Entry point").' },
);

/** Cross-field checks: the proxy's namespace is the implementation's, never one Platform Kit default-denies. */
export function checkGatewayConfig(g: GatewayConfig, tenants: readonly string[], managed: ReadonlyMap<string, readonly string[]>, problems: ProblemList): void {
  if (!g.enabled) return;
  if (Object.keys(g.proxy.podSelector).length === 0) {
    problems.add('gateway.proxy.podSelector: {} would admit every pod of the proxy namespace to every exposed app; give the labels of the Gateway\'s pods (NGINX Gateway Fabric: app.kubernetes.io/name: nginx-gateway-fabric).');
  }
  const owner = g.proxy.namespace === g.namespace ? 'the gateway section (gateway.namespace)'
    : tenants.includes(g.proxy.namespace) ? 'a tenant'
      : managed.has(g.proxy.namespace) ? `the ${managed.get(g.proxy.namespace)!.join(', ')} section` : undefined;
  if (owner !== undefined) {
    problems.add(`gateway.proxy.namespace: ${show(g.proxy.namespace)} is managed by ${owner}, whose default-deny policies would cut the proxy off; give the Gateway implementation's own namespace (NGINX Gateway Fabric: nginx-gateway).`);
  }
}
