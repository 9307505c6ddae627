import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { cidrCovers } from '../checks/network/cidr';
import { Peer, Peers } from '../network/peer';
import { mysqlPart } from '../mysql/part';
import { PlatformChart, PlatformChartProps } from '../output/platform-chart';
import { definePart, LoadedConfig, NamespaceLabels, sectionOf } from '../parts/platform-part';
import { tlsSecretOffer } from '../network/entry-point';
import { tenantsOf } from '../tenancy/part';
import { entryPointOf } from '../traffic/part';
import { IstioCanary, IstioMesh, waypointFlows } from '../mesh/istio';
import { ISTIO_UNIT, meshOf, meshPart } from '../mesh/part';
import { AppConfig, AppsConfig, appsSchema, canarySplitOf, checkAppsConfig, meshEnrolledTenants } from './config';
import { DEFAULT_REPLICAS, Replicas, WebApp } from './web-app';

/** Apps get one unit each: `40-app-<name>`, Argo CD wave 40 (after the data and observability they use). */
export function appUnit(a: AppConfig): PlatformChartProps {
  return { folder: `40-app-${a.name}`, wave: 40, description: describeApp(a) };
}

function describeApp(a: AppConfig): string {
  return `Web app ${a.name} in tenant ${a.tenant}: Deployment, Service${a.ingress ? `, route https://${a.ingress.host}` : ''}${a.canary ? `, canary ${a.canary.image.tag} (${a.canary.weight}%)` : ''}${a.autoscaling ? ', autoscaler' : ''} and its flows`;
}

/**
 * Web apps: one {@link WebApp} per `apps:` entry, each its own unit. An app with `mysql: true` connects to the MySQL
 * part's typed output: it writes only its own (egress) side of the flow to the primary, because the MySQL side is the
 * MySQL part's, from its client allow-list (`mysql.clients`, which must list the app's tenant — checked at load).
 */
export const appsPart = definePart({
  key: 'apps',
  schema: appsSchema,
  configType: sectionTypeIn('apps', 'AppsConfig', { '[]': 'AppConfig' }),
  checkConfig: (apps: AppsConfig, { whole, problems }) =>
    checkAppsConfig({ apps, entry: entryPointOf(whole).kind, tenants: tenantsOf(whole), mysql: whole[mysqlPart.key] as { enabled: boolean; clients?: readonly string[] } | undefined, mesh: meshOf(whole) }, problems),
  build: ({ scope, config: apps, platform, outputOf }): WebApp[] => {
    const { cluster } = platform;
    const mysql = outputOf(mysqlPart);
    const entryPoint = entryPointOf(platform);
    const mesh = outputOf(meshPart);
    const meshConfig = meshOf(platform);
    const splitOf = (a: AppConfig) => (a.canary ? canarySplitOf(a, meshConfig) : undefined);
    // A tenant with an Istio canary is enrolled in the mesh as a whole (the namespace label injects every pod), so
    // every app in it gets the mesh's flows.
    const enrolled = mesh ? [...meshEnrolledTenants(apps, meshConfig).keys()] : [];
    const webApps = apps.map((a) => {
      const chart = new PlatformChart(scope as Construct, `App-${a.name}`, appUnit(a));
      return new WebApp(chart, a.name, {
        name: a.name,
        namespace: a.tenant,
        image: a.image,
        replicas: a.autoscaling ? Replicas.autoscaled(a.autoscaling) : Replicas.fixed(a.replicas ?? DEFAULT_REPLICAS),
        containerPort: a.containerPort,
        servicePort: a.servicePort,
        nodePort: a.nodePort,
        nodePortClients: a.nodePort === undefined ? undefined : a.nodePortClients.map((cidr, i) =>
          // The pod network is excluded: pods reach the app through the Service, as flows declare.
          Peers.cidr(cidr, `nodeport-client-${i}`, cidrCovers(cidr, cluster.podCidr) ? [cluster.podCidr] : [])),
        ingress: a.ingress && {
          host: a.ingress.host,
          tlsSecretName: a.ingress.tlsSecretName,
          path: a.ingress.path,
          annotations: { ...a.ingress.annotations },
        },
        entryPoint,
        canary: a.canary && { image: { repository: a.canary.image.repository ?? a.image.repository, tag: a.canary.image.tag }, weight: a.canary.weight, replicas: a.canary.replicas, split: splitOf(a) },
        mesh: enrolled.includes(a.tenant) ? mesh : undefined,
        resources: a.resources,
        probePath: a.probePath,
        runAsUser: a.runAsUser,
        config: { ...a.config },
        secretEnv: { ...a.secretEnv },
        waitForDns: a.dependsOn,
        waitImage: a.waitImage,
        mysql: a.mysql && mysql ? { primary: mysql.primaryPods(), port: mysql.port, sides: 'egress' } : undefined,
      });
    });
    if (mesh && enrolled.length > 0) istioUnit(scope as Construct, mesh, webApps, enrolled, entryPoint.proxy);
    return webApps;
  },
  offers: (apps, config) => ({
    namespaceLabels: enrollments(apps, config),
    exposedHosts: apps.flatMap((app) => (app.exposedHost ? [app.exposedHost] : [])),
    firstTimeSecrets: config.flatMap((a, i) => [
      ...(a.ingress?.tlsSecretName && apps[i].exposedHost ? [tlsSecretOffer(apps[i].exposedHost!, `apps[${i}].ingress.tlsSecretName`)] : []),
      ...secretRefs(a).map(([secretName, keys, envs]) => ({
        namespace: a.tenant, name: secretName,
        keys: keys.map((key) => ({ key, description: `${a.name}'s ${envs.join(', ')}`, value: 'provided' as const })),
        readBy: `app ${a.name}`, configKey: `apps[${i}].secretEnv`,
      })),
    ]),
  }),
});

/** The tenants an Istio canary puts in the mesh, with the index of the app that does (for other parts' checks). */
export function meshTenantsOf(whole: LoadedConfig): Map<string, number> {
  return meshEnrolledTenants(sectionOf(appsPart, whole) ?? [], meshOf(whole));
}

/** `needs-istio`: each Istio canary's DestinationRule and VirtualService, and each enrolled tenant's waypoint flows. */
function istioUnit(scope: Construct, mesh: IstioMesh, apps: readonly WebApp[], tenants: readonly string[], entryProxy: Peer): void {
  const chart = new PlatformChart(scope, 'Istio', ISTIO_UNIT);
  for (const app of apps) {
    const c = app.meshCanary;
    if (!c) continue;
    new IstioCanary(chart, `${c.namespace}-${c.name}`, {
      name: c.name, namespace: c.namespace, service: c.service, port: c.port,
      stable: { selector: c.stableSelector }, canary: { selector: c.canarySelector },
      weight: c.weight, mesh, labels: { ...c.labels },
    });
  }
  for (const tenant of tenants) {
    const scope = new Construct(chart, `Mesh-${tenant}`);
    waypointFlows(scope, mesh, tenant, entryProxy);
    // The sidecars or the waypoint Istio runs there count against the tenant's quota and the nodes.
    mesh.addRuntimeWorkloads(scope, tenant);
  }
}

/** The mesh labels of each tenant with an Istio canary (the tenancy part writes them on the namespace). */
function enrollments(apps: readonly WebApp[], config: AppsConfig): NamespaceLabels[] {
  const seen = new Set<string>();
  const offers: NamespaceLabels[] = [];
  apps.forEach((app, i) => {
    if (!app.meshCanary || !app.mesh || seen.has(app.namespace)) return;
    seen.add(app.namespace);
    offers.push({ namespace: app.namespace, labels: app.mesh.namespaceLabels(), reason: `Istio ${app.mesh.mode} mesh for ${config[i].name}'s canary`, configKey: `apps[${i}].canary.split` });
  });
  return offers;
}

/** The Secrets an app's `secretEnv` reads: name, its keys, and the variables they feed. */
function secretRefs(a: AppConfig): Array<[string, string[], string[]]> {
  const bySecret = new Map<string, { keys: Set<string>; envs: string[] }>();
  for (const [env, ref] of Object.entries(a.secretEnv)) {
    const entry = bySecret.get(ref.secretName) ?? { keys: new Set<string>(), envs: [] };
    entry.keys.add(ref.key);
    entry.envs.push(env);
    bySecret.set(ref.secretName, entry);
  }
  return [...bySecret.entries()].map(([name, e]) => [name, [...e.keys].sort(), e.envs]);
}
