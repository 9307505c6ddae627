import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { imageName } from '../core/security';
import { ExposedHost, tlsSecretOffer } from '../network/entry-point';
import { Flow } from '../network/flow';
import { Peers, Port } from '../network/peer';
import { meshTenantsOf } from '../apps/part';
import { apiServerOf, flowName } from '../observability/common';
import { PlatformChart } from '../output/platform-chart';
import { definePart, FirstTimeSecret } from '../parts/platform-part';
import { tenantsOf } from '../tenancy/part';
import { entryPointOf } from '../traffic/part';
import { checkWebsitesConfig, placeholderGitHosts, SiteConfig, WebsitesConfig, websitesSchema } from './config';
import { WebsiteController } from './controller';
import { CONTROLLER_NAME, DEFAULT_CONTROLLER_IMAGE, GIT_PORTS, WEBSITE_POD, WEBSITE_SERVICE_SUFFIX } from './defaults';
import { Website } from './website';
import { WebsiteCrd, WEBSITE_API_VERSION, WEBSITE_KIND } from './website-crd';

/**
 * The websites unit: `28-websites`, Argo CD wave 28 — after the tenants (10), into which it writes Roles and flows,
 * and before observability (30), because Prometheus' scrape flow writes its ingress side into the controller's
 * namespace, and a policy cannot be applied into a namespace that does not exist yet (the gateway's 25 has the same
 * reason). Nothing in it needs the apps (40). It holds the Website CRD, so it comes before `needs-websites`.
 */
export const WEBSITES_UNIT = { folder: '28-websites', wave: 28, description: 'Websites: the Website CRD, the website controller, its Roles and the sites\' flows in the tenants with websites' };
/** The Website objects need the CRD of `28-websites`: `dist/needs-websites/`, wave 29. */
export const WEBSITE_OBJECTS_UNIT = { folder: 'needs-websites', wave: 29, description: 'Website objects, one per websites.sites entry (need the Website CRD of 28-websites)' };

/** What the websites part built. */
export interface WebsitesOutput {
  readonly crd: WebsiteCrd;
  readonly controller: WebsiteController;
  readonly sites: readonly Website[];
  /** Per site (same order as `websites.sites`), the host it is served at, when it has one. */
  readonly exposedHosts: readonly (ExposedHost | undefined)[];
}

/** The TLS Secret name of an exposed site. */
export function siteTlsSecret(s: SiteConfig): string {
  return s.tlsSecretName ?? `${s.name}${WEBSITE_SERVICE_SUFFIX}-tls`;
}

/**
 * Websites (issue 14): the notes' Website custom resource with a least-privilege controller. The part writes the
 * CRD, the controller (controller/website/ is the program; its image is yours to build and push), a Role in each
 * tenant with sites, one Website object per `websites.sites` entry, the route of each site with a `host`, and the
 * flows: controller → API server, entry point → the exposed sites' pods, git-sync → `gitHosts`. The pods the
 * controller creates are counted against the tenant's quota through the Website construct's stand-in.
 */
export const websitesPart = definePart({
  key: 'websites',
  schema: websitesSchema,
  configType: sectionTypeIn('websites', 'WebsitesConfig', { 'sites[]': 'SiteConfig' }),
  enabled: (w: WebsitesConfig) => w.enabled,
  namespaces: (w) => [w.namespace],
  checkConfig: (w, { whole, problems }) => {
    if (!w.enabled) return;
    checkWebsitesConfig({ websites: w, tenants: tenantsOf(whole), podCidr: whole.cluster?.podCidr, serviceCidr: whole.cluster?.serviceCidr, meshTenants: meshTenantsOf(whole) }, problems);
  },
  build: ({ scope, config: w, platform }): WebsitesOutput => {
    const cluster = platform.cluster;
    const entry = entryPointOf(platform);
    const chart = new PlatformChart(scope as Construct, 'Websites', WEBSITES_UNIT);
    const crd = new WebsiteCrd(chart, 'Crd');
    const tenants = [...new Set(w.sites.map((s) => s.tenant))].sort();
    const controller = new WebsiteController(chart, 'Controller', {
      namespace: w.namespace,
      managedNamespaces: tenants,
      exposed: w.sites.filter((s) => s.host !== undefined).map((s) => `${s.tenant}/${s.name}`),
      image: w.controller.image,
      replicas: w.controller.replicas,
      resources: w.controller.resources,
      podResources: w.podResources,
      logLevel: w.controller.logLevel,
      apiServer: apiServerOf(cluster),
      dns: { namespace: cluster.dns.namespace, podSelector: { ...cluster.dns.podSelector } },
    });

    const objects = new PlatformChart(scope as Construct, 'WebsiteObjects', WEBSITE_OBJECTS_UNIT);
    const sites = w.sites.map((s) => new Website(objects, `${s.tenant}-${s.name}`, {
      name: s.name,
      namespace: s.tenant,
      gitRepo: s.gitRepo,
      branch: s.branch,
      syncPeriod: s.syncPeriod,
      replicas: s.replicas,
      podResources: w.podResources,
      exposed: s.host !== undefined,
    }));

    // git-sync's egress, one flow per tenant and git host: every website pod of the tenant (DNS is the baseline's).
    const flows = new Construct(chart, 'SiteFlows');
    for (const tenant of tenants) {
      w.gitHosts.forEach((cidr, i) => new Flow(flows, `${tenant}-git-${i}`, {
        name: flowName('websites', 'git', String(i)),
        from: Peers.pods(tenant, { 'app.kubernetes.io/name': WEBSITE_POD.name }, `${tenant}-websites`),
        to: Peers.cidr(cidr, `git host ${cidr}`),
        ports: GIT_PORTS.map((p) => Port.tcp(p)),
        description: `git-sync pulls the websites' repositories from ${cidr} (websites.gitHosts[${i}])`,
      }));
    }

    // The routes: the entry point's flow to exactly the site's pods; the Service is the controller's (madeBy).
    const exposedHosts = w.sites.map((s, i) => s.host === undefined ? undefined : entry.expose(chart, `Route-${s.tenant}-${s.name}`, {
      name: sites[i].serviceName,
      namespace: s.tenant,
      host: s.host,
      tlsSecretName: siteTlsSecret(s),
      labels: { 'app.kubernetes.io/name': WEBSITE_POD.name, 'app.kubernetes.io/instance': s.name },
      backends: [{
        service: sites[i].serviceName,
        port: sites[i].servicePort,
        pods: sites[i].pods,
        containerPort: WEBSITE_POD.httpPort,
        madeBy: { apiVersion: WEBSITE_API_VERSION, kind: WEBSITE_KIND, name: s.name, controller: 'the website controller' },
      }],
    }));
    return { crd, controller, sites, exposedHosts };
  },
  offers: (out, w) => ({
    scrapeTargets: [{
      job: CONTROLLER_NAME, pods: out.controller.pods, app: CONTROLLER_NAME, port: Port.tcp('metrics'),
      description: 'Prometheus scrapes the website controller (reconciles, errors, queue depth)',
    }],
    exposedHosts: out.exposedHosts.filter((h): h is ExposedHost => h !== undefined),
    firstTimeSecrets: w.sites.flatMap((s, i): FirstTimeSecret[] => {
      const host = out.exposedHosts[i];
      return host ? [tlsSecretOffer(host, `websites.sites[${i}].${s.tlsSecretName !== undefined ? 'tlsSecretName' : 'host'}`)] : [];
    }),
  }),
  notices: (w) => !w.enabled ? [] : [
    ...(imageName(w.controller.image) === imageName(DEFAULT_CONTROLLER_IMAGE) || w.controller.image.repository.split('/')[0].endsWith('.invalid')
      ? [`notice: websites.controller.image is the placeholder ${imageName(w.controller.image)}: build controller/website/ and push it to your registry, then set websites.controller.image (docs/websites.md, "The controller image"); until then the controller pods cannot pull their image.`]
      : []),
    ...(placeholderGitHosts(w).length > 0
      ? [`notice: websites.gitHosts ${placeholderGitHosts(w).join(', ')} is a documentation range (RFC 5737) that reaches no git host: replace it with your git host's addresses (e.g. dig +short gitee.com) or git-sync cannot pull (docs/websites.md, "Git hosts").`]
      : []),
  ],
});
