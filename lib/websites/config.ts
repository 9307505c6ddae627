import { checkRequestsWithinLimits } from '../config/resource-limits';
import { array, bool, imageSchema, int, JsonSchema, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show, showList } from '../core/errors';
import { credentialProblem } from '../core/validate';
import { cidrCovers } from '../core/validate/ip';
import { HOST_NAME } from '../network/ingress-route';
import {
  BRANCH_MAX_LENGTH, BRANCH_PATTERN, GIT_REPO_MAX_LENGTH, GIT_REPO_PATTERN, SYNC_PERIOD_PATTERN, WEBSITE_DEFAULTS, WEBSITE_REPLICAS,
} from './website-crd';
import {
  DEFAULT_CONTROLLER_IMAGE, DEFAULT_CONTROLLER_REPLICAS, DEFAULT_CONTROLLER_RESOURCES, DEFAULT_WEBSITE_NAMESPACE, DEFAULT_WEBSITE_POD_RESOURCES,
  DOCUMENTATION_CIDRS, GIT_PORTS, WEBSITE_SERVICE_SUFFIX,
} from './defaults';

// The section's types are generated from websitesSchema (`npm run schema`).
export type { SiteConfig, WebsitesConfig } from './config.generated';
import type { WebsitesConfig } from './config.generated';

const withPattern = (schema: JsonSchema, pattern: string, maxLength: number): JsonSchema => ({ ...schema, pattern, maxLength });

export const siteSchema: JsonSchema = object(
  {
    name: str(`Name of the Website object; the controller names its Deployment and Service <name>${WEBSITE_SERVICE_SUFFIX}.`, { format: 'dns-label', examples: ['xxhf'] }),
    tenant: str('Tenant namespace the site lives in (must be listed under tenants:).', { format: 'dns-label', examples: ['demo'] }),
    gitRepo: withPattern(str('Repository git-sync clones and nginx serves: https://host/path, ssh://git@host/path or git@host:path (no credentials in the URL).', { examples: ['https://gitee.com/rocrunning/kubia-website-example.git'] }), GIT_REPO_PATTERN, GIT_REPO_MAX_LENGTH),
    branch: withPattern(str('Branch (or other ref) to check out.', { default: WEBSITE_DEFAULTS.branch }), BRANCH_PATTERN, BRANCH_MAX_LENGTH),
    syncPeriod: { ...str('How often git-sync looks for new commits: a whole number of s, m or h.', { default: WEBSITE_DEFAULTS.syncPeriod, examples: ['60s', '5m'] }), pattern: SYNC_PERIOD_PATTERN },
    replicas: int('Pods serving the site (the tenant quota must fit them, with one surge pod).', { minimum: WEBSITE_REPLICAS.minimum, maximum: WEBSITE_REPLICAS.maximum, default: WEBSITE_DEFAULTS.replicas }),
    host: str('HTTPS host the site is served at through the platform\'s entry point (Gateway or Ingress). Default: not exposed.', { format: 'dns-subdomain', examples: ['xxhf.lab.example'] }),
    tlsSecretName: str(`kubernetes.io/tls Secret for host in the tenant namespace, created out of band. Default: <name>${WEBSITE_SERVICE_SUFFIX}-tls. Only with host.`, { format: 'dns-subdomain' }),
  },
  { required: ['name', 'tenant', 'gitRepo'] },
);

const pod = DEFAULT_WEBSITE_POD_RESOURCES;
const controller = DEFAULT_CONTROLLER_RESOURCES;

export const websitesSchema: JsonSchema = object(
  {
    enabled: bool('Deploy the Website CRD and its controller (dist/28-websites.*.yaml) and the sites (dist/needs-websites/). Off by default: the controller image is yours to build and push first (docs/websites.md).', false),
    namespace: str('Namespace of the website controller (Platform Kit creates it; tenants may not use it).', { format: 'dns-label', default: DEFAULT_WEBSITE_NAMESPACE }),
    controller: object(
      {
        image: imageSchema(
          'Image of the website controller, built from controller/website/ and pushed by you (docs/websites.md, "The controller image"). The default names a placeholder registry (.invalid): set your own.',
          DEFAULT_CONTROLLER_IMAGE,
        ),
        replicas: int('Controller pods; one leads (a Lease), the others wait to take over. 2 keeps the controller running through a node drain (with a PodDisruptionBudget).', { minimum: 1, maximum: 5, default: DEFAULT_CONTROLLER_REPLICAS }),
        resources: resourcesSchema('Requests and limits of the controller container.', controller),
        logLevel: str('LOG_LEVEL of the controller.', { enum: ['debug', 'info', 'warn', 'error'], default: 'info' }),
      },
      { default: {}, description: 'The website controller (one Deployment in websites.namespace).' },
    ),
    podResources: object(
      {
        nginx: resourcesSchema('Requests and limits of the nginx container of every website pod.', pod.nginx),
        gitSync: resourcesSchema('Requests and limits of the git-sync container of every website pod.', pod.gitSync),
      },
      { default: {}, description: 'Resources of the website pods the controller creates (WEBSITE_POD_RESOURCES); they count against the tenant\'s quota.' },
    ),
    gitHosts: array(
      str('Address block of a git host (IPv4 CIDR).', { format: 'ipv4-cidr', examples: ['180.76.198.0/24'] }),
      `Where git-sync may connect, on TCP ${GIT_PORTS.join(' and ')} (HTTPS and SSH): NetworkPolicy matches addresses, not names, so list the git host's addresses (e.g. dig +short gitee.com). Required once sites exist.`,
      { default: [], uniqueItems: true },
    ),
    sites: array(siteSchema, 'Websites, each a Website object in a tenant namespace (dist/needs-websites/).', { default: [] }),
  },
  { default: {}, description: 'Websites (docs/websites.md): the Website custom resource and its controller, which serves a git repository with nginx and git-sync.' },
);

/** What the cross-field checks read besides the section. */
export interface WebsitesCheckInput {
  readonly websites: WebsitesConfig;
  readonly tenants: readonly { readonly name: string }[];
  readonly podCidr?: string;
  readonly serviceCidr?: string;
  /** Tenants an Istio canary puts in the mesh, with the app that does (`apps[i]`). @default - none */
  readonly meshTenants?: ReadonlyMap<string, number>;
}

/**
 * Cross-field checks of `websites:`, run after the schema passed; each problem names the key, the value and the fix.
 * A host another part serves too is caught where every part's hosts meet (the exposedHosts offer, duplicateHosts).
 */
export function checkWebsitesConfig(input: WebsitesCheckInput, problems: ProblemList): void {
  const w = input.websites;
  const tenants = input.tenants.map((t) => t.name);
  const byTenant = new Map<string, number>();
  const hosts = new Map<string, number>();
  w.sites.forEach((s, i) => {
    const at = `websites.sites[${i}]`;
    if (!tenants.includes(s.tenant)) problems.add(`${at}.tenant: ${show(s.tenant)} is not a tenant; add it under tenants: or use one of ${showList(tenants)}.`);
    const app = input.meshTenants?.get(s.tenant);
    if (app !== undefined) {
      problems.add(`${at}.tenant: ${show(s.tenant)} is in the Istio mesh through apps[${app}].canary, so the website controller's pods would join it too, and they are not made for it: they carry no sidecar sizing and no mesh flows (istiod, HBONE), so they would be refused or unreachable. Put the site in a tenant without an Istio canary, or set apps[${app}].canary.split: gateway-api.`);
    }
    const key = `${s.tenant}/${s.name}`;
    if (byTenant.has(key)) problems.add(`${at}.name: ${show(s.name)} is already websites.sites[${byTenant.get(key)}] in tenant ${show(s.tenant)}; names must be unique per tenant (the controller names the Deployment and Service after it) — rename one.`);
    byTenant.set(key, i);
    if (s.name.length > 63 - WEBSITE_SERVICE_SUFFIX.length) problems.add(`${at}.name: ${show(s.name)} is longer than ${63 - WEBSITE_SERVICE_SUFFIX.length} characters; the Service <name>${WEBSITE_SERVICE_SUFFIX} must be a DNS label — shorten it.`);
    const credential = credentialProblem(s.gitRepo, `${at}.gitRepo`, 'give the URL without credentials: a public repository needs none (private ones are not supported yet, docs/websites.md).');
    if (credential !== undefined) problems.add(credential);
    if (s.tlsSecretName !== undefined && s.host === undefined) problems.add(`${at}.tlsSecretName: ${show(s.tlsSecretName)} is set but host is not; add host (the site is then exposed) or remove tlsSecretName.`);
    if (s.host !== undefined) {
      if (!HOST_NAME.test(s.host)) problems.add(`${at}.host: ${show(s.host)} has no domain; use a full name such as "${s.host}.lab.example".`);
      const first = hosts.get(s.host);
      if (first !== undefined) problems.add(`${at}.host: ${show(s.host)} is already websites.sites[${first}].host; each host is served by one site — give one of them another host.`);
      else hosts.set(s.host, i);
    }
  });
  if (w.sites.length > 0 && w.gitHosts.length === 0) {
    problems.add(`websites.gitHosts: empty, but ${w.sites.length} site(s) need git-sync to reach their repositories (${showList(w.sites.map((s) => s.gitRepo), 3)}); list the git hosts' addresses as CIDRs (e.g. "dig +short gitee.com", then ["<address>/32"]).`);
  }
  w.gitHosts.forEach((cidr, i) => {
    for (const [name, key, network] of [['pod network', 'cluster.podCidr', input.podCidr], ['service network', 'cluster.serviceCidr', input.serviceCidr]] as const) {
      if (network !== undefined && (cidrCovers(cidr, network) || cidrCovers(network, cidr))) {
        problems.add(`websites.gitHosts[${i}]: ${show(cidr)} overlaps the ${name} ${network} (${key}); git-sync reaches git hosts outside the cluster — list their own addresses.`);
      }
    }
  });
  for (const [name, r] of [['controller.resources', w.controller.resources], ['podResources.nginx', w.podResources.nginx], ['podResources.gitSync', w.podResources.gitSync]] as const) {
    checkRequestsWithinLimits(`websites.${name}`, r, problems);
  }
}

/** The gitHosts entries that lie in a documentation range (RFC 5737): placeholders, reached by nothing real. */
export function placeholderGitHosts(w: WebsitesConfig): string[] {
  return w.gitHosts.filter((cidr) => DOCUMENTATION_CIDRS.some((doc) => cidrCovers(doc, cidr)));
}
