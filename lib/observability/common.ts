import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { commonLabels, selectorLabels, WorkloadIdentity } from '../core/labels';
import { parseQuantity } from '../core/quantity';
import { ContainerResources } from '../core/security';
import { fitFlowName, Flow, kebab } from '../network/flow';
import { FlowPort, IPeerable, Peer, Peers, Port } from '../network/peer';


/** The labels of one observability component: common labels on objects, selector labels on pods and policies. */
export class ComponentIdentity {
  public readonly selector: Record<string, string>;
  public readonly labels: Record<string, string>;
  /** Labels without the version, for objects that outlive an upgrade (claims, volumes). */
  public readonly stableLabels: Record<string, string>;

  constructor(public readonly id: WorkloadIdentity) {
    this.selector = selectorLabels(id);
    this.labels = commonLabels(id);
    this.stableLabels = commonLabels({ ...id, version: undefined });
  }
}

/**
 * GOMEMLIMIT for a Go program: 90% of the container's memory limit, in MiB, so the garbage collector works harder
 * before the kernel's OOM killer would step in.
 */
export function goMemLimit(resources: ContainerResources): k8s.EnvVar {
  const mib = Math.floor((parseQuantity(resources.limits.memory) * 0.9) / 2 ** 20);
  return { name: 'GOMEMLIMIT', value: `${mib}MiB` };
}

/** Where the Kubernetes API server listens: the control-plane nodes' addresses and the API server port. */
export interface ApiServerEndpoints {
  /** InternalIPs of the control-plane nodes. */
  readonly addresses: readonly string[];
  /** Port of the API server on those nodes. */
  readonly port: number;
}

export function apiServerOf(cluster: ClusterConfig): ApiServerEndpoints {
  return { addresses: cluster.nodes.filter((n) => n.role === 'control-plane').map((n) => n.ip), port: cluster.apiServerPort };
}

/** The node addresses Prometheus scrapes (kubelet, node-exporter on the host network). */
export interface NodeAddress {
  readonly name: string;
  readonly ip: string;
}

/**
 * A flow name from parts: `allow-` + the parts in kebab-case. Names are capped so the `-ingress`/`-egress`
 * policies stay DNS labels; a long name keeps its start and gets a short hash, so it stays unique and stable.
 */
export function flowName(...parts: readonly string[]): string {
  return fitFlowName(`allow-${parts.map(kebab).join('-')}`);
}

/**
 * Opens `from` → the API server: one flow per control-plane address, on the API server port. Pods reach the API
 * through the `kubernetes` Service (10.96.0.1:443), but kube-proxy DNATs that to a control-plane node's address
 * before NetworkPolicy is evaluated (Calico applies policy to the translated destination), so the egress rule
 * must name the node addresses and the API server port, not the Service.
 */
export function allowApiServer(scope: Construct, from: IPeerable | Peer, who: string, api: ApiServerEndpoints, why: string): Flow[] {
  const ids = new Set<string>();
  return api.addresses.map((ip) => {
    const id = `ApiServer${ip.replace(/\./g, '-')}`;
    if (ids.has(id)) throw new Error(`allowApiServer: address ${ip} is listed twice.`);
    ids.add(id);
    return new Flow(scope, id, {
      name: flowName(who, 'apiserver', ip.replace(/\./g, '-')),
      from,
      to: Peers.cidr(`${ip}/32`, `apiserver-${ip}`),
      ports: [Port.tcp(api.port)],
      description: why,
    });
  });
}

/** A ServiceAccount of a component; the API token is mounted only for components that call the API. */
export function serviceAccount(scope: Construct, name: string, namespace: string, labels: Record<string, string>, usesApi: boolean): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, namespace, labels },
    automountServiceAccountToken: usesApi,
  });
}

/** A read-only ClusterRole and its binding to the component's ServiceAccount. */
export function clusterReader(scope: Construct, name: string, labels: Record<string, string>, rules: k8s.PolicyRule[], account: { name: string; namespace: string }): void {
  new k8s.KubeClusterRole(scope, 'ClusterRole', { metadata: { name, labels }, rules });
  new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: { name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: account.namespace }],
  });
}

/** `http://<service>.<namespace>.svc:<port>` — without the cluster domain, so any cluster domain works. */
export function serviceUrl(service: string, namespace: string, port: number): string {
  return `http://${service}.${namespace}.svc:${port}`;
}

/** An HTTP GET probe. */
export function httpProbe(path: string, port: number | string, opts: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } = {}): k8s.Probe {
  return {
    httpGet: { path, port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) },
    ...(opts.initialDelaySeconds !== undefined ? { initialDelaySeconds: opts.initialDelaySeconds } : {}),
    periodSeconds: opts.periodSeconds ?? 10,
    timeoutSeconds: opts.timeoutSeconds ?? 5,
    failureThreshold: opts.failureThreshold ?? 3,
  };
}

/** Something Prometheus scrapes: pods (a peer) and the ports their metrics are on. */
export interface IScrapeTarget extends IPeerable {
  /** Short name for flow names and descriptions, e.g. `loki`. */
  readonly scrapeName: string;
  /** Container ports the metrics are served on. */
  readonly metricsPorts: readonly FlowPort[];
}

/** An emptyDir volume with a size limit (counted against the node's ephemeral storage). */

/**
 * The headless Service a StatefulSet names as its `serviceName` (`<name>-headless`): the API requires that governing
 * Service to exist and to be headless (it gives each pod its stable DNS name), which the ClusterIP Service clients
 * use is not. Returns its name.
 */
export function governingService(scope: Construct, name: string, namespace: string, identity: Pick<ComponentIdentity, 'labels' | 'selector'>, ports: Array<{ name: string; port: number }>): string {
  const service = `${name}-headless`;
  new k8s.KubeService(scope, 'HeadlessService', {
    metadata: { name: service, namespace, labels: identity.labels },
    spec: {
      clusterIp: 'None',
      selector: identity.selector,
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
    },
  });
  return service;
}

/** A ClusterIP Service selecting the component's pods. */
export function clusterService(scope: Construct, name: string, namespace: string, identity: ComponentIdentity, ports: Array<{ name: string; port: number }>): k8s.KubeService {
  return new k8s.KubeService(scope, 'Service', {
    metadata: { name, namespace, labels: identity.labels },
    spec: {
      type: 'ClusterIP',
      selector: identity.selector,
      ports: servicePorts(ports),
    },
  });
}

/** Service ports that target the container port of the same name. */
function servicePorts(ports: Array<{ name: string; port: number }>): k8s.ServicePort[] {
  return ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' }));
}
