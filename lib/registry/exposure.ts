import { Construct } from 'constructs';
import { EntryPoint, ExposedHost } from '../network/entry-point';
import { RegistryConfig } from './config';
import { HARBOR_PORTS } from './defaults';
import { HARBOR } from './component';

/** Path prefixes core serves (API, token service, the registry API, the CLI login callback); everything else is the portal. */
export const CORE_PATHS = ['/api/', '/service/', '/v2/', '/c/'] as const;

/**
 * Annotations for ingress-nginx: no request body limit (image layers are pushed in one request, often hundreds of
 * MB) and no request buffering (the layer streams to the registry instead of to the controller's disk first).
 */
export const PUSH_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
} as const;

/**
 * How Harbor is reached from outside: the one place that knows the entry point. Two routes on the platform's entry
 * point (Ingress or Gateway API, `entryPointOf`) for one host and TLS Secret: core's paths, and the portal for the
 * rest. Each brings the flow from the entry point to exactly its backend port. The push annotations serve
 * ingress-nginx; a Gateway implementation sets its body-size limit with its own policy (docs/registry.md).
 */
export function exposeHarbor(scope: Construct, r: RegistryConfig, entry: EntryPoint): ExposedHost[] {
  const common = { namespace: r.namespace, host: r.host, tlsSecretName: r.tlsSecretName, annotations: { ...PUSH_ANNOTATIONS } };
  return [
    entry.expose(scope, 'Core', {
      ...common, name: HARBOR.core.name, paths: [...CORE_PATHS], labels: HARBOR.core.labels,
      backends: [{ service: HARBOR.core.name, port: HARBOR_PORTS.servicePort, pods: HARBOR.core.pods(r.namespace), containerPort: HARBOR_PORTS.http }],
    }),
    entry.expose(scope, 'Portal', {
      ...common, name: HARBOR.portal.name, path: '/', labels: HARBOR.portal.labels,
      backends: [{ service: HARBOR.portal.name, port: HARBOR_PORTS.servicePort, pods: HARBOR.portal.pods(r.namespace), containerPort: HARBOR_PORTS.http }],
    }),
  ];
}
