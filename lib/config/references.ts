import { ProblemList, show } from '../core/errors';
import { cidrCovers } from '../core/validate/ip';
import { MAX_HOSTS } from '../traffic/gateway';
import { WEBSITE_SERVICE_SUFFIX } from '../websites/defaults';
import { PlatformConfig } from './platform-config';

/**
 * Checks across sections: what one section names must exist in the others, switched on.
 */

/**
 * Every host name the platform exposes through its entry point, with the field that sets it, in the order the parts
 * offer them: Grafana, the registry, the apps, the websites. (The build-time check on the offered hosts repeats this
 * for TypeScript programs; here it runs at load, so a clash is reported with the other config problems, by key.)
 */
function exposedHosts(config: PlatformConfig): Array<[field: string, host: string]> {
  const hosts: Array<[string, string]> = [];
  if (config.observability?.enabled && config.observability.grafana?.host) hosts.push(['observability.grafana.host', config.observability.grafana.host]);
  if (config.registry?.enabled && config.registry.host) hosts.push(['registry.host', config.registry.host]);
  (config.apps ?? []).forEach((a, i) => {
    if (a.ingress?.host) hosts.push([`apps[${i}].ingress.host`, a.ingress.host]);
  });
  if (config.websites?.enabled) {
    config.websites.sites.forEach((site, i) => {
      if (site.host) hosts.push([`websites.sites[${i}].host`, site.host]);
    });
  }
  return hosts;
}

/**
 * Two routes with one host: the entry point merges or picks one, so one service silently gets the other's traffic.
 * And with the Gateway API entry, one Gateway takes at most {@link MAX_HOSTS} hosts (a listener each).
 */
export function checkExposedHosts(config: PlatformConfig, problems: ProblemList): void {
  const first = new Map<string, string>();
  for (const [field, host] of exposedHosts(config)) {
    const key = host.toLowerCase();
    const owner = first.get(key);
    if (owner !== undefined) {
      problems.add(`${field}: ${show(host)} is already the host of ${owner}; each exposed service needs its own host name (e.g. "${host.split('.')[0]}2.${host.split('.').slice(1).join('.')}").`);
      continue;
    }
    first.set(key, field);
    if (config.gateway?.enabled && first.size === MAX_HOSTS + 1) {
      problems.add(`${field}: ${show(host)} would be host number ${first.size} on the Gateway, which takes at most ${MAX_HOSTS} (an HTTPS listener each, next to the HTTP redirect, within the Gateway API's 64 listeners); expose fewer hosts (remove ingress.host from apps that need none), or serve them through the Ingress entry (gateway.enabled: false).`);
    }
  }
}

/** Why a namespace's Services will not exist, and how to make them: `mysql.enabled: false` / `set mysql.enabled: true`. */
interface Absent {
  readonly why: string;
  readonly fix: string;
}

const switchedOff = (key: string): Absent => ({ why: `${key}: false`, fix: `set ${key}: true` });

/** The namespaces of the sections that are switched off (or not deployed for lack of a setting), with the fix. */
function disabledNamespaces(config: PlatformConfig): Map<string, Absent> {
  const off = new Map<string, Absent>();
  if (config.mysql && config.mysql.enabled === false) off.set(config.mysql.namespace, switchedOff('mysql.enabled'));
  if (config.observability && config.observability.enabled === false) {
    for (const ns of Object.values(config.observability.namespaces ?? {})) off.set(ns, switchedOff('observability.enabled'));
  }
  if (config.registry && config.registry.enabled === false) off.set(config.registry.namespace, switchedOff('registry.enabled'));
  const velero = config.backup?.velero;
  if (velero && (config.backup.enabled === false || velero.objectStore === undefined)) {
    off.set(velero.namespace, config.backup.enabled === false ? switchedOff('backup.enabled') : { why: 'no backup.velero.objectStore', fix: 'give backup.velero.objectStore (docs/backup.md)' });
  }
  return off;
}

/** The Services of sites when websites are switched off: `<site>-website.<tenant>`, which the controller would make. */
function disabledServices(config: PlatformConfig): Map<string, Absent> {
  const off = new Map<string, Absent>();
  if (config.websites && config.websites.enabled === false) {
    for (const site of config.websites.sites ?? []) off.set(`${site.name}${WEBSITE_SERVICE_SUFFIX}.${site.tenant}`, switchedOff('websites.enabled'));
  }
  return off;
}

/** `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` inside a value: the namespace named, if any. */
function serviceNamespaces(value: string): string[] {
  const found: string[] = [];
  for (const match of value.matchAll(/\b[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.svc(\.cluster\.local)?)?\b/g)) {
    const [whole, , namespace, , svc] = match;
    // A two-label name ("example.com") is only a Service when the namespace is one of ours; the caller decides.
    if (svc !== undefined || whole.split('.').length === 2) found.push(namespace);
  }
  return found;
}

/**
 * An app that waits for (dependsOn) or is configured with (config) a Service of a section that is switched off
 * would wait forever or fail at runtime: that is a config error, naming the field and both ways to fix it.
 */
export function checkReferencesToDisabledParts(config: PlatformConfig, problems: ProblemList): void {
  const off = disabledNamespaces(config);
  const services = disabledServices(config);
  if (off.size === 0 && services.size === 0) return;
  /** What `value` names that will not exist (`a Service in namespace "mysql"`), with why and the fix. */
  const absent = (value: string): Array<[what: string, absent: Absent]> => [
    ...serviceNamespaces(value).flatMap((ns): Array<[string, Absent]> => (off.has(ns) ? [[`a Service in namespace ${show(ns)}`, off.get(ns)!]] : [])),
    ...[...services].filter(([service]) => new RegExp(`(^|[^-a-z0-9.])${service.replace(/\./g, '\\.')}(\\.svc|[^-a-z0-9]|$)`).test(value)).map(([service, a]): [string, Absent] => [`the Service ${show(service)} of a site`, a]),
  ];
  // A volume listed as not backed up in a namespace that is not deployed: the entry is stale (the default
  // platform.yaml lists Prometheus' and Loki's volumes, so switching observability off leaves two such entries).
  if (config.backup?.enabled !== false) {
    (config.backup?.notBackedUp ?? []).forEach((n, i) => {
      const why = off.get(n.namespace);
      if (why !== undefined) problems.add(`backup.notBackedUp[${i}]: ${show(`${n.namespace}/${n.claim}`)} is in namespace ${show(n.namespace)}, which is not deployed (${why.why}), so there is no such volume; remove the entry (or ${why.fix}).`);
    });
  }
  (config.apps ?? []).forEach((a, i) => {
    (a.dependsOn ?? []).forEach((name, j) => {
      for (const [what, why] of absent(name)) {
        problems.add(`apps[${i}].dependsOn[${j}]: ${show(name)} is ${what}, which is not deployed (${why.why}), so the app would wait for it forever; ${why.fix} or remove the entry.`);
      }
    });
    for (const [env, value] of Object.entries(a.config ?? {})) {
      for (const [what, why] of absent(String(value))) {
        problems.add(`apps[${i}].config.${env}: ${show(value)} names ${what}, which is not deployed (${why.why}); ${why.fix} or change the value.`);
      }
    }
  });
}

/**
 * NodePort clients are addresses outside the cluster: the pod network is cut out of each block, which is only
 * possible when the block is larger than it. A block inside the pod network (or equal to it) would name pods, which
 * reach the app through its Service and a flow instead.
 */
export function checkNodePortClients(config: PlatformConfig, problems: ProblemList): void {
  const pods = config.cluster?.podCidr;
  if (pods === undefined) return;
  (config.apps ?? []).forEach((a, i) => {
    if (a.nodePort === undefined) return;
    (a.nodePortClients ?? []).forEach((cidr, j) => {
      if (cidrCovers(pods, cidr)) problems.add(`apps[${i}].nodePortClients[${j}]: ${show(cidr)} lies in the pod network (cluster.podCidr ${pods}); list the outside addresses that connect through the node port (e.g. "10.10.10.0/24"). Pods reach the app through its Service.`);
    });
  });
}
