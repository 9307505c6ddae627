import { parse } from 'yaml';
import { Alertmanager, AlertmanagerProps } from '../../lib/observability/alertmanager';
import { find } from '../support/helpers';
import { container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

const renderAm = (props?: AlertmanagerProps) => render((chart) => new Alertmanager(chart, 'Alertmanager', props));
const configOf = (objects: any[]) => parse(find(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']);

describe('Alertmanager', () => {
  test('defaults (snapshot)', () => {
    expect(renderAm()).toMatchSnapshot();
  });

  test('no receiver by default: the null receiver, and no egress besides DNS', () => {
    // GIVEN no webhook WHEN rendered
    const objects = renderAm();
    // THEN alerts go nowhere and no policy opens anything
    expect(configOf(objects).route.receiver).toBe('null');
    expect(configOf(objects).receivers).toEqual([{ name: 'null' }]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('one replica without gossip, state in an emptyDir, restricted, probes and port 9093', () => {
    const objects = renderAm();
    const c = container(objects, 'Deployment', 'alertmanager');
    expect(find(objects, 'Deployment', 'alertmanager', 'monitoring').spec.replicas).toBe(1);
    expect(c.args).toEqual(expect.arrayContaining(['--cluster.listen-address=', '--storage.path=/alertmanager']));
    expect(podSpec(objects, 'Deployment', 'alertmanager').volumes).toEqual(expect.arrayContaining([{ name: 'data', emptyDir: { sizeLimit: '50Mi' } }]));
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9093, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(find(objects, 'Service', 'alertmanager').spec.ports).toEqual([{ name: 'http', port: 9093, targetPort: 'http', protocol: 'TCP' }]);
    expect(find(objects, 'ServiceAccount', 'alertmanager').automountServiceAccountToken).toBe(false);
  });

  test('a webhook URL: webhook receiver, egress to its address and port only', () => {
    const objects = renderAm({ webhook: { url: 'http://10.10.10.50:9000/alerts', cidrs: ['10.10.10.50/32'], port: 9000 } });
    expect(configOf(objects).receivers).toEqual([{ name: 'webhook', webhook_configs: [{ send_resolved: true, url: 'http://10.10.10.50:9000/alerts' }] }]);
    const policy = find(objects, 'NetworkPolicy', 'allow-alertmanager-webhook-0-egress', 'monitoring');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.10.10.50/32' } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
  });

  test('a webhook URL from a Secret: url_file on the mounted key, never the URL in the ConfigMap', () => {
    const objects = renderAm({ webhook: { urlSecretName: 'am-webhook', cidrs: ['192.0.2.0/24'], port: 443 } });
    expect(configOf(objects).receivers[0].webhook_configs[0]).toEqual({ send_resolved: true, url_file: '/etc/alertmanager/secrets/url' });
    const pod = podSpec(objects, 'Deployment', 'alertmanager');
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'webhook', secret: { secretName: 'am-webhook', defaultMode: 0o440, items: [{ key: 'url', path: 'url' }] } }]));
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'webhook', mountPath: '/etc/alertmanager/secrets', readOnly: true }]));
  });

  test('a webhook needs exactly one URL source and at least one address', () => {
    expect(() => renderAm({ webhook: { cidrs: ['10.0.0.5/32'], port: 80 } })).toThrow(/webhook needs exactly one of url and urlSecretName/);
    expect(() => renderAm({ webhook: { url: 'http://a.example/', urlSecretName: 's', cidrs: ['10.0.0.5/32'], port: 80 } })).toThrow(/exactly one of url and urlSecretName/);
    expect(() => renderAm({ webhook: { url: 'http://a.example/', cidrs: [], port: 80 } })).toThrow(/webhook\.cidrs is empty; Alertmanager egress is default-deny/);
  });

  test('all props', () => {
    const props: Required<AlertmanagerProps> = {
      namespace: 'alerts', image: { repository: 'mirror/alertmanager', tag: 'v0.28.1' },
      webhook: { url: 'https://hooks.lab.example/x', cidrs: ['10.10.10.60/32'], port: 443 },
      resources: { requests: { cpu: '20m', memory: '48Mi' }, limits: { cpu: '200m', memory: '96Mi' } },
    };
    const objects = renderAm(props);
    const c = find(objects, 'Deployment', 'alertmanager', 'alerts').spec.template.spec.containers[0];
    expect(c.image).toBe('mirror/alertmanager:v0.28.1');
    expect(c.resources.requests).toEqual({ cpu: '20m', memory: '48Mi' });
    expect(find(objects, 'NetworkPolicy', 'allow-alertmanager-webhook-0-egress', 'alerts').spec.egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
  });
});
