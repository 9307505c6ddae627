import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { IngressRoute } from '../network/ingress-route';
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
 * How Harbor is reached from outside: the one place that knows the entry point. Today two Ingresses on the
 * cluster's ingress class (core's paths and the portal, same host and TLS Secret); the Gateway API entry point
 * replaces only this function. Each route brings the flow from the controller to exactly its backend port.
 */
export function exposeHarbor(scope: Construct, r: RegistryConfig, ingress: ClusterConfig['ingress']): IngressRoute[] {
  const common = { namespace: r.namespace, host: r.host, tlsSecretName: r.tlsSecretName, className: ingress.className, controllerNamespace: ingress.controllerNamespace, annotations: { ...PUSH_ANNOTATIONS } };
  return [
    new IngressRoute(scope, 'Core', {
      ...common, name: HARBOR.core.name, serviceName: HARBOR.core.name, servicePort: 'http', paths: [...CORE_PATHS],
      backend: { pods: HARBOR.core.pods(r.namespace), containerPort: HARBOR_PORTS.http }, labels: HARBOR.core.labels,
    }),
    new IngressRoute(scope, 'Portal', {
      ...common, name: HARBOR.portal.name, serviceName: HARBOR.portal.name, servicePort: 'http', path: '/',
      backend: { pods: HARBOR.portal.pods(r.namespace), containerPort: HARBOR_PORTS.http }, labels: HARBOR.portal.labels,
    }),
  ];
}
