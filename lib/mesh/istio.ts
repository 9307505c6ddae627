import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { matchesLabelSelector } from '../checks/network/selector';
import { ControllerPods } from '../core/controller-pods';
import { show } from '../core/errors';
import { InjectedContainers, InjectedResources } from '../core/injected-containers';
import { commonLabels } from '../core/labels';
import { toKubeResources } from '../core/security';
import { DNS_LABEL, isDnsLabel, requireValid } from '../core/validate';
import { Flow } from '../network/flow';
import { Peer, Peers, PodsPeer, Port } from '../network/peer';
import { DEFAULT_ISTIO, ISTIO_INJECTOR_DEFAULT_RESOURCES, ISTIO_MODES, IstioMode, meshPodSecurityProblem } from './config';

/** The served, stable API of both kinds (Istio 1.22 made v1 the storage version; 1.23.6's CRDs are in schemas/crds). */
export const ISTIO_NETWORKING_API_VERSION = 'networking.istio.io/v1';
/** istiod's xDS and certificate port (TLS): every sidecar and waypoint connects to it; nothing else is needed from them. */
export const ISTIOD_XDS_PORT = 15012;
/** HBONE, ambient's mTLS tunnel: the waypoint reaches the app pods on it, and mesh clients reach the waypoint on it. */
export const HBONE_PORT = 15008;
/**
 * In ambient mode the kubelet's probes reach the pod from this link-local address (istio-cni SNATs them so ztunnel can
 * tell them apart); a default-deny ingress policy must admit it or no pod ever becomes ready (Istio, "Ambient and
 * Kubernetes NetworkPolicy").
 */
export const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';
/** Label Istio's deployment controller puts on the pods of a Gateway it runs (the waypoint's too). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** The subset names the DestinationRule defines and the VirtualService routes to. */
export const STABLE_SUBSET = 'stable';
export const CANARY_SUBSET = 'canary';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/** The pod annotations Istio's sidecar injector sizes istio-proxy (and its init containers) by. */
export const ISTIO_PROXY_RESOURCE_ANNOTATIONS = {
  requestsCpu: 'sidecar.istio.io/proxyCPU',
  requestsMemory: 'sidecar.istio.io/proxyMemory',
  limitsCpu: 'sidecar.istio.io/proxyCPULimit',
  limitsMemory: 'sidecar.istio.io/proxyMemoryLimit',
} as const;
/** The pod label that keeps Istio's injector away from a pod. */
const INJECT_LABEL = 'sidecar.istio.io/inject';

export interface IstioMeshProps {
  /** How pods join the mesh. @default 'sidecar' */
  readonly mode?: IstioMode;
  /** The Istio CNI plugin is installed (no istio-init container in sidecar pods). @default false */
  readonly cni?: boolean;
  /** Ambient mode: the waypoint's name in every namespace with an Istio canary (required there). @default - none */
  readonly waypoint?: string;
  /** The entry point's proxy is in the mesh (its requests follow VirtualService weights). @default false */
  readonly entryInMesh?: boolean;
  /** Ambient: the Istio install gives waypoints the RuntimeDefault seccomp profile (restricted tenants need it). @default false */
  readonly waypointSeccomp?: boolean;
  /** istiod's pods. @default - pods labelled app=istiod in istio-system */
  readonly controlPlane?: PodsPeer;
  /**
   * Sidecar mode: the istio-proxy resources of every pod Platform Kit writes in an enrolled namespace (set through
   * Istio's sidecar.istio.io/proxy* pod annotations, so the install's defaults do not matter).
   * @default DEFAULT_ISTIO.proxyResources
   */
  readonly proxyResources?: InjectedResources;
  /**
   * Ambient mode: the waypoint pod's resources, as the Istio install sets them (values.global.waypoint.resources);
   * each enrolled namespace's quota and LimitRange must hold the waypoint.
   * @default - Istio's chart default (requests 100m/128Mi, limits 2 CPU/1Gi)
   */
  readonly waypointResources?: InjectedResources;
}

/**
 * The Istio the cluster runs, as the typed handle the apps and tenancy parts share: which namespace labels enroll a
 * namespace in the chosen mode, where istiod and the waypoint are (for flows), and the Pod Security rule.
 */
export class IstioMesh {
  public readonly mode: IstioMode;
  public readonly cni: boolean;
  public readonly waypoint?: string;
  public readonly entryInMesh: boolean;
  public readonly waypointSeccomp: boolean;
  public readonly controlPlane: PodsPeer;
  public readonly proxyResources: InjectedResources;
  public readonly waypointResources: InjectedResources;

  constructor(props: IstioMeshProps = {}) {
    this.mode = props.mode ?? DEFAULT_ISTIO.mode;
    if (!ISTIO_MODES.includes(this.mode)) throw new Error(`IstioMesh: mode ${show(this.mode)} is not one of ${ISTIO_MODES.join(', ')}.`);
    this.cni = props.cni ?? DEFAULT_ISTIO.cni;
    this.waypoint = props.waypoint;
    this.entryInMesh = props.entryInMesh ?? DEFAULT_ISTIO.entryInMesh;
    this.waypointSeccomp = props.waypointSeccomp ?? false;
    this.controlPlane = props.controlPlane ?? Peers.externalPods(DEFAULT_ISTIO.controlPlaneNamespace, DEFAULT_ISTIO.controlPlanePodSelector, 'istiod');
    this.proxyResources = props.proxyResources ?? DEFAULT_ISTIO.proxyResources;
    this.waypointResources = props.waypointResources ?? ISTIO_INJECTOR_DEFAULT_RESOURCES;
    if (this.mode === 'ambient' && this.waypoint === undefined) {
      throw new Error('IstioMesh: ambient mode needs a waypoint for VirtualService weights (ztunnel alone handles only L4); deploy one (`istioctl waypoint apply -n <namespace>`) and pass waypoint: "waypoint".');
    }
    if (this.waypoint !== undefined && !isDnsLabel(this.waypoint)) throw new Error(`IstioMesh: waypoint ${show(this.waypoint)} is not a DNS label (the waypoint Gateway's name, e.g. "waypoint").`);
  }

  /** Labels that enroll a namespace: sidecar injection, or ambient with the waypoint for its Services. */
  namespaceLabels(): Record<string, string> {
    return this.mode === 'sidecar'
      ? { 'istio-injection': 'enabled' }
      : { 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': this.waypoint! };
  }

  /** Annotations of every pod template Platform Kit writes in an enrolled namespace: sidecar mode sizes istio-proxy. */
  podAnnotations(): Record<string, string> {
    if (this.mode !== 'sidecar') return {};
    const r = this.proxyResources;
    const a = ISTIO_PROXY_RESOURCE_ANNOTATIONS;
    return { [a.requestsCpu]: r.requests.cpu, [a.requestsMemory]: r.requests.memory, [a.limitsCpu]: r.limits.cpu, [a.limitsMemory]: r.limits.memory };
  }

  /**
   * What Istio adds to enrolled `namespace` at run time, for the quota-fit and capacity checks: sidecar mode — an
   * istio-proxy container in every pod (sized by the pod's annotations, else by Istio's default); ambient — the
   * waypoint's Deployment. Call once per enrolled namespace. `configKey` is the mesh section's key in platform.yaml.
   */
  addRuntimeWorkloads(scope: Construct, namespace: string, configKey = 'mesh.istio'): void {
    if (this.mode === 'sidecar') {
      new InjectedContainers(scope, `Sidecars-${namespace}`, {
        namespace,
        container: 'istio-proxy',
        // A pod without the annotations (one you or a controller create there) gets the injector's default.
        defaultResources: ISTIO_INJECTOR_DEFAULT_RESOURCES,
        resourceAnnotations: ISTIO_PROXY_RESOURCE_ANNOTATIONS,
        optOutLabel: [INJECT_LABEL, 'false'],
        madeBy: 'Istio\'s sidecar injector',
        configKey: `${configKey}.proxyResources`,
      });
      return;
    }
    const r = this.waypointResources;
    new ControllerPods(scope, `Waypoint-${namespace}`, {
      namespace,
      name: this.waypoint!,
      replicas: 1,
      podLabels: { [GATEWAY_NAME_LABEL]: this.waypoint! },
      madeBy: `istiod, for the waypoint Gateway ${namespace}/${this.waypoint} (sized by ${configKey}.waypointResources)`,
      // What the checks read is the resources (Istio's waypoint template: one istio-proxy container).
      podSpec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2', resources: toKubeResources(r) }] },
    });
  }

  /** The waypoint's pods in `namespace` (ambient). */
  waypointPods(namespace: string): PodsPeer {
    return Peers.pods(namespace, { [GATEWAY_NAME_LABEL]: this.waypoint! }, 'waypoint');
  }

  /** Why pods of a namespace enforcing `enforce` cannot join this mesh, with the fix; or `undefined`. */
  podSecurityProblem(enforce: string): string | undefined {
    const problem = meshPodSecurityProblem(this, enforce);
    return problem && `${problem.reason}; ${problem.fix}`;
  }
}

/** One version's pods, as a DestinationRule subset selects them. */
export interface IstioSubsetPods {
  /** The labels the subset selects (a Deployment's own selector labels keep the two subsets apart). */
  readonly selector: Readonly<Record<string, string>>;
}

export interface IstioCanaryProps {
  /** Name of the DestinationRule and VirtualService (the app's name). */
  readonly name: string;
  /** Namespace of the app, its Service and both objects. */
  readonly namespace: string;
  /** The Service whose pods the subsets partition: it selects both versions. @default - same as name */
  readonly service?: string;
  /** Port of that Service. */
  readonly port: number;
  readonly stable: IstioSubsetPods;
  readonly canary: IstioSubsetPods;
  /** Percent of the requests the canary subset gets (0–100); the stable subset gets the rest. */
  readonly weight: number;
  /** The mesh: its Pod Security rule and namespace labels are checked against the tree. */
  readonly mesh: IstioMesh;
  /** Labels of both objects. @default - common labels of the app */
  readonly labels?: Record<string, string>;
}

/**
 * A canary split by Istio: a DestinationRule that names two subsets of the app's Service (stable, canary) and a
 * VirtualService, bound to the mesh, that sends `100 - weight` percent of the requests for the Service's host to the
 * stable subset and `weight` percent to the canary. Istio applies it where a mesh proxy makes the request (the
 * client's sidecar, or the waypoint in ambient mode).
 *
 * At synth it proves against the tree that each subset selects the pods of exactly one workload, that the Service
 * selects both, and that the namespace is enrolled in the mode and allows it (Pod Security).
 */
export class IstioCanary extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly service: string;
  /** The Service's fully qualified name: the VirtualService's host and the DestinationRule's. */
  public readonly host: string;
  public readonly weight: number;

  constructor(scope: Construct, id: string, props: IstioCanaryProps) {
    super(scope, id);
    const at = `IstioCanary ${props.namespace}/${props.name}`;
    // The VirtualService, DestinationRule and the host are built from these names: each must be a DNS label.
    this.name = requireValid(DNS_LABEL, props.name, `${at}: name`);
    this.namespace = requireValid(DNS_LABEL, props.namespace, `${at}: namespace`);
    this.service = requireValid(DNS_LABEL, props.service ?? props.name, `${at}: service`);
    if (!Number.isInteger(props.weight) || props.weight < 0 || props.weight > 100) {
      throw new Error(`${at}: weight ${show(props.weight)} must be a whole percentage from 0 to 100 (e.g. 10); the stable subset gets the rest, so the two weights sum to 100.`);
    }
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) throw new Error(`${at}: port ${show(props.port)} is not a port number (1–65535).`);
    for (const [subset, pods] of [[STABLE_SUBSET, props.stable], [CANARY_SUBSET, props.canary]] as const) {
      if (Object.keys(pods.selector).length === 0) throw new Error(`${at}: the ${subset} subset selects every pod of the Service; give its Deployment's selector labels.`);
    }
    this.weight = props.weight;
    this.host = `${this.service}.${this.namespace}.svc.cluster.local`;
    const labels = props.labels ?? commonLabels({ name: this.name, component: 'canary-split' });
    const metadata = { name: this.name, namespace: this.namespace, labels };

    new ApiObject(this, 'DestinationRule', {
      apiVersion: ISTIO_NETWORKING_API_VERSION,
      kind: 'DestinationRule',
      metadata,
      spec: {
        host: this.host,
        subsets: [
          { name: STABLE_SUBSET, labels: { ...props.stable.selector } },
          { name: CANARY_SUBSET, labels: { ...props.canary.selector } },
        ],
      },
    });
    const destination = (subset: string) => ({ host: this.host, subset, port: { number: props.port } });
    new ApiObject(this, 'Resource', {
      apiVersion: ISTIO_NETWORKING_API_VERSION,
      kind: 'VirtualService',
      metadata,
      spec: {
        hosts: [this.host],
        // Only mesh proxies (sidecars, waypoints) apply it; no Istio ingress gateway is involved.
        gateways: ['mesh'],
        http: [{
          name: 'canary-split',
          route: [
            { destination: destination(STABLE_SUBSET), weight: 100 - this.weight },
            { destination: destination(CANARY_SUBSET), weight: this.weight },
          ],
        }],
      },
    });

    this.node.addValidation({ validate: () => istioCanaryProblems(this.node.root, this, props) });
  }
}

/** The tree checks of one split: subsets against the pod templates, the Service, the namespace's labels. */
function istioCanaryProblems(root: IConstruct, split: IstioCanary, props: IstioCanaryProps): string[] {
  const manifests = root.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && ['Service', 'Namespace', ...WORKLOAD_KINDS].includes(c.kind))
    .map((o) => o.toJson());
  const at = `VirtualService ${split.namespace}/${split.name}`;
  const problems: string[] = [];
  const workloads = manifests.filter((m) => WORKLOAD_KINDS.includes(m.kind) && m.metadata?.namespace === split.namespace);
  const owners = (selector: Readonly<Record<string, string>>) => workloads
    .filter((w) => matchesLabelSelector({ matchLabels: selector }, w.spec?.template?.metadata?.labels))
    .map((w) => `${w.kind}/${w.metadata.name}`);
  const service = manifests.find((m) => m.kind === 'Service' && m.metadata?.namespace === split.namespace && m.metadata?.name === split.service);
  const served = service?.spec?.selector ? owners(service.spec.selector) : [];
  if (!service) problems.push(`${at}: its host ${split.host} is no Service in the tree; the subsets partition that Service's pods — create it or fix the name.`);
  for (const [subset, pods] of [[STABLE_SUBSET, props.stable], [CANARY_SUBSET, props.canary]] as const) {
    const found = owners(pods.selector);
    if (found.length !== 1) {
      problems.push(`${at}: subset ${subset} (${show(pods.selector)}) selects the pods of ${found.length === 0 ? 'no workload' : found.join(' and ')}; each subset must select exactly one workload's pods, or its share of the requests goes to the wrong version or fails.`);
    } else if (service && !served.includes(found[0])) {
      problems.push(`${at}: subset ${subset} selects ${found[0]}, whose pods Service ${split.service} does not select; Istio picks subset pods among the Service's endpoints — make the Service select both versions.`);
    }
  }
  const namespace = manifests.find((m) => m.kind === 'Namespace' && m.metadata?.name === split.namespace);
  if (namespace) {
    const labels: Record<string, string> = namespace.metadata?.labels ?? {};
    const enforce = labels['pod-security.kubernetes.io/enforce'] ?? 'privileged';
    const psa = props.mesh.podSecurityProblem(enforce);
    if (psa !== undefined) problems.push(`${at}: namespace ${split.namespace} enforces Pod Security ${show(enforce)}, and ${psa}.`);
    const missing = Object.entries(props.mesh.namespaceLabels()).filter(([k, v]) => labels[k] !== v).map(([k, v]) => `${k}: ${v}`);
    if (missing.length > 0) problems.push(`${at}: namespace ${split.namespace} lacks ${missing.join(', ')}, so its pods are not in the mesh (${props.mesh.mode}) and nothing applies the weights; offer the labels (namespaceLabels) to the part that owns the namespace.`);
  }
  return problems;
}

/**
 * The flows a mesh needs for one app's pods, beyond the app's own: sidecar — the pods' proxies reach istiod; ambient —
 * the waypoint reaches the pods over HBONE, and the kubelet's SNATed probes reach them. Nothing else is opened:
 * Envoy's stats ports (15090, 15020) only matter to a Prometheus that scrapes them, and the probes sidecar injection
 * rewrites to 15020/15021 come from the node, which NetworkPolicy implementations admit.
 */
export function meshPodFlows(scope: Construct, mesh: IstioMesh, app: { name: string; namespace: string; pods: Peer; containerPort: number }): void {
  if (mesh.mode === 'sidecar') {
    new Flow(scope, 'ToIstiod', {
      name: `allow-${app.name}-to-istiod`,
      from: app.pods,
      to: mesh.controlPlane,
      ports: [Port.tcp(ISTIOD_XDS_PORT)],
      description: `${app.name}'s sidecars get their configuration and certificates from istiod`,
    });
    return;
  }
  new Flow(scope, 'FromWaypoint', {
    name: `allow-waypoint-to-${app.name}`,
    from: mesh.waypointPods(app.namespace),
    to: app.pods,
    ports: [Port.tcp(HBONE_PORT)],
    description: `the waypoint (${mesh.waypoint}) forwards ${app.name}'s requests over HBONE (ambient)`,
  });
  new Flow(scope, 'FromProbes', {
    name: `allow-probes-to-${app.name}`,
    from: Peers.cidr(AMBIENT_PROBE_SOURCE, 'ambient-probes'),
    to: app.pods,
    ports: [Port.tcp(app.containerPort)],
    description: `the kubelet's probes of ${app.name}, which ambient mode sends from ${AMBIENT_PROBE_SOURCE}`,
  });
}

/**
 * The flows of a namespace's waypoint (ambient): it reaches istiod, and — when the entry point's proxy is in the
 * mesh — the proxy reaches it over HBONE. Once per namespace.
 */
export function waypointFlows(scope: Construct, mesh: IstioMesh, namespace: string, entryProxy: Peer | undefined): void {
  if (mesh.mode !== 'ambient') return;
  const waypoint = mesh.waypointPods(namespace);
  new Flow(scope, 'WaypointToIstiod', {
    name: 'allow-waypoint-to-istiod',
    from: waypoint,
    to: mesh.controlPlane,
    ports: [Port.tcp(ISTIOD_XDS_PORT)],
    description: `the waypoint (${mesh.waypoint}) gets its configuration and certificates from istiod`,
  });
  if (entryProxy !== undefined && mesh.entryInMesh) {
    new Flow(scope, 'EntryToWaypoint', {
      name: 'allow-entry-to-waypoint',
      from: entryProxy,
      to: waypoint,
      ports: [Port.tcp(HBONE_PORT)],
      description: `the entry point's proxy (in the ambient mesh) sends requests for ${namespace}'s Services through the waypoint`,
    });
  }
}
