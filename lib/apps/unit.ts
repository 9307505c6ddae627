import { App } from 'cdk8s';
import { cidrCovers } from '../checks/network/cidr';
import { Peer, Peers } from '../network/peer';
import { MySqlCluster } from '../mysql/cluster';
import { mysqlHandle } from '../mysql/handle';
import { PlatformChart } from '../output/platform-chart';
import { PlatformContext } from '../platform-context';
import { UNITS } from '../units';
import { AppConfig } from './config';
import { DEFAULT_REPLICAS, Replicas, WebApp } from './web-app';

/**
 * The MySQL primary as a flow peer, from the MySQL unit's typed handle. The app writes only its own side (egress
 * from its pods): the MySQL side is the MySQL unit's, written from its client allow-list (`mysql.clients`, which
 * must list the app's tenant — checked when platform.yaml is loaded). So the app unit never writes into the mysql
 * namespace, and the flow check proves that both sides agree.
 */
function mysqlPrimary(mysql: MySqlCluster): Peer {
  const primary = mysql.primaryPods();
  return primary.kind === 'pods' ? Peers.externalPods(primary.namespace, { ...primary.selector }, primary.name) : primary;
}

/** One deployable unit per app: `dist/platform/40-app-<name>`, Argo CD wave 40. */
export function addAppsUnit(app: App, ctx: PlatformContext): void {
  const { cluster } = ctx.config;
  const mysql = mysqlHandle(ctx);
  for (const a of ctx.config.apps) {
    const chart = new PlatformChart(app, `App-${a.name}`, UNITS.app(a.name, describeApp(a)));
    new WebApp(chart, a.name, {
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
        className: cluster.ingress.className,
        controllerNamespace: cluster.ingress.controllerNamespace,
      },
      resources: a.resources,
      probePath: a.probePath,
      runAsUser: a.runAsUser,
      config: { ...a.config },
      secretEnv: { ...a.secretEnv },
      waitForDns: a.dependsOn,
      waitImage: a.waitImage,
      mysql: a.mysql && mysql ? { primary: mysqlPrimary(mysql), port: mysql.port } : undefined,
    });
  }
}

function describeApp(a: AppConfig): string {
  return `Web app ${a.name} in tenant ${a.tenant}: Deployment, Service${a.ingress ? `, Ingress https://${a.ingress.host}` : ''}${a.autoscaling ? ', autoscaler' : ''} and its flows`;
}
