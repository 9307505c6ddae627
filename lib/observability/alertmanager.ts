import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentProps, ObservabilityComponent } from './component';
import { hardenedPodSpec } from '../core/hardened-pod';
import { Flow } from '../network/flow';
import { Peers, Port } from '../network/peer';
import { clusterService, flowName, httpProbe, IScrapeTarget, serviceUrl } from './common';
import { configHash } from '../core/config-hash';
import { emptyDir } from '../core/volumes';
import { ALERTMANAGER_IMAGE, alertmanagerConfig, imageRef } from './config-files';
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

export interface AlertmanagerProps extends ComponentProps {
  /** The receiver. @default - none: alerts are visible in the Alertmanager UI and Grafana, and sent nowhere */
  readonly webhook?: AlertmanagerWebhook;
}

/**
 * Alertmanager, one replica. Its state (silences, the notification log) lives in an emptyDir: a pinned local
 * volume would tie the alerting path to one node's survival, while losing the state on a reschedule only costs
 * silences and may repeat one notification. High availability would mean two replicas gossiping on 9094, which
 * this cluster's memory does not justify.
 */
export class Alertmanager extends ObservabilityComponent implements IScrapeTarget {
  static readonly NAME = 'alertmanager';
  static readonly PORT = 9093;
  static readonly UID = 65534;

  public readonly webhook: AlertmanagerWebhook | undefined;
  public readonly url: string;
  public readonly configText: string;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id, props, { namespace: OBSERVABILITY_NAMESPACES.monitoring, resources: DEFAULT_RESOURCES.alertmanager, image: ALERTMANAGER_IMAGE, name: Alertmanager.NAME, component: 'alerting', metricsPorts: [Port.tcp(Alertmanager.PORT)] });
    this.webhook = props.webhook;
    this.url = serviceUrl(Alertmanager.NAME, this.namespace, Alertmanager.PORT);
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

    this.addServiceAccount(false);
    this.configMap('Config', 'alertmanager-config', { 'alertmanager.yml': this.configText });
    clusterService(this, name, this.namespace, this.identity, [{ name: 'http', port: Alertmanager.PORT }]);

    const secretMounts = w?.urlSecretName !== undefined ? [{ name: 'webhook', mountPath: secretDir, readOnly: true }] : [];
    const secretVolumes: k8s.Volume[] = w?.urlSecretName !== undefined
      ? [{ name: 'webhook', secret: { secretName: w.urlSecretName, defaultMode: 0o440, items: [{ key: ALERTMANAGER_WEBHOOK_SECRET_KEY, path: ALERTMANAGER_WEBHOOK_SECRET_KEY }] } }]
      : [];
    this.addDeployment(name, hardenedPodSpec({
      serviceAccountName: name,
      uid: Alertmanager.UID,
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
        resources: this.resources,
        volumeMounts: [
          { name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true },
          { name: 'data', mountPath: '/alertmanager' },
          ...secretMounts,
        ],
      }],
      volumes: [{ name: 'config', configMap: { name: 'alertmanager-config' } }, emptyDir('data', '50Mi'), ...secretVolumes],
    }), { configHash: configHash(this.configText) });

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

}
