import { Construct } from 'constructs';
import { ComponentProps, StoreComponent } from './component';
import { tcpLivenessProbe } from '../core/probes';
import { StoredFormStatefulSet } from '../core/claim-template';
import { hardenedPodSpec } from '../core/hardened-pod';
import { Port } from '../network/peer';
import { clusterService, goMemLimit, governingService, httpProbe, IScrapeTarget, serviceUrl } from './common';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { imageRef, LOKI_IMAGE, lokiConfig } from './config-files';
import { DEFAULT_LOKI, DEFAULT_RESOURCES, DEFAULT_STORAGE, OBSERVABILITY_NAMESPACES } from './defaults';

export interface LokiProps extends ComponentProps {
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
}

/**
 * Loki in monolithic mode: one StatefulSet pod running every target, TSDB v13 index and chunks on a local volume,
 * retention by the compactor, no caches beyond a small in-process results cache. It talks to nothing; Alloy pushes
 * to it and Grafana and Prometheus read from it, through flows those clients declare.
 */
export class Loki extends StoreComponent implements IScrapeTarget {
  /** HTTP port: push, query, readiness and metrics. */
  static readonly HTTP_PORT = 3100;
  static readonly GRPC_PORT = 9095;
  /** uid/gid of the `loki` user of the image; the volume directory must be owned by it. */
  static readonly UID = 10001;
  static readonly NAME = 'loki';
  static readonly DATA_DIR = '/var/loki';

  public readonly retentionDays: number;
  public readonly ingestionRateMb: number;
  public readonly ingestionBurstSizeMb: number;
  public readonly maxQuerySeries: number;
  public readonly maxEntriesLimitPerQuery: number;
  /** Base URL inside the cluster, e.g. `http://loki.logging.svc:3100`. */
  public readonly url: string;
  /** The generated Loki configuration file. */
  public readonly configText: string;

  constructor(scope: Construct, id: string, props: LokiProps = {}) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.logging, resources: DEFAULT_RESOURCES.loki, image: LOKI_IMAGE, storageSize: DEFAULT_STORAGE.loki.size, name: Loki.NAME, component: 'log-store', metricsPorts: [Port.tcp(Loki.HTTP_PORT)] });
    this.retentionDays = props.retentionDays ?? DEFAULT_LOKI.retentionDays;
    this.ingestionRateMb = props.ingestionRateMb ?? DEFAULT_LOKI.ingestionRateMb;
    this.ingestionBurstSizeMb = props.ingestionBurstSizeMb ?? DEFAULT_LOKI.ingestionBurstSizeMb;
    this.maxQuerySeries = props.maxQuerySeries ?? DEFAULT_LOKI.maxQuerySeries;
    this.maxEntriesLimitPerQuery = props.maxEntriesLimitPerQuery ?? DEFAULT_LOKI.maxEntriesLimitPerQuery;
    this.url = serviceUrl(Loki.NAME, this.namespace, Loki.HTTP_PORT);
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

    this.addServiceAccount(false);
    this.configMap('Config', 'loki-config', { 'loki.yaml': this.configText });
    clusterService(this, Loki.NAME, this.namespace, this.identity, [{ name: 'http', port: Loki.HTTP_PORT }]);
    const serviceName = governingService(this, Loki.NAME, this.namespace, this.identity, [{ name: 'http', port: Loki.HTTP_PORT }]);

    new StoredFormStatefulSet(this, 'Resource', {
      metadata: { name: Loki.NAME, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        serviceName,
        selector: { matchLabels: this.identity.selector },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configText) } },
          spec: hardenedPodSpec({
            serviceAccountName: Loki.NAME,
            uid: Loki.UID,
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
              livenessProbe: tcpLivenessProbe('http', { initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 }),
              resources: this.resources,
              volumeMounts: [
                { name: 'config', mountPath: '/etc/loki', readOnly: true },
                { name: Loki.CLAIM_TEMPLATE, mountPath: Loki.DATA_DIR },
              ],
              tmpSizeLimit: '100Mi',
            }],
            volumes: [{ name: 'config', configMap: { name: 'loki-config' } }],
          }),
        },
        volumeClaimTemplates: [this.claimTemplate()],
      },
    });
  }

  /** The Loki pods, as a flow peer. */
}
