import { App } from 'cdk8s';
import { Peer, Peers } from '../network/peer';
import { PlatformChart } from '../output/platform-chart';
import { PlatformContext } from '../platform-context';
import { UNITS } from '../units';
import { AppConfig } from './config';
import { DEFAULT_REPLICAS, Replicas, WebApp } from './web-app';

/**
 * Where the platform MySQL primary runs. Plain values until the MySQL unit registers a typed handle in
 * `ctx.handles`; they match the labels the MySQL StatefulSet gives its first pod.
 */
export const MYSQL_PRIMARY = {
  namespace: 'mysql',
  selector: {
    'app.kubernetes.io/name': 'mysql',
    'app.kubernetes.io/instance': 'mysql',
    'statefulset.kubernetes.io/pod-name': 'mysql-0',
  },
  port: 3306,
} as const;

/**
 * The MySQL primary as a flow peer. The app writes only its own side (egress from its pods); the MySQL side is the
 * MySQL unit's, written from its client allow-list (`mysql.clients`, which must list the app's tenant — checked when
 * platform.yaml is loaded). So the app unit never writes into the mysql namespace, and the flow check proves that
 * both sides agree.
 */
export function mysqlPrimary(): Peer {
  return Peers.externalPods(MYSQL_PRIMARY.namespace, MYSQL_PRIMARY.selector, 'mysql-primary');
}

/** One deployable unit per app: `dist/platform/40-app-<name>`, Argo CD wave 40. */
export function addAppsUnit(app: App, ctx: PlatformContext): void {
  const { cluster } = ctx.config;
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
        Peers.cidr(cidr, `nodeport-client-${i}`, contains(cidr, cluster.podCidr) ? [cluster.podCidr] : [])),
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
      mysql: a.mysql ? { primary: mysqlPrimary(), port: MYSQL_PRIMARY.port } : undefined,
    });
  }
}

function describeApp(a: AppConfig): string {
  return `Web app ${a.name} in tenant ${a.tenant}: Deployment, Service${a.ingress ? `, Ingress https://${a.ingress.host}` : ''}${a.autoscaling ? ', autoscaler' : ''} and its flows`;
}

/** Whether IPv4 CIDR `outer` contains the whole of `inner` (then the pod network is carved out of a client CIDR). */
function contains(outer: string, inner: string): boolean {
  const parse = (cidr: string) => {
    const [ip, bits] = cidr.split('/');
    return { value: ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0), bits: Number(bits) };
  };
  const o = parse(outer);
  const i = parse(inner);
  const size = 2 ** (32 - o.bits);
  return o.bits <= i.bits && Math.floor(o.value / size) === Math.floor(i.value / size);
}
