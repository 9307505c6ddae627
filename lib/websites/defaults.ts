import { ContainerResources, resources } from '../core/security';
import { imagePin } from '../versions';

/** The controller's namespace. */
export const DEFAULT_WEBSITE_NAMESPACE = 'website';
/** Name of the controller's ServiceAccount, ClusterRole, Roles, Deployment and Lease (the contract's LEASE_NAME default). */
export const CONTROLLER_NAME = 'website-controller';
/** Two pods: one leads through the Lease, the other takes over when it goes (a drain, a crash). */
export const DEFAULT_CONTROLLER_REPLICAS = 2;
/** The controller's image: our own build, so the row in the versions table names a placeholder registry (see there). */
export const DEFAULT_CONTROLLER_IMAGE = imagePin('websiteController');
/**
 * A Node.js process with an informer cache of Websites, Deployments and Services of the managed namespaces: 64Mi is
 * Node's own floor plus a small cache; the limit leaves room for a full relist.
 */
export const DEFAULT_CONTROLLER_RESOURCES: ContainerResources = resources('20m', '64Mi', '200m', '192Mi');
/** uid of the controller: any non-root uid works, the program writes nothing to disk (its root filesystem is read-only). */
export const CONTROLLER_UID = 65532;
/** METRICS_ADDR port: /metrics, /healthz and /readyz. */
export const CONTROLLER_METRICS_PORT = 8080;

/** Resources of the two containers of every website pod (WEBSITE_POD_RESOURCES, as the contract spells it). */
export interface WebsitePodResources {
  readonly nginx: ContainerResources;
  readonly gitSync: ContainerResources;
}

/** nginx serving static files is tiny; git-sync runs `git fetch`, whose memory grows with the repository. */
export const DEFAULT_WEBSITE_POD_RESOURCES: WebsitePodResources = {
  nginx: resources('10m', '16Mi', '100m', '64Mi'),
  gitSync: resources('10m', '32Mi', '200m', '128Mi'),
};

/** Suffix of the Deployment and Service the controller creates per Website (`<name>-website`). */
export const WEBSITE_SERVICE_SUFFIX = '-website';
/** The website pods' labels and ports, as the contract fixes them. */
export const WEBSITE_POD = {
  name: 'website',
  managedBy: 'website-controller',
  httpPort: 8080,
  servicePort: 80,
  gitSyncHttpPort: 8081,
  /** The uid the contract suggests for both containers (git-sync's own user; nginx-unprivileged runs as any uid). */
  uid: 65533,
} as const;

/** git-sync connects over HTTPS (443) and SSH (22). */
export const GIT_PORTS = [443, 22] as const;

/** RFC 5737 documentation ranges: a gitHosts entry there is a placeholder that routes nowhere. */
export const DOCUMENTATION_CIDRS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'] as const;

/** The nginx and git-sync images the controller puts in every website pod (WEBSITE_NGINX_IMAGE, WEBSITE_GIT_SYNC_IMAGE). */
export const WEBSITE_NGINX_IMAGE = imagePin('nginxUnprivileged');
export const WEBSITE_GIT_SYNC_IMAGE = imagePin('gitSync');
