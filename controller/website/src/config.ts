/**
 * The controller's configuration, from the environment the synth side writes into its Deployment (contract:
 * "The controller's environment"). Every check names the variable, shows the bad value and says how to fix it;
 * main.ts prints the message and exits 1, without a stack trace.
 */
import * as fs from 'fs';
import { LogLevel, LOG_LEVELS } from './log';

/** Requests and limits of one container, as Kubernetes quantities. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

export interface PodResources {
  readonly nginx: ContainerResources;
  readonly gitSync: ContainerResources;
}

export interface ListenAddress {
  /** undefined: every interface (`:8080`, as Go writes it). */
  readonly host?: string;
  readonly port: number;
}

export interface ControllerConfig {
  readonly podNamespace: string;
  readonly podName: string;
  /** The namespaces the controller may act in; a Website elsewhere is NamespaceNotManaged. */
  readonly namespaces: readonly string[];
  readonly nginxImage: string;
  readonly gitSyncImage: string;
  readonly resources: PodResources;
  /** `<namespace>/<name>` of the websites whose pods get `platform-kit.io/exposed: "true"`. */
  readonly exposed: ReadonlySet<string>;
  readonly leaseName: string;
  readonly metricsAddress: ListenAddress;
  readonly logLevel: LogLevel;
  /** A kubeconfig file (KUBECONFIG or --kubeconfig); undefined: the in-cluster ServiceAccount. */
  readonly kubeconfig?: string;
}

/** A configuration mistake: main.ts prints `message` alone and exits 1. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A DNS-1123 label: namespace names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain: pod and Lease names. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Kubernetes quantity: `10m`, `0.5`, `16Mi`, `1G`, `1e3`. */
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;
const RESOURCES_EXAMPLE = '{"nginx":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},"gitSync":{...same shape}}';

function shown(value: string): string {
  return JSON.stringify(value);
}

function required(env: NodeJS.ProcessEnv, name: string, fix: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`${name} is not set. Fix: ${fix}`);
  }
  return value.trim();
}

function dnsName(name: string, value: string, pattern: RegExp, what: string, fix: string): string {
  if (!pattern.test(value)) {
    throw new ConfigError(`${name}=${shown(value)} is not a valid ${what}. Fix: ${fix}`);
  }
  return value;
}

/** A pinned image: a tag other than `latest`, or a digest. */
export function pinnedImage(name: string, value: string): string {
  const lastSegment = value.slice(value.lastIndexOf('/') + 1);
  const digest = /@sha256:[0-9a-f]{64}$/.test(value);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  if (/\s/.test(value) || (!digest && (tag === '' || tag === 'latest'))) {
    throw new ConfigError(
      `${name}=${shown(value)} is not a pinned image reference (a tag other than latest, or @sha256:<digest>). ` +
        `Fix: set ${name} to the reference from lib/versions.ts, e.g. "registry.example/nginx-unprivileged:1.30.4-alpine".`,
    );
  }
  return value;
}

function containerResources(name: string, value: unknown, container: string): ContainerResources {
  const fix = `Fix: set ${name} to JSON like ${RESOURCES_EXAMPLE}.`;
  const at = (path: string) => `${name}: ${container}.${path}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${name}: "${container}" must be an object with requests and limits, got ${JSON.stringify(value) ?? 'nothing'}. ${fix}`);
  }
  const quantity = (path: string, q: unknown, optional: boolean): string | undefined => {
    if (q === undefined && optional) return undefined;
    if (typeof q !== 'string' || !QUANTITY.test(q)) {
      throw new ConfigError(`${at(path)} is ${JSON.stringify(q) ?? 'missing'}, which is not a Kubernetes quantity (e.g. "10m", "64Mi"). ${fix}`);
    }
    return q;
  };
  const v = value as Record<string, any>;
  const requests = v.requests ?? {};
  const limits = v.limits ?? {};
  const cpu = quantity('limits.cpu', limits.cpu, true);
  return {
    requests: { cpu: quantity('requests.cpu', requests.cpu, false)!, memory: quantity('requests.memory', requests.memory, false)! },
    limits: { ...(cpu === undefined ? {} : { cpu }), memory: quantity('limits.memory', limits.memory, false)! },
  };
}

export function podResources(name: string, value: string): PodResources {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new ConfigError(`${name}=${shown(value)} is not JSON (${(e as Error).message}). Fix: set ${name} to JSON like ${RESOURCES_EXAMPLE}.`);
  }
  const p = (parsed ?? {}) as Record<string, unknown>;
  return { nginx: containerResources(name, p.nginx, 'nginx'), gitSync: containerResources(name, p.gitSync, 'gitSync') };
}

/** `:8080`, `0.0.0.0:8080`, `127.0.0.1:0`, `[::1]:8080`. */
export function listenAddress(name: string, value: string): ListenAddress {
  const match = /^(\[[0-9a-fA-F:]+\]|[0-9a-zA-Z.-]*):([0-9]{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(`${name}=${shown(value)} is not a listen address. Fix: set ${name} to host:port or :port, e.g. ":8080" or "127.0.0.1:8080".`);
  }
  const host = match[1].replace(/^\[|\]$/g, '');
  return { ...(host === '' ? {} : { host }), port };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The value of `--kubeconfig <path>` or `--kubeconfig=<path>`, if given. */
function kubeconfigFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kubeconfig') {
      if (argv[i + 1] === undefined) throw new ConfigError('--kubeconfig needs a path. Fix: pass --kubeconfig <file>, or set KUBECONFIG.');
      return argv[i + 1];
    }
    if (argv[i].startsWith('--kubeconfig=')) return argv[i].slice('--kubeconfig='.length);
    throw new ConfigError(`Unknown argument ${shown(argv[i])}. Fix: the only flag is --kubeconfig <file>; everything else comes from the environment (controller/website/README.md).`);
  }
  return undefined;
}

/** Reads and checks the whole configuration; throws ConfigError on the first mistake. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): ControllerConfig {
  const podNamespace = dnsName('POD_NAMESPACE', required(env, 'POD_NAMESPACE', 'set it from the downward API (fieldRef metadata.namespace), or by hand when running locally.'), DNS_LABEL, 'namespace name', 'use the namespace the controller runs in.');
  const podName = dnsName('POD_NAME', required(env, 'POD_NAME', 'set it from the downward API (fieldRef metadata.name); it is the Lease holder identity.'), DNS_SUBDOMAIN, 'pod name', 'use the pod name (lowercase letters, digits, - and .).');
  const namespaces = list(env.WEBSITE_NAMESPACES);
  for (const ns of namespaces) dnsName('WEBSITE_NAMESPACES', ns, DNS_LABEL, `namespace name (${shown(ns)})`, 'give comma-separated namespace names, e.g. "demo,shop".');
  const exposed = list(env.WEBSITE_EXPOSED);
  for (const entry of exposed) {
    const [ns, name, extra] = entry.split('/');
    if (extra !== undefined || !DNS_LABEL.test(ns ?? '') || !DNS_SUBDOMAIN.test(name ?? '')) {
      throw new ConfigError(`WEBSITE_EXPOSED entry ${shown(entry)} is not <namespace>/<website>. Fix: give comma-separated entries like "demo/xxhf".`);
    }
  }
  const leaseName = dnsName('LEASE_NAME', env.LEASE_NAME?.trim() || 'website-controller', DNS_SUBDOMAIN, 'Lease name', 'use a DNS name, e.g. "website-controller" (the default).');
  const level = (env.LOG_LEVEL?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LOG_LEVEL=${shown(env.LOG_LEVEL ?? '')} is not a log level. Fix: set LOG_LEVEL to one of ${LOG_LEVELS.join(', ')}.`);
  }
  const kubeconfig = kubeconfigFlag(argv) ?? (env.KUBECONFIG?.trim() || undefined);
  if (kubeconfig !== undefined && !fs.existsSync(kubeconfig)) {
    throw new ConfigError(`The kubeconfig ${shown(kubeconfig)} (from --kubeconfig or KUBECONFIG) does not exist. Fix: point it at a kubeconfig file, or unset it to use the in-cluster ServiceAccount.`);
  }
  return {
    podNamespace,
    podName,
    namespaces,
    nginxImage: pinnedImage('WEBSITE_NGINX_IMAGE', required(env, 'WEBSITE_NGINX_IMAGE', 'set it to the pinned nginx-unprivileged image (lib/versions.ts).')),
    gitSyncImage: pinnedImage('WEBSITE_GIT_SYNC_IMAGE', required(env, 'WEBSITE_GIT_SYNC_IMAGE', 'set it to the pinned git-sync v4 image (lib/versions.ts).')),
    resources: podResources('WEBSITE_POD_RESOURCES', required(env, 'WEBSITE_POD_RESOURCES', `set it to JSON like ${RESOURCES_EXAMPLE}.`)),
    exposed: new Set(exposed),
    leaseName,
    metricsAddress: listenAddress('METRICS_ADDR', env.METRICS_ADDR?.trim() || ':8080'),
    logLevel: level as LogLevel,
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
  };
}
