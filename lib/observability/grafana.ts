import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentProps, ObservabilityComponent } from './component';
import { tcpLivenessProbe } from '../core/probes';
import { show } from '../core/errors';
import { hardenedPodSpec } from '../core/hardened-pod';
import { EntryPoint, ExposedHost, IngressEntry } from '../network/entry-point';
import { Port } from '../network/peer';
import { clusterService, httpProbe, IScrapeTarget } from './common';
import { configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import {
  Dashboard, dashboardJson, GRAFANA_IMAGE, grafanaDashboardProvider, grafanaDatasources, grafanaIni, imageRef,
  platformDashboards,
} from './config-files';
import { DEFAULT_GRAFANA, DEFAULT_RESOURCES, GRAFANA_ADMIN_SECRET_KEYS, OBSERVABILITY_NAMESPACES } from './defaults';
import { Loki } from './loki';
import { Prometheus } from './prometheus';

/**
 * Largest dashboard ConfigMap accepted. Client-side `kubectl apply` copies the whole object into the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, and all annotations together may not exceed
 * 256 KiB; staying well under leaves room for the rest.
 */
export const MAX_DASHBOARD_BYTES = 200 * 1024;

const DASHBOARDS_DIR = '/etc/grafana/dashboards';
const SECRETS_DIR = '/etc/grafana/secrets';

/** The cluster's ingress controller, which serves Grafana's host. */
export interface GrafanaIngress {
  /** Host name, e.g. `grafana.lab.example`. @default 'grafana.lab.example' */
  readonly host?: string;
  /** Existing kubernetes.io/tls Secret in Grafana's namespace. @default 'grafana-tls' */
  readonly tlsSecretName?: string;
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /** Namespace of the controller pods. @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
}

export interface GrafanaProps extends ComponentProps {
  /** The metrics datasource (and default); the query flow to it is declared here. */
  readonly prometheus: Prometheus;
  /** The logs datasource; the query flow to it is declared here. */
  readonly loki: Loki;
  /** The host and, for an Ingress, its controller. @default - host grafana.lab.example, TLS Secret grafana-tls, class nginx, controller in ingress-nginx */
  readonly ingress?: GrafanaIngress;
  /**
   * How the host is served: `new IngressEntry(...)` or `new GatewayEntry(...)` (lib/network/entry-point).
   * @default - an Ingress with `ingress.className` and `ingress.controllerNamespace`
   */
  readonly entryPoint?: EntryPoint;
  /** Existing Secret with keys `admin-user` and `admin-password`. @default 'grafana-admin' */
  readonly adminSecretName?: string;
  /** Dashboards to provision, by file name (`cluster-overview.json`). @default platformDashboards() (4 dashboards) */
  readonly dashboards?: Record<string, Dashboard>;
}

/**
 * Grafana with everything provisioned from the repository: the Prometheus and Loki datasources, a file dashboard
 * provider and one ConfigMap per dashboard (projected into one directory), admin credentials from an existing
 * Secret, and an HTTPS Ingress whose flow admits the ingress controller. Its database is an emptyDir: users and
 * UI edits do not survive a restart — dashboards belong in the repository (`addDashboard`).
 */
export class Grafana extends ObservabilityComponent implements IScrapeTarget {
  static readonly NAME = 'grafana';
  static readonly PORT = 3000;
  /** uid/gid the image runs as (`grafana`). */
  static readonly UID = 472;

  public readonly host: string;
  public readonly tlsSecretName: string;
  public readonly adminSecretName: string;
  public readonly iniText: string;
  public readonly datasourcesText: string;
  /** The host it serves, as offered to the gateway part. */
  public readonly exposedHost: ExposedHost;
  /** Names of the dashboard ConfigMaps, in the order added. */
  public readonly dashboardConfigMaps: string[] = [];

  private readonly dashboardHashes: string[] = [];
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.monitoring, resources: DEFAULT_RESOURCES.grafana, image: GRAFANA_IMAGE, name: Grafana.NAME, component: 'dashboards', metricsPorts: [Port.tcp(Grafana.PORT)] });
    this.host = props.ingress?.host ?? DEFAULT_GRAFANA.host;
    this.tlsSecretName = props.ingress?.tlsSecretName ?? DEFAULT_GRAFANA.tlsSecretName;
    this.adminSecretName = props.adminSecretName ?? DEFAULT_GRAFANA.adminSecretName;
    this.labels = this.identity.labels;
    const labels = this.labels;
    const name = Grafana.NAME;

    this.iniText = grafanaIni({
      adminUserFile: `${SECRETS_DIR}/${GRAFANA_ADMIN_SECRET_KEYS.user}`,
      adminPasswordFile: `${SECRETS_DIR}/${GRAFANA_ADMIN_SECRET_KEYS.password}`,
      rootUrl: `https://${this.host}/`,
      httpPort: Grafana.PORT,
      cookieSecure: true,
    });
    this.datasourcesText = grafanaDatasources({
      prometheusUrl: props.prometheus.url,
      lokiUrl: props.loki.url,
      scrapeIntervalSeconds: props.prometheus.scrapeIntervalSeconds,
    });
    const providerText = grafanaDashboardProvider({ path: DASHBOARDS_DIR });

    this.addServiceAccount(false);
    this.configMap('Config', 'grafana-config', { 'grafana.ini': this.iniText });
    this.configMap('Datasources', 'grafana-datasources', { 'datasources.yaml': this.datasourcesText });
    this.configMap('DashboardProvider', 'grafana-dashboard-provider', { 'dashboards.yaml': providerText });
    for (const [file, dashboard] of Object.entries(props.dashboards ?? platformDashboards())) this.addDashboard(file, dashboard);
    clusterService(this, name, this.namespace, this.identity, [{ name: 'http', port: Grafana.PORT }]);

    // Owner and group (fsGroup 472) read; JSON writes it as 288.
    const mode = 0o440;
    // One SQLite database in an emptyDir: a second pod would be a second, different Grafana.
    this.addDeployment(name, hardenedPodSpec({
      serviceAccountName: name,
      uid: Grafana.UID,
      containers: [{
        name,
        image: imageRef(this.image),
        env: [
          { name: 'GF_PATHS_CONFIG', value: '/etc/grafana/config/grafana.ini' },
          { name: 'GF_PATHS_DATA', value: '/var/lib/grafana' },
          { name: 'GF_PATHS_PLUGINS', value: '/var/lib/grafana/plugins' },
          { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
        ],
        ports: [{ name: 'http', containerPort: Grafana.PORT, protocol: 'TCP' }],
        readinessProbe: httpProbe('/api/health', 'http'),
        livenessProbe: tcpLivenessProbe('http', { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6, timeoutSeconds: 5 }),
        resources: this.resources,
        volumeMounts: [
          { name: 'config', mountPath: '/etc/grafana/config', readOnly: true },
          { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
          { name: 'dashboard-provider', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
          { name: 'dashboards', mountPath: DASHBOARDS_DIR, readOnly: true },
          { name: 'admin', mountPath: SECRETS_DIR, readOnly: true },
          { name: 'data', mountPath: '/var/lib/grafana' },
        ],
        tmpSizeLimit: '50Mi',
      }],
      volumes: [
        { name: 'config', configMap: { name: 'grafana-config' } },
        { name: 'datasources', configMap: { name: 'grafana-datasources' } },
        { name: 'dashboard-provider', configMap: { name: 'grafana-dashboard-provider' } },
        {
          name: 'dashboards',
          projected: { sources: Lazy.any({ produce: () => this.dashboardConfigMaps.map((cm) => ({ configMap: { name: cm } })) }) },
        },
        {
          name: 'admin',
          secret: {
            secretName: this.adminSecretName,
            defaultMode: mode,
            items: [
              { key: GRAFANA_ADMIN_SECRET_KEYS.user, path: GRAFANA_ADMIN_SECRET_KEYS.user },
              { key: GRAFANA_ADMIN_SECRET_KEYS.password, path: GRAFANA_ADMIN_SECRET_KEYS.password },
            ],
          },
        },
        emptyDir('data', '200Mi'),
      ],
    }), { recreate: true, configHash: Lazy.any({ produce: () => configHash(this.iniText, this.datasourcesText, providerText, ...this.dashboardHashes) }) });

    this.flowTo('ToPrometheus', props.prometheus, [Port.tcp(Prometheus.PORT)], 'Grafana queries Prometheus (datasource)');
    this.flowTo('ToLoki', props.loki, [Port.tcp(Loki.HTTP_PORT)], 'Grafana queries Loki (datasource)');
    const entry = props.entryPoint ?? new IngressEntry({ className: props.ingress?.className, controllerNamespace: props.ingress?.controllerNamespace });
    this.exposedHost = entry.expose(this, 'Ingress', {
      name,
      namespace: this.namespace,
      host: this.host,
      backends: [{ service: name, port: Grafana.PORT, pods: this.toPeer(), containerPort: Grafana.PORT }],
      tlsSecretName: this.tlsSecretName,
      labels,
    });
  }

  /**
   * Provisions one more dashboard from the repository: its own ConfigMap `grafana-dashboard-<name>`, projected into
   * the dashboards directory. `file` is the file name Grafana sees, e.g. `team-a.json`.
   */
  addDashboard(file: string, dashboard: Dashboard): void {
    const base = file.replace(/\.json$/, '');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(base) || !file.endsWith('.json') || base.length > 40) {
      throw new Error(`Grafana.addDashboard: file ${show(file)} must be a lowercase DNS label of at most 40 characters plus ".json" (example: "team-a.json").`);
    }
    const cm = `grafana-dashboard-${base}`;
    if (this.dashboardConfigMaps.includes(cm)) throw new Error(`Grafana.addDashboard: ${show(file)} is added twice.`);
    const json = dashboardJson(dashboard);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_DASHBOARD_BYTES) {
      throw new Error(`Grafana.addDashboard: ${show(file)} is ${Math.ceil(bytes / 1024)} KiB; keep each dashboard under ${MAX_DASHBOARD_BYTES / 1024} KiB (client-side kubectl apply stores a copy in a 256 KiB annotation) — split it.`);
    }
    this.dashboardConfigMaps.push(cm);
    this.dashboardHashes.push(configHash(json));
    new k8s.KubeConfigMap(this, `Dashboard-${base}`, {
      metadata: { name: cm, namespace: this.namespace, labels: { ...this.labels, 'grafana.platform-kit.io/dashboard': base } },
      data: { [file]: json },
    });
  }

}
