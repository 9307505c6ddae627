import { k8s } from 'cdk8s-plus-27';
import { governingService } from '../observability/common';
import { Construct } from 'constructs';
import { commonLabels, selectorLabels, withoutVersion } from '../core/labels';
import { HardenedInitContainerProps, HardenedPodProps, hardenedPodSpec } from '../core/hardened-pod';
import { ImageRef, imageName } from '../core/security';
import { Peer, Peers } from '../network/peer';
import { CONFIG_HASH_ANNOTATION } from '../core/config-hash';
import { restrictedPodSecurity } from '../core/security';
import { emptyDir } from '../core/volumes';
import { HARBOR_PORTS, HARBOR_SECRETS, HARBOR_VERSION } from './defaults';

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
export function probes(check: Pick<k8s.Probe, 'httpGet' | 'exec' | 'tcpSocket'>, opts: { startupSeconds?: number } = {}): { readinessProbe: k8s.Probe; livenessProbe: k8s.Probe; startupProbe?: k8s.Probe } {
  return {
    // Harbor components wait for the database and Redis on start; the startup probe gives them that time
    // without making liveness lenient afterwards.
    ...(opts.startupSeconds ? { startupProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: Math.ceil(opts.startupSeconds / 10) } } : {}),
    readinessProbe: { ...check, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...check, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  };
}

/** A Harbor container as {@link podSpec} takes it: a pinned image and named ports (all TCP). */
type HarborContainerProps = Omit<HardenedInitContainerProps, 'image' | 'ports'> & {
  readonly image: ImageRef;
  readonly ports?: ReadonlyArray<{ name: string; containerPort: number }>;
};

/** A container of a Harbor image; hardenedPodSpec (through {@link podSpec}) adds its security context. */
export function harborContainer<C extends HarborContainerProps>(c: C): Omit<C, 'image' | 'ports'> & { image: string; ports?: k8s.ContainerPort[] } {
  const { name, image, resources, ports, ...rest } = c;
  return { name, image: imageName(image), resources, ...(ports ? { ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) } : {}), ...rest } as Omit<C, 'image' | 'ports'> & { image: string; ports?: k8s.ContainerPort[] };
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

/** The Harbor components, by name, as other code (flows, offers, tests) refers to them. */
export const HARBOR = {
  core: new HarborIdentity('core'),
  portal: new HarborIdentity('portal'),
  registry: new HarborIdentity('registry'),
  jobservice: new HarborIdentity('jobservice'),
  trivy: new HarborIdentity('trivy'),
  database: new HarborIdentity('database'),
  redis: new HarborIdentity('redis'),
  exporter: new HarborIdentity('exporter'),
  dayOne: new HarborIdentity('day-one'),
  backup: new HarborIdentity('backup'),
} as const;

/** Name of every claim template and of the registry's blob claim. */
export const DATA = 'data';
export const BLOB_DIR = '/storage';
/** Harbor's built-in administrator (its password is HARBOR_ADMIN_PASSWORD, used on first start only). */
export const ADMIN_USER = 'admin';

/** `redis://:$(REDIS_PASSWORD)@harbor-redis:6379/<db>`: Kubernetes expands the variable from the Secret, so no password is in dist/. */
export function redisUrl(db: number, query = ''): string {
  return `redis://:$(REDIS_PASSWORD)@${HARBOR.redis.name}:${HARBOR_PORTS.redis}/${db}${query}`;
}
export const redisPassword = () => secretEnv('REDIS_PASSWORD', HARBOR_SECRETS.redis.name, HARBOR_SECRETS.redis.keys.password);
export const internal = (name: string, key: keyof typeof HARBOR_SECRETS.internal.keys) => secretEnv(name, HARBOR_SECRETS.internal.name, HARBOR_SECRETS.internal.keys[key]);
export const mount = (name: string, mountPath: string, opts: { subPath?: string; readOnly?: boolean } = {}): k8s.VolumeMount => ({ name, mountPath, ...opts });
export const tmp = () => emptyDir('tmp', '256Mi');

/** The pod spec every Harbor pod shares: uid 10000 (999 for PostgreSQL and Redis), no API token, no service links. */
/** Omit over each member of a union (TypeScript's Omit merges the members first). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A Harbor pod, built by hardenedPodSpec: the `harbor` ServiceAccount without a token, and no service links (they
 * would inject HARBOR_CORE_PORT and the like, which collide with Harbor's own variables). `fsGroup: false` for
 * PostgreSQL and Redis, which refuse a data directory with group access.
 */
export function podSpec(uid: number, spec: OmitEach<HardenedPodProps, 'uid' | 'podSecurity' | 'serviceAccountName' | 'usesApi'>, fsGroup = true): k8s.PodSpec {
  const security = restrictedPodSecurity(uid, { fsGroupChangePolicy: 'OnRootMismatch' });
  const { fsGroup: _fsGroup, fsGroupChangePolicy: _policy, ...withoutFsGroup } = security;
  return hardenedPodSpec({
    serviceAccountName: 'harbor',
    enableServiceLinks: false,
    uid,
    podSecurity: fsGroup ? { fsGroupChangePolicy: 'OnRootMismatch' } : { replace: withoutFsGroup },
    ...spec,
  });
}

/** The pod of a Harbor Job: it runs to completion (see jobs.ts), so its containers have no probes. */
export type HarborJobPod = Omit<Extract<HardenedPodProps, { readonly restartPolicy: 'Never' | 'OnFailure' }>, 'restartPolicy' | 'uid' | 'podSecurity' | 'serviceAccountName' | 'usesApi'>;

export function podTemplate(identity: HarborIdentity, spec: k8s.PodSpec, hash?: string): k8s.PodTemplateSpec {
  return { metadata: { labels: identity.labels, ...(hash ? { annotations: { [CONFIG_HASH_ANNOTATION]: hash } } : {}) }, spec };
}

export function harborDeployment(scope: Construct, namespace: string, identity: HarborIdentity, replicas: number, spec: k8s.PodSpec, opts: { hash?: string; recreate?: boolean } = {}): void {
  new k8s.KubeDeployment(scope, 'Resource', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: {
      replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: identity.selector },
      // The registry mounts a ReadWriteOnce volume: the old pod must be gone before the new one starts.
      strategy: opts.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: podTemplate(identity, spec, opts.hash),
    },
  });
  disruptionBudget(scope, namespace, identity, replicas);
}

export function harborStatefulSet(scope: Construct, namespace: string, identity: HarborIdentity, spec: k8s.PodSpec, claim: { size: string; storageClassName: string }, ports: Array<{ name: string; port: number }> = []): void {
  // The StatefulSet's governing Service must be headless (stable pod DNS); the ClusterIP Service stays what clients use.
  const serviceName = governingService(scope, identity.name, namespace, identity, ports);
  new k8s.KubeStatefulSet(scope, 'Resource', {
    metadata: { name: identity.name, namespace, labels: identity.labels },
    spec: {
      replicas: 1,
      serviceName,
      selector: { matchLabels: identity.selector },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: podTemplate(identity, spec),
      volumeClaimTemplates: [{
        metadata: { name: DATA, labels: identity.stableLabels },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: claim.storageClassName, resources: { requests: { storage: k8s.Quantity.fromString(claim.size) } } },
      }],
    },
  });
}
