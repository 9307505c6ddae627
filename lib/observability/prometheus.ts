import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ComponentProps, StoreComponent } from './component';
import { show } from '../core/errors';
import { isQuantity, parseQuantity } from '../core/quantity';
import { hardenedPodSpec } from '../core/hardened-pod';
import { StoredFormStatefulSet } from '../core/claim-template';
import { Flow } from '../network/flow';
import { FlowPort, IPeerable, Peer, Peers, PodsPeer, Port } from '../network/peer';
import { Alertmanager } from './alertmanager';
import { allowApiServer, ApiServerEndpoints, clusterReader, clusterService, flowName, goMemLimit, governingService, httpProbe, IScrapeTarget, NodeAddress, serviceUrl } from './common';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { AlertRuleGroup, alertRules, alertRulesYaml, imageRef, OfferedScrapeJob, PlatformNamespaces, PROMETHEUS_IMAGE, prometheusConfig, PrometheusConfigOptions } from './config-files';
import { DEFAULT_PROMETHEUS, DEFAULT_RESOURCES, DEFAULT_STORAGE, OBSERVABILITY_NAMESPACES } from './defaults';

/** The kubelet's authenticated HTTPS port (metrics and cAdvisor). */
export const KUBELET_PORT = 10250;

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/**
 * The construct's props; the ones it passes on to prometheus.yml unchanged (interval, extra Alloy namespaces, `cluster`
 * label) are the config file's own options, documented once there (@default 30, none, none).
 */
export interface PrometheusProps extends ComponentProps, Pick<PrometheusConfigOptions, 'scrapeIntervalSeconds' | 'extraAlloyNamespaces' | 'clusterName'> {
  /** Where alerts go; the flow to it (alerts and its own metrics, one port) is declared here. */
  readonly alertmanager: Alertmanager;
  /** The API server: service discovery and the `apiserver` scrape job. */
  readonly apiServer: ApiServerEndpoints;
  /** How long series are kept (Prometheus duration). @default '15d' */
  readonly retention?: string;
  /** Most disk the blocks may use (Kubernetes quantity), below `storageSize`. @default - 80% of storageSize */
  readonly retentionSize?: string;
  /** Size the volume claim asks for. @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of the claim: a local volume, never NFS (the Prometheus TSDB does not support it). @default 'local-storage' */
  readonly storageClassName?: string;
  /** Namespaces of the observability components (for their scrape jobs). @default - the observability defaults */
  readonly componentNamespaces?: Partial<PlatformNamespaces>;
}

/**
 * Prometheus as a one-pod StatefulSet on a local volume, retention by time and by size, a read-only ClusterRole for
 * discovery and the kubelet, and the platform's alert rules. Every scrape target is opened by one flow declared
 * here — `scrape()` for component pods, `scrapeNodes()` for kubelets and node-exporter on the node addresses,
 * `scrapeAnnotatedPods()` for a namespace's `prometheus.io/scrape` pods — so the config and the policies agree.
 */
export class Prometheus extends StoreComponent implements IScrapeTarget {
  static readonly NAME = 'prometheus';
  static readonly PORT = 9090;
  /** uid/gid of `nobody`, as the image runs; the volume directory must be owned by it. */
  static readonly UID = 65534;
  static readonly DATA_DIR = '/prometheus';
  static readonly RULES_DIR = '/etc/prometheus/rules';

  public readonly retention: string;
  public readonly retentionSize: string;
  public readonly scrapeIntervalSeconds: number;
  public readonly url: string;

  private readonly alertmanagerUrl: string;
  private readonly componentNamespaces: Partial<PlatformNamespaces>;
  private readonly extraAlloyNamespaces: readonly string[];
  private readonly clusterName: string | undefined;
  private readonly nodes: NodeAddress[] = [];
  private readonly annotationNamespaces: string[] = [];
  private readonly offeredJobs: OfferedScrapeJob[] = [];
  private readonly offeredRuleGroups: AlertRuleGroup[] = [];
  private readonly flowIds = new Set<string>();
  /** The last rendering of each generated file, with the input it was made from (see {@link rendered}). */
  private readonly renders = new Map<string, { readonly input: string; readonly text: string }>();

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.monitoring, resources: DEFAULT_RESOURCES.prometheus, image: PROMETHEUS_IMAGE, storageSize: DEFAULT_STORAGE.prometheus.size, name: Prometheus.NAME, component: 'metrics-store', metricsPorts: [Port.tcp(Prometheus.PORT)] });
    this.retention = props.retention ?? DEFAULT_PROMETHEUS.retention;
    this.scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? DEFAULT_PROMETHEUS.scrapeIntervalSeconds;
    this.componentNamespaces = props.componentNamespaces ?? {};
    this.extraAlloyNamespaces = props.extraAlloyNamespaces ?? [];
    this.clusterName = props.clusterName;
    this.alertmanagerUrl = props.alertmanager.url;
    this.url = serviceUrl(Prometheus.NAME, this.namespace, Prometheus.PORT);

    if (!DURATION.test(this.retention)) {
      throw new Error(`Prometheus: retention ${show(this.retention)} is not a Prometheus duration (example: "15d").`);
    }
    if (!isQuantity(this.storageSize) || parseQuantity(this.storageSize) <= 0) {
      throw new Error(`Prometheus: storageSize ${show(this.storageSize)} is not a positive quantity (example: "10Gi").`);
    }
    const volumeBytes = parseQuantity(this.storageSize);
    const retentionBytes = props.retentionSize !== undefined ? parseQuantity(props.retentionSize) : Math.floor(volumeBytes * DEFAULT_PROMETHEUS.retentionSizeRatio);
    if (!(retentionBytes > 0 && retentionBytes < volumeBytes)) {
      throw new Error(`Prometheus: retentionSize ${show(props.retentionSize)} must be above 0 and below storageSize ${show(this.storageSize)} (the WAL and compaction need the rest).`);
    }
    // Prometheus reads this flag in base-2 units: "MB" is MiB.
    this.retentionSize = `${Math.floor(retentionBytes / 2 ** 20)}MB`;

    const labels = this.identity.labels;
    const name = Prometheus.NAME;

    this.addServiceAccount(true);
    clusterReader(this, `platform-kit-${name}`, labels, [
      // Service discovery (node, pod, endpointslice roles) and the kubelet's /metrics and /metrics/cadvisor.
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      // The API server's own metrics.
      { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
    ], { name, namespace: this.namespace });

    this.configMap('Config', 'prometheus-config', { 'prometheus.yml': Lazy.any({ produce: () => this.configText }) });
    this.configMap('Rules', 'prometheus-rules', { 'platform-kit.yaml': Lazy.any({ produce: () => this.rulesText }) });
    clusterService(this, name, this.namespace, this.identity, [{ name: 'http', port: Prometheus.PORT }]);
    const serviceName = governingService(this, name, this.namespace, this.identity, [{ name: 'http', port: Prometheus.PORT }]);

    new StoredFormStatefulSet(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        serviceName,
        selector: { matchLabels: this.identity.selector },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => configHash(this.configText, this.rulesText) }) } },
          spec: hardenedPodSpec({
            serviceAccountName: name,
            usesApi: true,
            uid: Prometheus.UID,
            // Time to write the head block out on shutdown instead of replaying the whole WAL on the next start.
            terminationGracePeriodSeconds: 120,
            containers: [{
              name,
              image: imageRef(this.image),
              args: [
                '--config.file=/etc/prometheus/config/prometheus.yml',
                `--storage.tsdb.path=${Prometheus.DATA_DIR}`,
                `--storage.tsdb.retention.time=${this.retention}`,
                `--storage.tsdb.retention.size=${this.retentionSize}`,
                `--web.listen-address=:${Prometheus.PORT}`,
              ],
              env: [goMemLimit(this.resources)],
              ports: [{ name: 'http', containerPort: Prometheus.PORT, protocol: 'TCP' }],
              // Ready after the WAL replay; healthy as soon as the process serves.
              readinessProbe: httpProbe('/-/ready', 'http', { initialDelaySeconds: 10 }),
              livenessProbe: httpProbe('/-/healthy', 'http', { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }),
              resources: this.resources,
              volumeMounts: [
                { name: 'config', mountPath: '/etc/prometheus/config', readOnly: true },
                { name: 'rules', mountPath: Prometheus.RULES_DIR, readOnly: true },
                { name: Prometheus.CLAIM_TEMPLATE, mountPath: Prometheus.DATA_DIR },
              ],
              tmpSizeLimit: '50Mi',
            }],
            volumes: [
              { name: 'config', configMap: { name: 'prometheus-config' } },
              { name: 'rules', configMap: { name: 'prometheus-rules' } },
            ],
          }),
        },
        volumeClaimTemplates: [this.claimTemplate()],
      },
    });

    this.flow('ToAlertmanager', flowName('prometheus', 'to', 'alertmanager'), props.alertmanager, props.alertmanager.metricsPorts,
      'Prometheus sends alerts to Alertmanager and scrapes its metrics');
    allowApiServer(this, this, name, props.apiServer, 'Prometheus discovers targets and scrapes the API server');
  }

  /** The generated prometheus.yml, with every node and annotation namespace added so far. */
  get configText(): string {
    const input = {
      nodeIps: this.nodes.map((n) => n.ip),
      alertmanagerUrl: this.alertmanagerUrl,
      scrapeIntervalSeconds: this.scrapeIntervalSeconds,
      rulesDir: Prometheus.RULES_DIR,
      namespaces: this.componentNamespaces,
      annotationNamespaces: this.annotationNamespaces,
      extraAlloyNamespaces: this.extraAlloyNamespaces,
      offeredJobs: this.offeredJobs,
      ...(this.clusterName ? { clusterName: this.clusterName } : {}),
    };
    return this.rendered('config', input, () => prometheusConfig(input));
  }

  /** The rule file: the platform's alert rules, then the groups other parts offered ({@link addRuleGroups}). */
  get rulesText(): string {
    return this.rendered('rules', this.offeredRuleGroups, () => alertRulesYaml({}, this.offeredRuleGroups));
  }

  /**
   * `render()`, again only when its input changed: the texts are read by the ConfigMaps and by the StatefulSet's
   * config hash each time the tree renders (five times in a synth), and rendering them is YAML of a few hundred rules.
   */
  private rendered(name: string, input: unknown, render: () => string): string {
    const key = JSON.stringify(input);
    const last = this.renders.get(name);
    if (last?.input === key) return last.text;
    const text = render();
    this.renders.set(name, { input: key, text });
    return text;
  }

  /** Adds alert rule groups another part offers; a group name already used is a programming error. */
  addRuleGroups(groups: readonly AlertRuleGroup[]): void {
    const names = new Set([...alertRules().groups, ...this.offeredRuleGroups].map((g) => g.name));
    for (const g of groups) {
      if (names.has(g.name)) throw new Error(`Prometheus.addRuleGroups: rule group ${show(g.name)} exists already; give each offered group its own name.`);
      names.add(g.name);
      this.offeredRuleGroups.push(g);
    }
  }

  /** Opens Prometheus → the target's pods on its metrics ports (its scrape job is in the generated config). */
  scrape(target: IScrapeTarget, description?: string): Flow {
    return this.flow(`Scrape-${target.scrapeName}`, flowName('prometheus', 'scrape', target.scrapeName), target, target.metricsPorts,
      description ?? `Prometheus scrapes ${target.scrapeName}`);
  }

  /** Opens Prometheus → pods that are not a construct here (e.g. another unit's exporter), on `ports`. */
  scrapePods(scrapeName: string, pods: Peer, ports: readonly FlowPort[], description: string): Flow {
    return this.flow(`Scrape-${scrapeName}`, flowName('prometheus', 'scrape', scrapeName), pods, ports, description);
  }

  /**
   * Adds a scrape job for pods another part offers (discovered by their `app.kubernetes.io/name` label and container
   * port in their namespace) and opens Prometheus → those pods on that port.
   */
  scrapeOffered(target: { job: string; pods: PodsPeer; app: string; port: FlowPort; description: string }): Flow {
    if (this.offeredJobs.some((j) => j.job === target.job)) throw new Error(`Prometheus.scrapeOffered: job ${show(target.job)} is offered twice; each job name must be unique.`);
    this.offeredJobs.push({ job: target.job, namespace: target.pods.namespace, app: target.app, port: target.port.port });
    return this.scrapePods(target.job, target.pods, [target.port], target.description);
  }

  /**
   * Scrapes kubelets (cAdvisor included) and node-exporter on the nodes' addresses. node-exporter shares the host
   * network, so its traffic goes to the node address, not to a pod: the flow is to the node's /32.
   */
  scrapeNodes(nodes: readonly NodeAddress[], ports: readonly FlowPort[]): void {
    for (const node of nodes) {
      if (this.nodes.some((n) => n.ip === node.ip)) throw new Error(`Prometheus.scrapeNodes: node address ${node.ip} is added twice.`);
      this.nodes.push(node);
      this.flow(`ScrapeNode-${node.name}`, flowName('prometheus', 'node', node.name), Peers.cidr(`${node.ip}/32`, `node-${node.name}`), ports,
        `Prometheus scrapes the kubelet and node-exporter of ${node.name}`);
    }
  }

  /**
   * Discovers pods and Services annotated `prometheus.io/scrape: "true"` in `namespace` and opens Prometheus → every
   * pod there on `ports` (NetworkPolicy cannot select by annotation, so the ports are the contract: by default the
   * container port named `metrics`).
   */
  scrapeAnnotatedPods(namespace: string, ports: readonly FlowPort[]): Flow | undefined {
    if (this.annotationNamespaces.includes(namespace)) throw new Error(`Prometheus.scrapeAnnotatedPods: namespace ${show(namespace)} is added twice.`);
    if (ports.length === 0) throw new Error(`Prometheus.scrapeAnnotatedPods: no ports for ${show(namespace)}; name at least one (e.g. Port.tcp('metrics')).`);
    this.annotationNamespaces.push(namespace);
    return this.flow(`ScrapeAnnotated-${namespace}`, flowName('prometheus', 'scrape', 'ns', namespace),
      Peers.namespace(namespace), ports,
      `Prometheus scrapes pods annotated prometheus.io/scrape in ${namespace} on their metrics ports`);
  }


  private flow(id: string, name: string, to: Peer | IPeerable, ports: readonly FlowPort[], description: string): Flow {
    if (this.flowIds.has(id)) throw new Error(`Prometheus: a flow ${show(id)} is declared twice; declare each target once.`);
    this.flowIds.add(id);
    return new Flow(this, id, { name, from: this, to, ports, description });
  }
}
