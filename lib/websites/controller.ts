import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { podFieldEnv } from '../core/downward-api';
import { show } from '../core/errors';
import { hardenedPodSpec } from '../core/hardened-pod';
import { commonLabels, selectorLabels } from '../core/labels';
import { parseQuantity } from '../core/quantity';
import { ContainerResources, imageName, ImageRef } from '../core/security';
import { isDnsLabel } from '../core/validate';
import { PodsPeer, Peers } from '../network/peer';
import { allowApiServer, ApiServerEndpoints, httpProbe } from '../observability/common';
import { DnsSettings, NamespaceBaseline } from '../tenancy/namespace-baseline';
import {
  CONTROLLER_METRICS_PORT, CONTROLLER_NAME, CONTROLLER_UID, DEFAULT_CONTROLLER_IMAGE, DEFAULT_CONTROLLER_REPLICAS, DEFAULT_CONTROLLER_RESOURCES,
  DEFAULT_WEBSITE_NAMESPACE, DEFAULT_WEBSITE_POD_RESOURCES, WEBSITE_GIT_SYNC_IMAGE, WEBSITE_NGINX_IMAGE, WebsitePodResources,
} from './defaults';
import { WEBSITE_GROUP, WEBSITE_PLURAL } from './website-crd';

/** The verbs on Deployments and Services the controller needs (server-side apply is `patch`; no `update`). */
export const WORKLOAD_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'] as const;

export interface WebsiteControllerProps {
  /** Namespace of the controller (created here, restricted, default-deny). @default 'website' */
  readonly namespace?: string;
  /** Tenant namespaces the controller acts in (WEBSITE_NAMESPACES): a Role each, and nothing elsewhere. @default [] */
  readonly managedNamespaces?: readonly string[];
  /** `<namespace>/<name>` of the Websites served through the entry point (WEBSITE_EXPOSED). @default [] */
  readonly exposed?: readonly string[];
  /** The controller's image (you build and push controller/website/). @default DEFAULT_CONTROLLER_IMAGE (a placeholder) */
  readonly image?: ImageRef;
  /** Controller pods; one leads through the Lease. @default 2 */
  readonly replicas?: number;
  /** @default DEFAULT_CONTROLLER_RESOURCES */
  readonly resources?: ContainerResources;
  /** Resources of the website pods it creates (WEBSITE_POD_RESOURCES). @default DEFAULT_WEBSITE_POD_RESOURCES */
  readonly podResources?: WebsitePodResources;
  /** LOG_LEVEL. @default 'info' */
  readonly logLevel?: string;
  /** Name of the leader-election Lease (LEASE_NAME). @default 'website-controller' */
  readonly leaseName?: string;
  /** The API server it watches and writes through. */
  readonly apiServer: ApiServerEndpoints;
  /** Cluster DNS. @default - kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSettings;
}

/**
 * The website controller (controller/website/): its namespace, ServiceAccount, least-privilege RBAC exactly as the
 * contract says, the Deployment (leader election through a Lease, so two replicas never fight), a
 * PodDisruptionBudget, and its one flow — to the API server. Website objects are read cluster-wide (a Website in an
 * unmanaged namespace gets Ready=False NamespaceNotManaged), but Deployments and Services are written only in the
 * namespaces listed in `managedNamespaces`, through a Role in each.
 */
export class WebsiteController extends Construct {
  public readonly namespace: string;
  public readonly managedNamespaces: readonly string[];
  public readonly replicas: number;
  public readonly leaseName: string;
  /** The controller's pods, as a flow peer and scrape target. */
  public readonly pods: PodsPeer;
  public readonly metricsPort = CONTROLLER_METRICS_PORT;

  constructor(scope: Construct, id: string, props: WebsiteControllerProps) {
    super(scope, id);
    this.namespace = props.namespace ?? DEFAULT_WEBSITE_NAMESPACE;
    this.managedNamespaces = [...new Set(props.managedNamespaces ?? [])].sort();
    this.replicas = props.replicas ?? DEFAULT_CONTROLLER_REPLICAS;
    this.leaseName = props.leaseName ?? CONTROLLER_NAME;
    const at = `WebsiteController ${this.node.path}`;
    for (const ns of [this.namespace, ...this.managedNamespaces]) {
      if (!isDnsLabel(ns)) throw new Error(`${at}: namespace ${show(ns)} is not a DNS label (example: "demo").`);
    }
    if (this.managedNamespaces.includes(this.namespace)) {
      throw new Error(`${at}: managedNamespaces includes the controller's own namespace ${show(this.namespace)}; Websites belong in tenant namespaces — remove it.`);
    }
    if (!Number.isInteger(this.replicas) || this.replicas < 1) throw new Error(`${at}: replicas ${show(this.replicas)} must be a whole number >= 1.`);
    const image = props.image ?? DEFAULT_CONTROLLER_IMAGE;
    const resources = props.resources ?? DEFAULT_CONTROLLER_RESOURCES;
    const podResources = props.podResources ?? DEFAULT_WEBSITE_POD_RESOURCES;
    const identity = { name: CONTROLLER_NAME, component: 'controller' };
    const labels = commonLabels(identity);
    const selector = selectorLabels(identity);
    this.pods = Peers.pods(this.namespace, selector, CONTROLLER_NAME);

    new NamespaceBaseline(this, 'Namespace', {
      name: this.namespace,
      part: 'websites',
      podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
      // Sized to what runs here: the controller's pods and their rolling-update surge.
      quotaFromWorkloads: { nodeCount: 1 },
      allowSameNamespace: false,
      dns: props.dns,
    });

    this.addRbac(labels);

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: CONTROLLER_NAME, namespace: this.namespace, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: hardenedPodSpec({
            serviceAccountName: CONTROLLER_NAME,
            usesApi: true,
            enableServiceLinks: false,
            uid: CONTROLLER_UID,
            // Leader and stand-by on different nodes where possible: a node loss then costs one Lease hand-over.
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
            containers: [{
              name: 'controller',
              image: imageName(image),
              env: [
                podFieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                podFieldEnv('POD_NAME', 'metadata.name'),
                { name: 'WEBSITE_NAMESPACES', value: this.managedNamespaces.join(',') },
                { name: 'WEBSITE_NGINX_IMAGE', value: imageName(WEBSITE_NGINX_IMAGE) },
                { name: 'WEBSITE_GIT_SYNC_IMAGE', value: imageName(WEBSITE_GIT_SYNC_IMAGE) },
                { name: 'WEBSITE_POD_RESOURCES', value: podResourcesJson(podResources) },
                { name: 'WEBSITE_EXPOSED', value: [...new Set(props.exposed ?? [])].sort().join(',') },
                { name: 'LEASE_NAME', value: this.leaseName },
                { name: 'METRICS_ADDR', value: `:${CONTROLLER_METRICS_PORT}` },
                { name: 'LOG_LEVEL', value: props.logLevel ?? 'info' },
                // V8's heap stops short of the container limit, so the process collects garbage before the OOM killer acts.
                { name: 'NODE_OPTIONS', value: `--max-old-space-size=${Math.floor((parseQuantity(resources.limits.memory) * 0.75) / 2 ** 20)}` },
              ],
              ports: [{ name: 'metrics', containerPort: CONTROLLER_METRICS_PORT, protocol: 'TCP' }],
              resources,
              readinessProbe: httpProbe('/readyz', 'metrics', { initialDelaySeconds: 5 }),
              livenessProbe: httpProbe('/healthz', 'metrics', { initialDelaySeconds: 10 }),
            }],
          }),
        },
      },
    });

    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: CONTROLLER_NAME, namespace: this.namespace, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    allowApiServer(new Construct(this, 'Flows'), this.pods, CONTROLLER_NAME, props.apiServer,
      'the website controller watches Websites and server-side-applies their Deployments and Services');
  }

  /** Exactly the contract's RBAC: nothing on events or Secrets, no cluster-wide write. */
  private addRbac(labels: Record<string, string>): void {
    const subject = { kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: this.namespace };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: CONTROLLER_NAME, namespace: this.namespace, labels }, automountServiceAccountToken: true });

    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: CONTROLLER_NAME, labels },
      rules: [
        { apiGroups: [WEBSITE_GROUP], resources: [WEBSITE_PLURAL], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [WEBSITE_GROUP], resources: [`${WEBSITE_PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: CONTROLLER_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_NAME },
      subjects: [subject],
    });

    // A Role per namespace with Websites, never a ClusterRole: a Website elsewhere can make the controller create nothing.
    const tenants = new Construct(this, 'Tenants');
    for (const ns of this.managedNamespaces) {
      const holder = new Construct(tenants, ns);
      new k8s.KubeRole(holder, 'Role', {
        metadata: { name: CONTROLLER_NAME, namespace: ns, labels },
        rules: [
          { apiGroups: ['apps'], resources: ['deployments'], verbs: [...WORKLOAD_VERBS] },
          { apiGroups: [''], resources: ['services'], verbs: [...WORKLOAD_VERBS] },
        ],
      });
      new k8s.KubeRoleBinding(holder, 'RoleBinding', {
        metadata: { name: CONTROLLER_NAME, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CONTROLLER_NAME },
        subjects: [subject],
      });
    }

    // `create` cannot be limited by name (the name is not known to authorization before the object exists).
    const lease = `${CONTROLLER_NAME}-lease`;
    new k8s.KubeRole(this, 'LeaseRole', {
      metadata: { name: lease, namespace: this.namespace, labels },
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [this.leaseName], verbs: ['get', 'update', 'patch'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'LeaseRoleBinding', {
      metadata: { name: lease, namespace: this.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: lease },
      subjects: [subject],
    });
  }
}

/** WEBSITE_POD_RESOURCES, in the contract's shape and a fixed key order (byte-identical output). */
export function podResourcesJson(r: WebsitePodResources): string {
  const one = (c: ContainerResources) => ({
    requests: { cpu: c.requests.cpu, memory: c.requests.memory },
    limits: { ...(c.limits.cpu !== undefined ? { cpu: c.limits.cpu } : {}), memory: c.limits.memory },
  });
  return JSON.stringify({ nginx: one(r.nginx), gitSync: one(r.gitSync) });
}
