import * as crypto from 'crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { commonLabels, selectorLabels } from '../core/labels';
import { parseQuantity } from '../core/quantity';
import {
  configMapSizeProblem, credentialProblem, FULLY_QUALIFIED_NAME, isDnsLabel, isDnsSubdomain, isObjectKey, looksLikeCredentialName, requirePinnedImage,
  requireValid,
} from '../core/validate';
import { imageName, ImageRef } from '../core/security';
import { Flow, FlowSides } from '../network/flow';
import { EntryBackend, EntryPoint, ExposedHost, IngressEntry } from '../network/entry-point';
import { IPeerable, Peer, Peers, Port, resolvePeer } from '../network/peer';
import { hardenedPodSpec, HardenedInitContainerProps } from '../core/hardened-pod';
import { tcpLivenessProbe } from '../core/probes';
import { imagePin } from '../versions';
import { IstioMesh, meshPodFlows } from '../mesh/istio';

/** Requests and limits of the app container; both are required so the QoS class is a decision, not an accident. */
export interface WebAppResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Kubernetes QoS class of the pods, from their requests and limits. */
export type QosClass = 'Guaranteed' | 'Burstable';

/** Bounds and target of CPU-based horizontal autoscaling. */
export interface WebAppAutoscaling {
  /** Fewest pods; also what the PodDisruptionBudget protects. */
  readonly minReplicas: number;
  /** Most pods; the tenant quota must fit this many. */
  readonly maxReplicas: number;
  /** Target average CPU use, in percent of the CPU request. @default 70 */
  readonly cpuUtilization?: number;
}

/** How many pods serve: a fixed count, or a CPU-based HorizontalPodAutoscaler between two bounds. */
export class Replicas {
  /** Exactly `count` pods (`spec.replicas`). */
  static fixed(count: number): Replicas {
    return new Replicas(count, undefined);
  }

  /** Between `minReplicas` and `maxReplicas` pods, scaled on CPU; `spec.replicas` is left to the autoscaler. */
  static autoscaled(autoscaling: WebAppAutoscaling): Replicas {
    return new Replicas(undefined, autoscaling);
  }

  private constructor(
    /** The fixed count, when not autoscaled. */
    public readonly count: number | undefined,
    /** The autoscaler's settings, when autoscaled. */
    public readonly autoscaling: WebAppAutoscaling | undefined,
  ) {}
}

/** An HTTPS route from the cluster's ingress controller. */
export interface WebAppIngress {
  /** Host name clients use, e.g. `hello.lab.example`. */
  readonly host: string;
  /** Secret of type kubernetes.io/tls in the app's namespace, created out of band. @default `<name>-tls` */
  readonly tlsSecretName?: string;
  /** Path prefix routed to the app. @default '/' */
  readonly path?: string;
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /** Namespace of the ingress controller pods (the flow admits exactly them). @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
  /** Extra annotations for the controller (e.g. `nginx.ingress.kubernetes.io/proxy-body-size`). @default {} */
  readonly annotations?: Record<string, string>;
}

/**
 * Where a canary's share of the requests is split off: `gateway-api` — the entry's HTTPRoute weighs two Services (the
 * stable one and `<name>-canary`); `istio` — one Service selects both versions, and an Istio VirtualService weighs two
 * DestinationRule subsets of it (WebAppProps.mesh).
 */
export type CanarySplit = 'gateway-api' | 'istio';
export const CANARY_SPLITS: readonly CanarySplit[] = ['gateway-api', 'istio'];

/**
 * A second version of the app that gets a share of the requests: its own Deployment (`<name>-canary`, pods labelled
 * `app.kubernetes.io/instance: <name>-canary` and `platform-kit.io/track: canary`) next to the stable one, which keeps
 * every pod it has. Needs a host; the split is made by the Gateway API entry's HTTPRoute or by Istio (`split`).
 */
export interface WebAppCanary {
  /** Image of the canary, pinned to a tag. */
  readonly image: ImageRef;
  /** Percent of the requests the canary gets (0–100); the stable version gets the rest. */
  readonly weight: number;
  /** Pods of the canary. @default 1 */
  readonly replicas?: number;
  /** Who splits the requests: the HTTPRoute's backend weights, or Istio subsets (needs `mesh`). @default 'gateway-api' */
  readonly split?: CanarySplit;
}

/** What an Istio split needs from the app, for the {@link IstioCanary} its part writes into `needs-istio`. */
export interface WebAppMeshCanary {
  readonly name: string;
  readonly namespace: string;
  /** The Service that selects both versions (the VirtualService's host). */
  readonly service: string;
  readonly port: number;
  readonly stableSelector: Readonly<Record<string, string>>;
  readonly canarySelector: Readonly<Record<string, string>>;
  readonly weight: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** Label that tells a canary's pods from the stable ones (dashboards and `kubectl get pods -L` read it). */
export const TRACK_LABEL = 'platform-kit.io/track';

/** A key of an existing Secret, read into an environment variable. */
export interface SecretKeyRef {
  /** Name of the Secret in the app's namespace (created out of band, never in dist/). */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** The MySQL server the app connects to: the flow opens exactly this. */
export interface MySqlEndpoint {
  /** The primary's pods (e.g. `MySqlCluster.primaryPods()`). */
  readonly primary: Peer | IPeerable;
  /** MySQL port. @default 3306 */
  readonly port?: number;
  /**
   * Which sides of the app → MySQL flow the app writes: `egress` when the MySQL side is written by its owner (a
   * MySqlCluster's client allow-list, `addClient`). @default 'both'
   */
  readonly sides?: FlowSides;
}

export interface WebAppProps {
  /** Name of the Deployment, Service, Ingress and the base of the other objects' names (a DNS label). */
  readonly name: string;
  /** An existing namespace (a tenant's); the WebApp never creates it. */
  readonly namespace: string;
  /** Container image, pinned to a tag. */
  readonly image: ImageRef;
  /** How many pods serve: `Replicas.fixed(n)` or `Replicas.autoscaled({ minReplicas, maxReplicas })`. @default Replicas.fixed(2) */
  readonly replicas?: Replicas;
  /** Port the container serves HTTP on (named `http`). @default 8080 */
  readonly containerPort?: number;
  /** Port of the Service. @default 80 */
  readonly servicePort?: number;
  /**
   * Also expose the Service on this port of every node (type NodePort, 30000–32767). The tenant's quota
   * `services.nodeports` must allow it (it is 0 by default). @default - ClusterIP only
   */
  readonly nodePort?: number;
  /**
   * Who may connect through the NodePort. `externalTrafficPolicy: Local` keeps the client address, so the
   * policy can judge it. Required with `nodePort`. @default - no NodePort clients
   */
  readonly nodePortClients?: readonly Peer[];
  /** HTTPS route for a host. @default - no route */
  readonly ingress?: WebAppIngress;
  /**
   * How the host in `ingress` is served: `new IngressEntry(...)` or `new GatewayEntry(...)` (lib/network/entry-point).
   * @default - an Ingress with `ingress.className` and `ingress.controllerNamespace`
   */
  readonly entryPoint?: EntryPoint;
  /** A canary version that gets `weight` percent of the requests to the host. @default - no canary */
  readonly canary?: WebAppCanary;
  /**
   * The Istio mesh the app's pods are in; required by `canary.split: 'istio'` (its flows to istiod or from the
   * waypoint are written here). @default - the app is not in a mesh
   */
  readonly mesh?: IstioMesh;
  /**
   * Requests and limits of the app container. Equal requests and limits give QoS Guaranteed (never throttled
   * below its request, evicted last); lower requests give Burstable (packs more pods, may be throttled).
   * @default - Burstable: requests 50m CPU / 64Mi, limits 250m CPU / 128Mi
   */
  readonly resources?: WebAppResources;
  /** HTTP path of the startup, readiness and liveness probes. @default '/' */
  readonly probePath?: string;
  /** uid (and gid, fsGroup) the pod runs as; the image must work as it. @default 10001 */
  readonly runAsUser?: number;
  /** Plain settings, written to a ConfigMap and read as environment variables. @default {} */
  readonly config?: Record<string, string>;
  /** Environment variables read from keys of existing Secrets (credentials never appear in dist/). @default {} */
  readonly secretEnv?: Record<string, SecretKeyRef>;
  /**
   * DNS names that must resolve before the app starts (the "depends_on" pattern), e.g.
   * `mysql-primary.mysql.svc.cluster.local`. Use fully qualified names. @default [] (no init container)
   */
  readonly waitForDns?: readonly string[];
  /** Image of the wait init container (needs `sh`, `nslookup`, `grep`, `sleep`). @default DEFAULT_WAIT_IMAGE */
  readonly waitImage?: ImageRef;
  /** The MySQL primary the app uses: a flow app → MySQL is declared. @default - the app uses no MySQL */
  readonly mysql?: MySqlEndpoint;
  /** Size limit of the writable `/tmp` (the root filesystem is read-only). @default '64Mi' */
  readonly tmpSizeLimit?: string;
}

/** Pods of an app that is not autoscaled: two, so one can be drained while the other serves (the notes run two). */
export const DEFAULT_REPLICAS = 2;
export const DEFAULT_WEB_APP_RESOURCES: WebAppResources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '250m', memory: '128Mi' },
};
export const DEFAULT_WAIT_IMAGE: ImageRef = imagePin('busybox');
/** The wait loop gives up after this many lookups… */
export const WAIT_ATTEMPTS = 60;
/** …this many seconds apart (2 minutes in all); the kubelet then restarts it with back-off, which is visible. */
export const WAIT_INTERVAL_SECONDS = 2;
/** Requests equal to limits: the init container never lowers the pod's QoS class. */
const WAIT_RESOURCES: WebAppResources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A stateless HTTP service in an existing tenant namespace, hardened and sized on purpose: Deployment, Service,
 * optional Ingress (TLS) / NodePort / HorizontalPodAutoscaler, a PodDisruptionBudget when more than one pod
 * serves, probes, config from a ConfigMap, credentials from Secret references, and the flows it needs.
 *
 * Traffic from the ingress controller opens through the IngressRoute's flow (only the container port, only while
 * there is an Ingress) rather than the baseline's `platform-kit.io/exposed` label, which would open every port.
 */
export class WebApp extends Construct implements IPeerable {
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: Replicas;
  public readonly containerPort: number;
  public readonly servicePort: number;
  public readonly resources: WebAppResources;
  public readonly qosClass: QosClass;
  public readonly probePath: string;
  public readonly runAsUser: number;
  public readonly waitForDns: readonly string[];
  public readonly waitImage: ImageRef;
  public readonly tmpSizeLimit: string;
  /** Pods the app keeps at least (replicas, or the autoscaler's minimum). */
  public readonly minPods: number;
  /** The app's pods as a flow peer (selector labels only). */
  public readonly pods: Peer;
  /** The canary's pods, when there is a canary. */
  public readonly canaryPods?: Peer;
  /** The host it serves, as offered to the gateway part, when it has one. */
  public readonly exposedHost?: ExposedHost;
  /** The mesh the app's pods are in, when they are. */
  public readonly mesh?: IstioMesh;
  /** With `canary.split: 'istio'`: what the DestinationRule and VirtualService need (written by the app's part). */
  public readonly meshCanary?: WebAppMeshCanary;

  private readonly podEnv: { config: Record<string, string>; secretEnv: Record<string, SecretKeyRef>; configName: string };

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const at = `WebApp ${show(props.name)}`;
    if (!isDnsLabel(props.name) || props.name.length > 40) {
      throw new Error(`${at}: name must be a DNS label of at most 40 characters (flow names are built from it), e.g. "helloworld".`);
    }
    if (!isDnsLabel(props.namespace)) {
      throw new Error(`${at}: namespace ${show(props.namespace)} is not a DNS label; give the tenant's namespace, e.g. "dwayne".`);
    }
    requirePinnedImage(props.image, `${at}: image`);
    this.name = props.name;
    this.namespace = props.namespace;
    this.replicas = props.replicas ?? Replicas.fixed(DEFAULT_REPLICAS);
    const { count, autoscaling } = this.replicas;
    if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
      throw new Error(`${at}: replicas ${show(count)} must be a whole number of at least 1 (Replicas.fixed(2)).`);
    }
    if (autoscaling) checkAutoscaling(at, autoscaling);
    this.minPods = autoscaling?.minReplicas ?? count ?? 1;
    this.containerPort = checkPort(at, 'containerPort', props.containerPort ?? 8080);
    this.servicePort = checkPort(at, 'servicePort', props.servicePort ?? 80);
    this.resources = props.resources ?? DEFAULT_WEB_APP_RESOURCES;
    this.qosClass = qosOf(at, this.resources);
    this.probePath = props.probePath ?? '/';
    if (!this.probePath.startsWith('/') || /\s/.test(this.probePath)) {
      throw new Error(`${at}: probePath ${show(this.probePath)} must be an absolute HTTP path such as "/healthz".`);
    }
    this.runAsUser = props.runAsUser ?? 10001;
    if (!Number.isInteger(this.runAsUser) || this.runAsUser < 1) {
      throw new Error(`${at}: runAsUser ${show(this.runAsUser)} must be a uid above 0 (the pod never runs as root).`);
    }
    this.waitForDns = props.waitForDns ?? [];
    for (const host of this.waitForDns) {
      requireValid(FULLY_QUALIFIED_NAME, host, `${at}: waitForDns entry`);
    }
    this.waitImage = props.waitImage ?? DEFAULT_WAIT_IMAGE;
    requirePinnedImage(this.waitImage, `${at}: waitImage`, DEFAULT_WAIT_IMAGE);
    this.tmpSizeLimit = props.tmpSizeLimit ?? '64Mi';
    checkQuantity(at, 'tmpSizeLimit', this.tmpSizeLimit);
    const config = props.config ?? {};
    const secretEnv = props.secretEnv ?? {};
    checkEnv(at, config, secretEnv);
    if (props.nodePort !== undefined) {
      if (!Number.isInteger(props.nodePort) || props.nodePort < 30000 || props.nodePort > 32767) {
        throw new Error(`${at}: nodePort ${show(props.nodePort)} is outside the NodePort range 30000–32767; pick one inside it, e.g. 30002.`);
      }
      if ((props.nodePortClients ?? []).length === 0) {
        throw new Error(`${at}: nodePort ${props.nodePort} needs nodePortClients (who may connect), e.g. [Peers.cidr('10.10.10.0/24', 'lab-lan')].`);
      }
    } else if ((props.nodePortClients ?? []).length > 0) {
      throw new Error(`${at}: nodePortClients is set but nodePort is not; set nodePort (e.g. 30002) or drop nodePortClients.`);
    }

    const selector = selectorLabels({ name: this.name, component: 'web' });
    const labels = commonLabels({ name: this.name, component: 'web', version: props.image.tag });
    this.pods = Peers.pods(this.namespace, selector, this.name);
    const meta = (name: string) => ({ name, namespace: this.namespace, labels });

    const configName = `${this.name}-config`;
    this.podEnv = { config, secretEnv, configName };
    if (Object.keys(config).length > 0) {
      // A plain ApiObject, not k8s.KubeConfigMap: the generated toJson of KubeConfigMapProps copies the map once per
      // key (a spread inside reduce), so 8,000 keys took 38 s; the plain object serializes in linear time.
      new ApiObject(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(configName), data: sortedRecord(config) });
    }

    this.mesh = props.mesh;
    this.deployment('Resource', { name: this.name, selector, labels, image: props.image, count });
    const canary = props.canary && this.canaryOf(at, props.canary, props.ingress);
    this.canaryPods = canary ? canary.pods : undefined;
    if (canary) this.deployment('Canary', { name: canary.name, selector: canary.selector, labels: canary.labels, image: props.canary!.image, count: canary.replicas });
    const split = props.canary?.split ?? 'gateway-api';
    if (!CANARY_SPLITS.includes(split)) throw new Error(`${at}: canary.split ${show(split)} is not one of ${CANARY_SPLITS.join(', ')}.`);
    const meshSplit = canary !== undefined && split === 'istio';
    if (meshSplit && props.mesh === undefined) {
      throw new Error(`${at}: canary.split "istio" needs the mesh (props.mesh, mesh.istio in platform.yaml): its subsets only split where Istio proxies the requests — pass the IstioMesh or use split "gateway-api".`);
    }
    // Istio picks a subset's pods among the endpoints of the VirtualService's host, so with an Istio split the one
    // Service selects both versions (name only: both Deployments' pods carry it, each keeps its own instance label).
    const serviceSelector = meshSplit ? { 'app.kubernetes.io/name': this.name } : selector;
    const servicePods = meshSplit ? Peers.pods(this.namespace, serviceSelector, this.name) : this.pods;
    if (meshSplit) {
      this.meshCanary = {
        name: this.name, namespace: this.namespace, service: this.name, port: this.servicePort,
        stableSelector: selector, canarySelector: canary.selector, weight: props.canary!.weight, labels,
      };
    }
    if (props.mesh) meshPodFlows(this, props.mesh, { name: this.name, namespace: this.namespace, pods: servicePods, containerPort: this.containerPort });

    if (canary && !meshSplit) {
      // Its own Service, so the route weighs whole Services and no Service selects pods of the other version.
      new k8s.KubeService(this, 'CanaryService', {
        metadata: { name: canary.name, namespace: this.namespace, labels: canary.labels },
        spec: { type: 'ClusterIP', selector: canary.selector, ports: [{ name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
      });
    }
    new k8s.KubeService(this, 'Service', {
      metadata: meta(this.name),
      spec: {
        type: props.nodePort !== undefined ? 'NodePort' : 'ClusterIP',
        selector: serviceSelector,
        ports: [{
          name: 'http',
          port: this.servicePort,
          targetPort: k8s.IntOrString.fromString('http'),
          protocol: 'TCP',
          ...(props.nodePort !== undefined ? { nodePort: props.nodePort } : {}),
        }],
        // Local keeps the client's address (no SNAT to a node), so the NodePort flow can judge the client.
        ...(props.nodePort !== undefined ? { externalTrafficPolicy: 'Local' } : {}),
      },
    });

    if (autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: meta(this.name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilization ?? 70 } },
          }],
        },
      });
    }

    // A voluntary eviction (drain) may take one pod at a time, never the last one.
    if (this.minPods > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: meta(this.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    if (props.ingress) {
      const entry = props.entryPoint ?? new IngressEntry({ className: props.ingress.className, controllerNamespace: props.ingress.controllerNamespace });
      const stable: EntryBackend = { service: this.name, port: this.servicePort, pods: servicePods, containerPort: this.containerPort, ...(meshSplit ? { meshSplit: true } : {}) };
      this.exposedHost = entry.expose(this, 'Ingress', {
        name: this.name,
        namespace: this.namespace,
        host: props.ingress.host,
        tlsSecretName: props.ingress.tlsSecretName ?? `${this.name}-tls`,
        path: props.ingress.path,
        backends: canary && !meshSplit
          ? [{ ...stable, weight: 100 - props.canary!.weight }, { service: canary.name, port: this.servicePort, pods: canary.pods, containerPort: this.containerPort, weight: props.canary!.weight }]
          : [stable],
        annotations: props.ingress.annotations,
        labels,
      });
    }

    (props.nodePortClients ?? []).forEach((client, i) => {
      new Flow(this, `FromNodePortClient${i}`, {
        name: `allow-nodeport-${i}-to-${this.name}`,
        from: client,
        to: this.pods,
        ports: [Port.tcp(this.containerPort)],
        description: `clients reach ${this.name} on node port ${props.nodePort}`,
      });
    });

    if (props.mysql) {
      const primary = resolvePeer(props.mysql.primary);
      new Flow(this, 'ToMySql', {
        name: `allow-${this.name}-to-mysql`,
        from: this.pods,
        to: primary,
        ports: [Port.tcp(checkPort(at, 'mysql.port', props.mysql.port ?? 3306))],
        description: `${this.name} uses the MySQL primary`,
        sides: props.mysql.sides,
      });
    }
  }

  toPeer(): Peer {
    return this.pods;
  }

  /** The canary's names and labels, after checking it can be served: an HTTP entry to split, a weight, a pinned tag. */
  private canaryOf(at: string, canary: WebAppCanary, ingress: WebAppIngress | undefined) {
    if (!ingress) {
      throw new Error(`${at}: canary needs a host (ingress.host): the split happens in the route to the app, and an app without one gets no requests to split — add ingress or remove canary.`);
    }
    if (!Number.isInteger(canary.weight) || canary.weight < 0 || canary.weight > 100) {
      throw new Error(`${at}: canary.weight ${show(canary.weight)} must be a whole percentage from 0 to 100 (e.g. 10); the stable version gets the rest.`);
    }
    requirePinnedImage(canary.image, `${at}: canary.image`);
    const replicas = canary.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`${at}: canary.replicas ${show(replicas)} must be a whole number of at least 1 (a canary without pods gets its share of requests as errors).`);
    }
    const name = `${this.name}-canary`;
    // A different instance keeps the stable Deployment's (immutable) selector from matching canary pods.
    const selector = selectorLabels({ name: this.name, instance: name, component: 'web' });
    const labels = { ...commonLabels({ name: this.name, instance: name, component: 'web', version: canary.image.tag }), [TRACK_LABEL]: 'canary' };
    const pods = Peers.pods(this.namespace, selector, name);
    return { name, selector, labels, pods, replicas };
  }

  /** One Deployment of the app's pods (the stable one, or the canary): everything but its name, selector and image is shared. */
  private deployment(id: string, d: { name: string; selector: Record<string, string>; labels: Record<string, string>; image: ImageRef; count: number | undefined }): void {
    const { name, selector, labels, image, count } = d;
    const { config, secretEnv, configName } = this.podEnv;
    const podAnnotations: Record<string, string> = {
      // A changed config rolls the pods (env from a ConfigMap is read only at start).
      ...(Object.keys(config).length > 0 ? { 'platform-kit.io/config-hash': hashOf(config) } : {}),
      // In a sidecar mesh: the injected proxy's size, so the tenant's quota holds it.
      ...(this.mesh?.podAnnotations() ?? {}),
    };
    new k8s.KubeDeployment(this, id, {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        ...(count !== undefined ? { replicas: count } : {}),
        selector: { matchLabels: selector },
        // One extra pod during a rollout, never one fewer: the tenant quota needs room for one surge pod.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels,
            ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
          },
          spec: hardenedPodSpec({
            // No ServiceAccount of its own: the namespace's default, which mounts no token.
            enableServiceLinks: false,
            uid: this.runAsUser,
            ...(this.waitForDns.length > 0 ? { initContainers: [this.waitContainer()] } : {}),
            containers: [{
              name: 'app',
              image: imageName(image),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: this.containerPort, protocol: 'TCP' }],
              ...(Object.keys(config).length > 0 ? { envFrom: [{ configMapRef: { name: configName } }] } : {}),
              ...(Object.keys(secretEnv).length > 0 ? {
                env: Object.keys(secretEnv).sort().map((envName) => ({
                  name: envName,
                  valueFrom: { secretKeyRef: { name: secretEnv[envName].secretName, key: secretEnv[envName].key } },
                })),
              } : {}),
              resources: this.resources,
              startupProbe: this.probe({ periodSeconds: 2, failureThreshold: 30 }),
              readinessProbe: this.probe({ periodSeconds: 5, failureThreshold: 3 }),
              livenessProbe: tcpLivenessProbe('http', { periodSeconds: 10, timeoutSeconds: 2 }),
              tmpSizeLimit: this.tmpSizeLimit,
            }],
            volumes: [],
            topologySpreadConstraints: [{
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            }],
          }),
        },
      },
    });
  }

  private probe(timing: { periodSeconds: number; failureThreshold: number }): k8s.Probe {
    return {
      httpGet: { path: this.probePath, port: k8s.IntOrString.fromString('http') },
      periodSeconds: timing.periodSeconds,
      timeoutSeconds: 2,
      failureThreshold: timing.failureThreshold,
    };
  }

  /**
   * Waits until every name resolves. busybox's nslookup exits 0 even for NXDOMAIN, so success is an answer line
   * (`Name:`) in its output. After WAIT_ATTEMPTS tries it fails, and the pod shows Init:Error instead of hanging.
   */
  private waitContainer(): HardenedInitContainerProps {
    const script = [
      'for host in "$@"; do',
      '  n=0',
      '  until nslookup "$host" 2>/dev/null | grep -q "^Name:"; do',
      '    n=$((n + 1))',
      `    if [ "$n" -ge ${WAIT_ATTEMPTS} ]; then echo "$host does not resolve after ${WAIT_ATTEMPTS} tries; giving up"; exit 1; fi`,
      `    echo "waiting for $host ($n/${WAIT_ATTEMPTS})"; sleep ${WAIT_INTERVAL_SECONDS}`,
      '  done',
      '  echo "$host resolves"',
      'done',
    ].join('\n');
    return {
      name: 'wait-for-dependencies',
      image: imageName(this.waitImage),
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', script, 'wait-for-dependencies', ...this.waitForDns],
      resources: WAIT_RESOURCES,
    };
  }
}

function checkPort(at: string, field: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${at}: ${field} ${show(port)} is not a port number (1–65535).`);
  }
  return port;
}

function checkAutoscaling(at: string, a: WebAppAutoscaling): void {
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) {
    throw new Error(`${at}: autoscaling.minReplicas ${show(a.minReplicas)} must be a whole number of at least 1.`);
  }
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) {
    throw new Error(`${at}: autoscaling.maxReplicas ${show(a.maxReplicas)} is below minReplicas ${a.minReplicas}; raise maxReplicas or lower minReplicas.`);
  }
  const target = a.cpuUtilization ?? 70;
  if (!Number.isInteger(target) || target < 1 || target > 100) {
    throw new Error(`${at}: autoscaling.cpuUtilization ${show(target)} must be a percentage of the CPU request between 1 and 100, e.g. 70.`);
  }
}

function checkQuantity(at: string, field: string, value: string): number {
  try {
    return parseQuantity(value);
  } catch {
    throw new Error(`${at}: ${field} ${show(value)} is not a Kubernetes quantity (examples: "250m", "128Mi").`);
  }
}

/** Guaranteed when every request equals its limit, else Burstable; a request above its limit is refused. */
function qosOf(at: string, r: WebAppResources): QosClass {
  let guaranteed = true;
  for (const resource of ['cpu', 'memory'] as const) {
    const request = checkQuantity(at, `resources.requests.${resource}`, r.requests[resource]);
    const limit = checkQuantity(at, `resources.limits.${resource}`, r.limits[resource]);
    if (request > limit) {
      throw new Error(`${at}: resources.requests.${resource} ${show(r.requests[resource])} is above resources.limits.${resource} ${show(r.limits[resource])}; the API server refuses that — lower the request or raise the limit.`);
    }
    if (request !== limit) guaranteed = false;
  }
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The fix for a credential in `config` (by key name or by value): the loader and the construct say the same. */
export const CONFIG_CREDENTIAL_FIX = 'create a Secret and reference it under secretEnv.';
/** The fix for a `config` too large for one ConfigMap. */
export const CONFIG_SIZE_FIX = 'move bulk data into a file the image ships, or into a volume.';

function checkEnv(at: string, config: Record<string, string>, secretEnv: Record<string, SecretKeyRef>): void {
  const tooLarge = configMapSizeProblem(config, `${at}: config`, CONFIG_SIZE_FIX);
  if (tooLarge !== undefined) throw new Error(tooLarge);
  for (const [key, value] of Object.entries(config)) {
    if (!ENV_NAME.test(key)) {
      throw new Error(`${at}: config key ${show(key)} is not an environment variable name; use letters, digits and "_" (e.g. "GREETING").`);
    }
    if (looksLikeCredentialName(key)) {
      throw new Error(`${at}: config key ${show(key)} looks like a credential; ConfigMaps are committed to git — ${CONFIG_CREDENTIAL_FIX}`);
    }
    const credential = credentialProblem(value, `${at}: config.${key}`, CONFIG_CREDENTIAL_FIX);
    if (credential !== undefined) throw new Error(credential);
  }
  for (const [envName, ref] of Object.entries(secretEnv)) {
    if (!ENV_NAME.test(envName)) {
      throw new Error(`${at}: secretEnv name ${show(envName)} is not an environment variable name; use letters, digits and "_" (e.g. "DB_PASSWORD").`);
    }
    if (envName in config) {
      throw new Error(`${at}: ${show(envName)} is both a config key and a secretEnv name; keep one.`);
    }
    if (!isDnsSubdomain(ref.secretName) || !isObjectKey(ref.key)) {
      throw new Error(`${at}: secretEnv ${envName} refers to ${show(ref)}; give a Secret name (DNS subdomain) and a key of letters, digits, "-", "_" or ".".`);
    }
  }
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

/** Short, stable digest of the config (sorted keys), so pods roll exactly when it changes. */
function hashOf(config: Record<string, string>): string {
  return crypto.createHash('sha256').update(JSON.stringify(sortedRecord(config))).digest('hex').slice(0, 16);
}
