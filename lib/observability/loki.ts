import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerResources, restrictedContainerSecurity, restrictedPodSecurity, toKubeResources } from '../core/security';
import { Peer, Peers, Port } from '../network/peer';
import { LOCAL_STORAGE_CLASS } from '../storage/local-volume';
import { clusterService, ComponentIdentity, goMemLimit, headlessService, httpProbe, IScrapeTarget, serviceAccount, serviceUrl } from './common';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { ImagePin, imageRef, LOKI_IMAGE, lokiConfig } from './config-files';
import { DEFAULT_LOKI, DEFAULT_RESOURCES, DEFAULT_STORAGE, OBSERVABILITY_NAMESPACES } from './defaults';

export interface LokiProps {
  /** Namespace (Pod Security restricted). @default 'logging' */
  readonly namespace?: string;
  /** Days of logs to keep; the compactor deletes older chunks. @default 7 */
  readonly retentionDays?: number;
  /** Ingestion rate limit, MB/s. @default 4 */
  readonly ingestionRateMb?: number;
  /** Ingestion burst, MB. @default 8 */
  readonly ingestionBurstSizeMb?: number;
  /** Most series one query may return. @default 500 */
  readonly maxQuerySeries?: number;
  /** Most log lines one query may return. @default 5000 */
  readonly maxEntriesLimitPerQuery?: number;
  /** Size the volume claim asks for. @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of the claim: a local volume, never NFS (Loki's TSDB index and WAL need local POSIX semantics). @default 'local-storage' */
  readonly storageClassName?: string;
  /** Requests and limits. @default DEFAULT_RESOURCES.loki (100m/160Mi, limits 1/512Mi) */
  readonly resources?: ContainerResources;
  /** Image. @default LOKI_IMAGE (grafana/loki 3.5.x) */
  readonly image?: ImagePin;
}

/**
 * Loki in monolithic mode: one StatefulSet pod running every target, TSDB v13 index and chunks on a local volume,
 * retention by the compactor, no caches beyond a small in-process results cache. It talks to nothing; Alloy pushes
 * to it and Grafana and Prometheus read from it, through flows those clients declare.
 */
export class Loki extends Construct implements IScrapeTarget {
  /** HTTP port: push, query, readiness and metrics. */
  static readonly HTTP_PORT = 3100;
  static readonly GRPC_PORT = 9095;
  /** uid/gid of the `loki` user of the image; the volume directory must be owned by it. */
  static readonly UID = 10001;
  static readonly NAME = 'loki';
  /** Name of the StatefulSet's volumeClaimTemplate: the claim of pod 0 is `storage-loki-0`. */
  static readonly CLAIM_TEMPLATE = 'storage';
  static readonly DATA_DIR = '/var/loki';

  public readonly namespace: string;
  public readonly retentionDays: number;
  public readonly ingestionRateMb: number;
  public readonly ingestionBurstSizeMb: number;
  public readonly maxQuerySeries: number;
  public readonly maxEntriesLimitPerQuery: number;
  public readonly storageSize: string;
  public readonly storageClassName: string;
  public readonly resources: ContainerResources;
  public readonly image: ImagePin;
  /** Base URL inside the cluster, e.g. `http://loki.logging.svc:3100`. */
  public readonly url: string;
  /** The generated Loki configuration file. */
  public readonly configText: string;
  public readonly identity: ComponentIdentity;
  public readonly scrapeName = 'loki';
  public readonly metricsPorts = [Port.tcp(Loki.HTTP_PORT)];

  constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? OBSERVABILITY_NAMESPACES.logging;
    this.retentionDays = props.retentionDays ?? DEFAULT_LOKI.retentionDays;
    this.ingestionRateMb = props.ingestionRateMb ?? DEFAULT_LOKI.ingestionRateMb;
    this.ingestionBurstSizeMb = props.ingestionBurstSizeMb ?? DEFAULT_LOKI.ingestionBurstSizeMb;
    this.maxQuerySeries = props.maxQuerySeries ?? DEFAULT_LOKI.maxQuerySeries;
    this.maxEntriesLimitPerQuery = props.maxEntriesLimitPerQuery ?? DEFAULT_LOKI.maxEntriesLimitPerQuery;
    this.storageSize = props.storageSize ?? DEFAULT_STORAGE.loki.size;
    this.storageClassName = props.storageClassName ?? LOCAL_STORAGE_CLASS;
    this.resources = props.resources ?? DEFAULT_RESOURCES.loki;
    this.image = props.image ?? LOKI_IMAGE;
    this.url = serviceUrl(Loki.NAME, this.namespace, Loki.HTTP_PORT);
    this.identity = new ComponentIdentity({ name: Loki.NAME, component: 'log-store', version: this.image.tag });
    const labels = this.identity.labels;

    this.configText = lokiConfig({
      retentionDays: this.retentionDays,
      ingestionRateMb: this.ingestionRateMb,
      ingestionBurstSizeMb: this.ingestionBurstSizeMb,
      maxQuerySeries: this.maxQuerySeries,
      maxEntriesLimitPerQuery: this.maxEntriesLimitPerQuery,
      pathPrefix: Loki.DATA_DIR,
      httpPort: Loki.HTTP_PORT,
      grpcPort: Loki.GRPC_PORT,
    });

    serviceAccount(this, Loki.NAME, this.namespace, labels, false);
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: 'loki-config', namespace: this.namespace, labels },
      data: { 'loki.yaml': this.configText },
    });
    clusterService(this, Loki.NAME, this.namespace, this.identity, [{ name: 'http', port: Loki.HTTP_PORT }]);
    const headless = headlessService(this, Loki.NAME, this.namespace, this.identity, [{ name: 'http', port: Loki.HTTP_PORT }]);

    new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: Loki.NAME, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        serviceName: headless.name,
        selector: { matchLabels: this.identity.selector },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configText) } },
          spec: {
            serviceAccountName: Loki.NAME,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(Loki.UID),
            // Loki flushes in-memory chunks to the volume on SIGTERM; give it time.
            terminationGracePeriodSeconds: 60,
            containers: [{
              name: 'loki',
              image: imageRef(this.image),
              args: [`-config.file=/etc/loki/loki.yaml`],
              env: [goMemLimit(this.resources)],
              ports: [
                { name: 'http', containerPort: Loki.HTTP_PORT, protocol: 'TCP' },
                { name: 'grpc', containerPort: Loki.GRPC_PORT, protocol: 'TCP' },
              ],
              // /ready turns 200 once the ingester has joined its (in-memory) ring, ~15s after start.
              readinessProbe: httpProbe('/ready', 'http', { initialDelaySeconds: 15 }),
              // Liveness only asks "is the process serving"; /ready would restart a Loki that is merely busy.
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('http') }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
              resources: toKubeResources(this.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/loki', readOnly: true },
                { name: Loki.CLAIM_TEMPLATE, mountPath: Loki.DATA_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: 'loki-config' } },
              emptyDir('tmp', '100Mi'),
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: Loki.CLAIM_TEMPLATE, labels: this.identity.stableLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(this.storageSize) } },
          },
        }],
      },
    });
  }

  /** The Loki pods, as a flow peer. */
  toPeer(): Peer {
    return Peers.pods(this.namespace, this.identity.selector, Loki.NAME);
  }
}
