import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerResources, restrictedContainerSecurity, restrictedPodSecurity, toKubeResources } from '../core/security';
import { Flow } from '../network/flow';
import { Peer, Peers, Port } from '../network/peer';
import { clusterService, ComponentIdentity, flowName, httpProbe, IScrapeTarget, serviceAccount, serviceUrl } from './common';
import { CONFIG_HASH_ANNOTATION, configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { ALERTMANAGER_IMAGE, alertmanagerConfig, ImagePin, imageRef } from './config-files';
import { ALERTMANAGER_WEBHOOK_SECRET_KEY, DEFAULT_RESOURCES, OBSERVABILITY_NAMESPACES, WEBHOOK_CREDENTIAL_FIX } from './defaults';
import { credentialProblem } from '../core/validate';

/** Where Alertmanager sends every alert. */
export interface AlertmanagerWebhook {
  /** The URL, written into the ConfigMap. Give either this or `urlSecretName`. @default - none */
  readonly url?: string;
  /** An existing Secret in Alertmanager's namespace whose key `url` holds the URL. @default - none */
  readonly urlSecretName?: string;
  /** Addresses the webhook lives at: Alertmanager's egress opens to exactly these, on `port`. */
  readonly cidrs: readonly string[];
  /** Port of the webhook. */
  readonly port: number;
}

export interface AlertmanagerProps {
  /** Namespace. @default 'monitoring' */
  readonly namespace?: string;
  /** The receiver. @default - none: alerts are visible in the Alertmanager UI and Grafana, and sent nowhere */
  readonly webhook?: AlertmanagerWebhook;
  /** Requests and limits. @default DEFAULT_RESOURCES.alertmanager (10m/32Mi, limits 100m/64Mi) */
  readonly resources?: ContainerResources;
  /** Image. @default ALERTMANAGER_IMAGE */
  readonly image?: ImagePin;
}

/**
 * Alertmanager, one replica. Its state (silences, the notification log) lives in an emptyDir: a pinned local
 * volume would tie the alerting path to one node's survival, while losing the state on a reschedule only costs
 * silences and may repeat one notification. High availability would mean two replicas gossiping on 9094, which
 * this cluster's memory does not justify.
 */
export class Alertmanager extends Construct implements IScrapeTarget {
  static readonly NAME = 'alertmanager';
  static readonly PORT = 9093;
  static readonly UID = 65534;

  public readonly namespace: string;
  public readonly resources: ContainerResources;
  public readonly image: ImagePin;
  public readonly webhook: AlertmanagerWebhook | undefined;
  public readonly url: string;
  public readonly configText: string;
  public readonly identity: ComponentIdentity;
  public readonly scrapeName = 'alertmanager';
  public readonly metricsPorts = [Port.tcp(Alertmanager.PORT)];

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? OBSERVABILITY_NAMESPACES.monitoring;
    this.resources = props.resources ?? DEFAULT_RESOURCES.alertmanager;
    this.image = props.image ?? ALERTMANAGER_IMAGE;
    this.webhook = props.webhook;
    this.url = serviceUrl(Alertmanager.NAME, this.namespace, Alertmanager.PORT);
    this.identity = new ComponentIdentity({ name: Alertmanager.NAME, component: 'alerting', version: this.image.tag });
    const labels = this.identity.labels;
    const name = Alertmanager.NAME;
    const w = this.webhook;
    if (w && (w.url === undefined) === (w.urlSecretName === undefined)) {
      throw new Error('Alertmanager: webhook needs exactly one of url and urlSecretName.');
    }
    const credential = credentialProblem(w?.url, 'Alertmanager: webhook.url', WEBHOOK_CREDENTIAL_FIX);
    if (credential !== undefined) throw new Error(credential);
    if (w && w.cidrs.length === 0) {
      throw new Error('Alertmanager: webhook.cidrs is empty; Alertmanager egress is default-deny, so name the webhook\'s addresses.');
    }
    const secretDir = '/etc/alertmanager/secrets';
    this.configText = alertmanagerConfig(
      w?.url !== undefined ? { webhookUrl: w.url } : w?.urlSecretName !== undefined ? { webhookUrlFile: `${secretDir}/${ALERTMANAGER_WEBHOOK_SECRET_KEY}` } : {},
    );

    serviceAccount(this, name, this.namespace, labels, false);
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: 'alertmanager-config', namespace: this.namespace, labels },
      data: { 'alertmanager.yml': this.configText },
    });
    clusterService(this, name, this.namespace, this.identity, [{ name: 'http', port: Alertmanager.PORT }]);

    const secretMounts = w?.urlSecretName !== undefined ? [{ name: 'webhook', mountPath: secretDir, readOnly: true }] : [];
    const secretVolumes: k8s.Volume[] = w?.urlSecretName !== undefined
      ? [{ name: 'webhook', secret: { secretName: w.urlSecretName, defaultMode: 0o440, items: [{ key: ALERTMANAGER_WEBHOOK_SECRET_KEY, path: ALERTMANAGER_WEBHOOK_SECRET_KEY }] } }]
      : [];
    new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.identity.selector },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.configText) } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(Alertmanager.UID),
            containers: [{
              name,
              image: imageRef(this.image),
              args: [
                '--config.file=/etc/alertmanager/config/alertmanager.yml',
                '--storage.path=/alertmanager',
                `--web.listen-address=:${Alertmanager.PORT}`,
                // One replica: no gossip cluster (an empty address turns it off instead of listening on 9094).
                '--cluster.listen-address=',
              ],
              ports: [{ name: 'http', containerPort: Alertmanager.PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe('/-/ready', 'http'),
              livenessProbe: httpProbe('/-/healthy', 'http', { initialDelaySeconds: 10, periodSeconds: 20 }),
              resources: toKubeResources(this.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true },
                { name: 'data', mountPath: '/alertmanager' },
                ...secretMounts,
              ],
            }],
            volumes: [{ name: 'config', configMap: { name: 'alertmanager-config' } }, emptyDir('data', '50Mi'), ...secretVolumes],
          },
        },
      },
    });

    (w?.cidrs ?? []).forEach((cidr, i) => {
      new Flow(this, `ToWebhook${i}`, {
        name: flowName('alertmanager', 'webhook', String(i)),
        from: this,
        to: Peers.cidr(cidr, `webhook-${i}`),
        ports: [Port.tcp(w!.port)],
        description: 'Alertmanager sends notifications to the configured webhook',
      });
    });
  }

  toPeer(): Peer {
    return Peers.pods(this.namespace, this.identity.selector, Alertmanager.NAME);
  }
}
