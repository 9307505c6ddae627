import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { commonLabels, selectorLabels, withoutVersion } from '../core/labels';
import { ContainerResources, ImageRef, imageName, restrictedContainerSecurity, toKubeResources } from '../core/security';
import { Peer, Peers } from '../network/peer';
import { HARBOR_VERSION } from './defaults';

/** The label sets of one Harbor component: `app.kubernetes.io/name: harbor-<component>`, instance `harbor`. */
export class HarborIdentity {
  public readonly name: string;
  public readonly selector: Record<string, string>;
  public readonly labels: Record<string, string>;
  public readonly stableLabels: Record<string, string>;

  constructor(public readonly component: string) {
    this.name = `harbor-${component}`;
    const id = { name: this.name, instance: 'harbor', component, version: HARBOR_VERSION };
    this.selector = selectorLabels(id);
    this.labels = commonLabels(id);
    this.stableLabels = withoutVersion(this.labels);
  }

  /** The component's pods in `namespace`, as a flow peer. */
  pods(namespace: string): Peer {
    return Peers.pods(namespace, this.selector, this.name);
  }
}

/** `{ name, valueFrom.secretKeyRef }`: how every credential reaches a Harbor program. */
export function secretEnv(name: string, secret: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** A plain env var. */
export function env(name: string, value: string | number | boolean): k8s.EnvVar {
  return { name, value: String(value) };
}

export function httpGet(path: string, port: number | string): k8s.HttpGetAction {
  return { path, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) };
}

/** Readiness, liveness and (for slow starters) a startup probe on the same check. */
export function probes(check: Pick<k8s.Probe, 'httpGet' | 'exec' | 'tcpSocket'>, opts: { startupSeconds?: number } = {}): Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  return {
    // Harbor components wait for the database and Redis on start; the startup probe gives them that time
    // without making liveness lenient afterwards.
    ...(opts.startupSeconds ? { startupProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: Math.ceil(opts.startupSeconds / 10) } } : {}),
    readinessProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...check, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  };
}

/** A hardened container of a Harbor image. */
export function harborContainer(c: {
  name: string; image: ImageRef; resources: ContainerResources; ports?: Array<{ name: string; containerPort: number }>;
} & Omit<k8s.Container, 'name' | 'image' | 'resources' | 'ports'>): k8s.Container {
  const { name, image, resources, ports, ...rest } = c;
  return {
    name,
    image: imageName(image),
    resources: toKubeResources(resources),
    securityContext: restrictedContainerSecurity(),
    ...(ports ? { ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) } : {}),
    ...rest,
  };
}

/** A ClusterIP Service for a component, targeting its container ports by name. */
export function harborService(scope: Construct, namespace: string, identity: HarborIdentity, ports: Array<{ name: string; port: number; targetPort: string }>): k8s.KubeService {
  return new k8s.KubeService(scope, 'Service', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: {
      type: 'ClusterIP',
      selector: identity.selector,
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.targetPort), protocol: 'TCP' })),
    },
  });
}

/** One disruption at a time, only where there is more than one pod to keep. */
export function disruptionBudget(scope: Construct, namespace: string, identity: HarborIdentity, replicas: number): void {
  if (replicas < 2) return;
  new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: identity.selector } },
  });
}
