import { checkRequestsWithinLimits } from '../config/resource-limits';
import { array, imageSchema, int, JsonSchema, map, object, resourcesSchema, str } from '../config/schema-helpers';
import { ProblemList, show, showList } from '../core/errors';
import { configMapSizeProblem, credentialProblem, IMAGE_REPOSITORY, looksLikeCredentialName, problemOf } from '../core/validate';
import { meshPodSecurityProblem, MeshConfig } from '../mesh/config';
import { CANARY_SPLITS, CanarySplit, CONFIG_CREDENTIAL_FIX, CONFIG_SIZE_FIX, DEFAULT_REPLICAS, DEFAULT_WAIT_IMAGE, DEFAULT_WEB_APP_RESOURCES } from './web-app';
import type { AppConfig, AppsConfig } from './config.generated';

// The section's types are generated from appsSchema (`npm run schema`).
export type { AppConfig, AppsConfig } from './config.generated';


const r = DEFAULT_WEB_APP_RESOURCES;



const port = (description: string, defaultValue: number): JsonSchema => int(description, { minimum: 1, maximum: 65535, default: defaultValue });

export const appSchema: JsonSchema = object(
  {
    name: str('Name of the app: its Deployment, Service, Ingress and files in dist/ (40-app-<name>.*.yaml).', { format: 'dns-label' }),
    // Required: a library default would carry one lab's tenant name (platform.yaml names it).
    tenant: str('Tenant namespace the app runs in: one of tenants[].name.', { format: 'dns-label' }),
    image: imageSchema('Container image, pinned to a tag.'),
    replicas: int(`Pods when not autoscaled. Default: ${DEFAULT_REPLICAS}. Not allowed together with autoscaling (use autoscaling.minReplicas).`, { minimum: 1 }),
    autoscaling: object(
      {
        minReplicas: int('Fewest pods.', { minimum: 1 }),
        maxReplicas: int('Most pods (the tenant quota must fit this many).', { minimum: 1 }),
        cpuUtilization: int('Target average CPU use in percent of the request.', { minimum: 1, maximum: 100, default: 70 }),
      },
      { required: ['minReplicas', 'maxReplicas'], description: 'CPU-based HorizontalPodAutoscaler (needs metrics-server). Default: none, fixed replicas.' },
    ),
    containerPort: port('Port the container serves HTTP on.', 8080),
    servicePort: port('Port of the Service.', 80),
    nodePort: int('Also expose the Service on this port of every node (type NodePort). Raise the tenant quota nodePorts to 1 or more. Default: none (ClusterIP).', { minimum: 30000, maximum: 32767 }),
    nodePortClients: array(
      str('Source CIDR.', { format: 'ipv4-cidr' }),
      'Who may connect through the NodePort (source CIDRs; the pod network is always excluded). Only used with nodePort.',
      { default: ['0.0.0.0/0'], minItems: 1, uniqueItems: true },
    ),
    ingress: object(
      {
        host: str('Host name clients use.', { format: 'dns-subdomain', examples: ['hello.lab.example'] }),
        tlsSecretName: str('Secret of type kubernetes.io/tls in the tenant namespace, created out of band. Default: <name>-tls.', { format: 'dns-subdomain' }),
        path: str('Path prefix routed to the app.', { default: '/' }),
        annotations: map({ type: 'string' }, 'Extra annotations for the ingress controller.', {}),
      },
      { required: ['host'], description: 'HTTPS route through the ingress controller (cluster.ingress). Default: none.' },
    ),
    canary: object(
      {
        image: object(
          {
            repository: str('Image repository of the canary. Default: the app\'s image.repository.'),
            tag: str('Tag of the canary version, pinned.', { examples: ['1.31.3-alpine'] }),
          },
          { required: ['tag'], description: 'Image of the canary.' },
        ),
        weight: int('Percent of the requests the canary gets; the stable version gets the rest. 0 keeps it running without traffic.', { minimum: 0, maximum: 100 }),
        replicas: int('Pods of the canary (the tenant quota must fit them next to the stable pods).', { minimum: 1, default: 1 }),
        split: str('Who splits the requests: gateway-api (the HTTPRoute weighs two Services; needs gateway.enabled) or istio (a VirtualService weighs two DestinationRule subsets of the one Service; needs mesh.istio.enabled). Default: istio when mesh.istio.enabled, else gateway-api.', { enum: CANARY_SPLITS }),
      },
      { required: ['image', 'weight'], description: 'Canary release: a second Deployment that gets `weight` percent of the requests to ingress.host, split by the HTTPRoute or by Istio (canary.split). Promote by making canary.image the image and removing canary. Default: none.' },
    ),
    resources: resourcesSchema('Requests and limits of the app container. Equal requests and limits give QoS Guaranteed; lower requests give Burstable (the default).', r),
    probePath: str('HTTP path of the startup and readiness probes (liveness only checks that the port accepts connections).', { default: '/' }),
    runAsUser: int('uid (and gid) the pod runs as; the image must work as it.', { minimum: 1, default: 10001 }),
    config: map({ type: 'string' }, 'Plain settings: a ConfigMap read as environment variables (no credentials here: dist/ is in git).', {}),
    secretEnv: map(
      object(
        {
          secretName: str('Existing Secret in the tenant namespace.', { format: 'dns-subdomain' }),
          key: str('Key in the Secret.', { format: 'object-key' }),
        },
        { required: ['secretName', 'key'] },
      ),
      'Environment variables read from existing Secrets (create them before the first deploy).',
      {},
    ),
    mysql: { type: 'boolean', default: false, description: 'The app uses the platform MySQL: a flow to the primary on 3306 is declared (its tenant must be in mysql.clients).' },
    dependsOn: array(
      str('Fully qualified DNS name.', { format: 'fqdn', examples: ['mysql-primary.mysql.svc.cluster.local'] }),
      'DNS names that must resolve before the app starts (init container).',
      { default: [], uniqueItems: true },
    ),
    waitImage: imageSchema('Image of the wait init container (sh, nslookup, grep, sleep).', DEFAULT_WAIT_IMAGE),
  },
  { required: ['name', 'tenant', 'image'] },
);

export const appsSchema: JsonSchema = array(appSchema, 'Web apps, each in a tenant namespace and in its own dist/ folder.', { default: [] });

/** What the cross-checks read: the section, the tenants, and the MySQL client allow-list. */
export interface AppsCheckInput {
  readonly apps: AppsConfig;
  /** How hosts are served (a canary needs the Gateway API). @default 'ingress' */
  readonly entry?: 'ingress' | 'gateway-api';
  readonly tenants?: readonly { readonly name: string; readonly podSecurity?: { readonly enforce: string } }[];
  readonly mysql?: { readonly enabled: boolean; readonly clients?: readonly string[] };
  /** The mesh section (an Istio split needs it enabled). @default - no mesh */
  readonly mesh?: MeshConfig;
}

/**
 * The tenants an Istio canary enrolls in the mesh (the namespace label puts every pod there in it), each with the
 * first app that does it (`apps[i]`, for messages). Empty without an enabled mesh.
 */
export function meshEnrolledTenants(apps: readonly AppConfig[], mesh: MeshConfig | undefined): Map<string, number> {
  const enrolled = new Map<string, number>();
  if (!mesh?.istio.enabled) return enrolled;
  apps.forEach((a, i) => {
    if (a.canary && canarySplitOf(a, mesh) === 'istio' && !enrolled.has(a.tenant)) enrolled.set(a.tenant, i);
  });
  return enrolled;
}

/** Who splits an app's canary: `canary.split`, else Istio when the mesh is enabled, else the HTTPRoute. */
export function canarySplitOf(a: AppConfig, mesh: MeshConfig | undefined): CanarySplit {
  return a.canary?.split ?? (mesh?.istio.enabled ? 'istio' : 'gateway-api');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Cross-field checks of the section, run after schema validation. */
export function checkAppsConfig(config: AppsCheckInput, problems: ProblemList): void {
  const tenants = (config.tenants ?? []).map((t) => t.name);
  const mysql = config.mysql;
  const names = new Map<string, number>();
  const nodePorts = new Map<number, number>();
  config.apps.forEach((a, i) => {
    const at = `apps[${i}]`;
    if (names.has(a.name)) problems.add(`${at}.name: ${show(a.name)} is already apps[${names.get(a.name)}]; app names must be unique (each gets its own dist/40-app-<name>.*.yaml files).`);
    names.set(a.name, i);
    if (a.name.length > 40) problems.add(`${at}.name: ${show(a.name)} is longer than 40 characters; flow and Argo CD names are built from it — shorten it.`);
    if (!tenants.includes(a.tenant)) {
      problems.add(`${at}.tenant: ${show(a.tenant)} is not a tenant; add it under tenants: or use one of ${showList(tenants)}.`);
    }
    if (a.mysql && mysql !== undefined && !mysql.enabled) {
      problems.add(`${at}.mysql: true, but mysql.enabled is false; enable the mysql section or set mysql: false here.`);
    }
    // (Without a tenant the schema has reported the missing field; "tenant nothing" would only repeat it.)
    if (a.mysql && mysql?.enabled && mysql.clients !== undefined && a.tenant !== undefined && !mysql.clients.includes(a.tenant)) {
      problems.add(`${at}.mysql: tenant ${show(a.tenant)} is not in mysql.clients, the MySQL client allow-list; add it there or set mysql: false.`);
    }
    if (a.replicas !== undefined && a.autoscaling !== undefined) {
      problems.add(`${at}.replicas: ${a.replicas} is set together with autoscaling; remove replicas and set autoscaling.minReplicas.`);
    }
    if (a.autoscaling && a.autoscaling.minReplicas > a.autoscaling.maxReplicas) {
      problems.add(`${at}.autoscaling.maxReplicas: ${a.autoscaling.maxReplicas} is below minReplicas ${a.autoscaling.minReplicas}; keep minReplicas <= maxReplicas.`);
    }
    if (a.nodePort !== undefined) {
      if (nodePorts.has(a.nodePort)) problems.add(`${at}.nodePort: ${a.nodePort} is already used by apps[${nodePorts.get(a.nodePort)}]; each NodePort is cluster-wide — pick another in 30000–32767.`);
      nodePorts.set(a.nodePort, i);
    }
    if (a.ingress) {
      if (!a.ingress.host.includes('.')) problems.add(`${at}.ingress.host: ${show(a.ingress.host)} has no domain; use a full name such as "${a.ingress.host}.lab.example".`);
      if (!a.ingress.path.startsWith('/')) problems.add(`${at}.ingress.path: ${show(a.ingress.path)} must start with "/" (example: "/" or "/hello").`);
      const annotations = Object.keys(a.ingress.annotations);
      if (config.entry === 'gateway-api' && annotations.length > 0) {
        // Dropping them silently would change the app's behaviour (body size, timeouts) without a word.
        problems.add(`${at}.ingress.annotations: ${showList(annotations)} configure an Ingress controller, and the Gateway API entry (gateway.enabled) has no Ingress to read them; remove them (use the Gateway implementation's own policy objects) or set gateway.enabled: false.`);
      }
    }
    if (a.canary) {
      const split = canarySplitOf(a, config.mesh);
      const istio = config.mesh?.istio;
      if (!a.ingress) problems.add(`${at}.canary: the app has no ingress.host, so no requests reach it to split; add ingress (the split is in its route) or remove canary.`);
      else if (split === 'gateway-api' && (config.entry ?? 'ingress') !== 'gateway-api') problems.add(`${at}.canary: the Ingress entry (gateway.enabled: false) serves one Service per host and cannot split by weight; set gateway.enabled: true (HTTPRoute weights), canary.split: istio with mesh.istio.enabled, or remove canary.`);
      if (split === 'istio' && !istio?.enabled) {
        problems.add(`${at}.canary.split: "istio", but mesh.istio.enabled is false; enable it (the cluster must run Istio) or set canary.split: gateway-api.`);
      } else if (split === 'istio' && istio) {
        if (a.ingress && !istio.entryInMesh) {
          problems.add(`${at}.canary.split: "istio" splits only requests a mesh proxy makes, and the entry point's proxy is not in the mesh (mesh.istio.entryInMesh: false), so requests to ${a.ingress.host} would bypass the weights and be spread over all pods by kube-proxy; put the proxy in the mesh and set mesh.istio.entryInMesh: true, or set canary.split: gateway-api.`);
        }
        const tenantIndex = (config.tenants ?? []).findIndex((t) => t.name === a.tenant);
        const enforce = tenantIndex >= 0 ? config.tenants![tenantIndex].podSecurity?.enforce : undefined;
        const psa = enforce !== undefined ? meshPodSecurityProblem(istio, enforce) : undefined;
        if (psa !== undefined) {
          problems.add(`${at}.canary.split: "istio" puts tenant ${show(a.tenant)} in the ${istio.mode} mesh, and tenants[${tenantIndex}].podSecurity.enforce is ${show(enforce)}: ${psa.reason}; ${psa.fix}.`);
        }
      }
      const repository = a.canary.image.repository !== undefined ? problemOf(IMAGE_REPOSITORY, a.canary.image.repository, `${at}.canary.image.repository`) : undefined;
      if (repository !== undefined) problems.add(repository);
    }
    checkRequestsWithinLimits(`${at}.resources`, a.resources, problems, ' (equal values give QoS Guaranteed)');
    if (!a.probePath.startsWith('/') || /\s/.test(a.probePath)) problems.add(`${at}.probePath: ${show(a.probePath)} must be an absolute HTTP path such as "/healthz".`);
    for (const key of Object.keys(a.config)) {
      if (!ENV_NAME.test(key)) problems.add(`${at}.config.${key}: not an environment variable name; use letters, digits and "_" (e.g. "GREETING").`);
      else if (looksLikeCredentialName(key)) problems.add(`${at}.config.${key}: looks like a credential, and config is committed to git; ${CONFIG_CREDENTIAL_FIX}`);
      const credential = credentialProblem(a.config[key], `${at}.config.${key}`, CONFIG_CREDENTIAL_FIX);
      if (credential !== undefined) problems.add(credential);
    }
    const tooLarge = configMapSizeProblem(a.config, `${at}.config`, CONFIG_SIZE_FIX);
    if (tooLarge !== undefined) problems.add(tooLarge);
    for (const envName of Object.keys(a.secretEnv)) {
      if (!ENV_NAME.test(envName)) problems.add(`${at}.secretEnv.${envName}: not an environment variable name; use letters, digits and "_" (e.g. "DB_PASSWORD").`);
      if (envName in a.config) problems.add(`${at}.secretEnv.${envName}: is also a config key; keep one of them.`);
    }
  });
}

/** Apps live in tenant namespaces and create none. */
export function appsNamespaces(_config: { readonly apps: AppsConfig }): string[] {
  return [];
}
