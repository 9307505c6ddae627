import { parse } from 'yaml';
import { Alertmanager } from '../../lib/observability/alertmanager';
import { CONFIG_HASH_ANNOTATION } from '../../lib/core/config-hash';
import { PROMETHEUS_IMAGE } from '../../lib/observability/config-files';
import { DEFAULT_PROMETHEUS } from '../../lib/observability/defaults';
import { Loki } from '../../lib/observability/loki';
import { KUBELET_PORT, Prometheus, PrometheusProps } from '../../lib/observability/prometheus';
import { Peers, Port } from '../../lib/network/peer';
import { find } from '../support/helpers';
import { API, container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

function renderProm(props: Partial<PrometheusProps> = {}, more: (p: Prometheus, chart: any) => void = () => undefined): any[] {
  return render((chart) => {
    const alertmanager = new Alertmanager(chart, 'Alertmanager');
    const p = new Prometheus(chart, 'Prometheus', { alertmanager, apiServer: API, ...props });
    more(p, chart);
  });
}
const ownObjects = (objects: any[]) => objects.filter((o) => !String(o.metadata.name).startsWith('alertmanager') || o.kind === 'NetworkPolicy');
const configOf = (objects: any[]) => parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
const jobOf = (objects: any[], name: string) => configOf(objects).scrape_configs.find((j: any) => j.job_name === name);
const hashOf = (objects: any[]) => find(objects, 'StatefulSet', 'prometheus').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

describe('Prometheus', () => {
  test('defaults (snapshot)', () => {
    expect(ownObjects(renderProm())).toMatchSnapshot();
  });

  test('a one-pod StatefulSet on a local-storage claim, retention 15d and 80% of the volume', () => {
    // GIVEN defaults WHEN rendered
    const objects = renderProm();
    const sts = find(objects, 'StatefulSet', 'prometheus', 'monitoring');
    const c = container(objects, 'StatefulSet', 'prometheus');
    // THEN
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' });
    expect(c.args).toEqual(expect.arrayContaining(['--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=8192MB']));
    expect(DEFAULT_PROMETHEUS).toMatchObject({ retention: '15d', retentionSizeRatio: 0.8, scrapeIntervalSeconds: 30, tenantMetricsPortNames: ['metrics'], tenantMetricsPorts: [] });
    expect(c.image).toBe(`${PROMETHEUS_IMAGE.repository}:${PROMETHEUS_IMAGE.tag}`);
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(podSpec(objects, 'StatefulSet', 'prometheus').securityContext).toMatchObject({ runAsUser: 65534, fsGroup: 65534 });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
  });

  test('read-only ClusterRole: discovery and the kubelet, get on /metrics, nothing that writes', () => {
    const objects = renderProm();
    expect(find(objects, 'ClusterRole', 'platform-kit-prometheus').rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    expect(find(objects, 'ServiceAccount', 'prometheus').automountServiceAccountToken).toBe(true);
  });

  test('the alert rules are mounted where the config loads them from, and alerts go to Alertmanager', () => {
    const objects = renderProm();
    const rules = parse(find(objects, 'ConfigMap', 'prometheus-rules').data['platform-kit.yaml']);
    expect(rules.groups.length).toBeGreaterThan(0);
    expect(configOf(objects).rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
    expect(container(objects, 'StatefulSet', 'prometheus').volumeMounts).toEqual(expect.arrayContaining([{ name: 'rules', mountPath: '/etc/prometheus/rules', readOnly: true }]));
    expect(configOf(objects).alerting.alertmanagers[0].static_configs).toEqual([{ targets: ['alertmanager.monitoring.svc:9093'] }]);
    const egress = find(objects, 'NetworkPolicy', 'allow-prometheus-to-alertmanager-egress', 'monitoring');
    expect(egress.spec.egress[0].ports).toEqual([{ port: 9093, protocol: 'TCP' }]);
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-to-alertmanager-ingress', 'monitoring').spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('alertmanager');
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-apiserver-10-0-0-1-egress').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '10.0.0.1/32' } }]);
  });

  test('scrapeNodes: node-exporter targets on the node addresses and one egress flow per node (kubelet + node-exporter)', () => {
    // GIVEN two nodes added after construction
    const objects = renderProm({}, (p) => p.scrapeNodes([{ name: 'w1', ip: '10.0.0.2' }, { name: 'w2', ip: '10.0.0.3' }], [Port.tcp(9100), Port.tcp(KUBELET_PORT)]));
    // THEN the config (rendered lazily) and the policies both know them
    expect(jobOf(objects, 'node-exporter').static_configs).toEqual([{ targets: ['10.0.0.2:9100', '10.0.0.3:9100'] }]);
    const policy = find(objects, 'NetworkPolicy', 'allow-prometheus-node-w1-egress', 'monitoring');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ port: 9100, protocol: 'TCP' }, { port: 10250, protocol: 'TCP' }] }]);
    expect(hashOf(objects)).not.toBe(hashOf(renderProm()));
  });

  test('scrapeAnnotatedPods: annotation discovery limited to those namespaces, ingress there on the metrics port names', () => {
    const objects = renderProm({}, (p) => {
      p.scrapeAnnotatedPods('team-a', [Port.tcp('metrics')]);
      p.scrapeAnnotatedPods('team-b', [Port.tcp('metrics'), Port.tcp(9102)]);
    });
    expect(jobOf(objects, 'kubernetes-pods').kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['team-a', 'team-b'] } }]);
    expect(jobOf(objects, 'kubernetes-service-endpoints').kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['team-a', 'team-b'] } }]);
    const ingress = find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-ns-team-b-ingress', 'team-b');
    expect(ingress.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }, { port: 9102, protocol: 'TCP' }] }],
    });
  });

  test('no annotated namespace: the two annotation jobs are left out', () => {
    const names = configOf(renderProm()).scrape_configs.map((j: any) => j.job_name);
    expect(names).not.toContain('kubernetes-pods');
    expect(names).toEqual(expect.arrayContaining(['apiserver', 'kubelet', 'cadvisor', 'node-exporter', 'kube-state-metrics', 'loki', 'alloy', 'grafana']));
    expect(names).not.toContain('mysql');
  });

  test('scrape(target) opens exactly the target\'s metrics ports, once', () => {
    expect(() => renderProm({}, (p, chart) => {
      const loki = new Loki(chart, 'Loki');
      p.scrape(loki);
      p.scrape(loki);
    })).toThrow(/a flow "Scrape-loki" is declared twice/);
    const objects = renderProm({}, (p, chart) => p.scrape(new Loki(chart, 'Loki')));
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-loki-ingress', 'logging').spec.ingress[0].ports).toEqual([{ port: 3100, protocol: 'TCP' }]);
  });

  test('scrapePods opens another unit\'s exporter by named port', () => {
    const objects = renderProm({}, (p) => p.scrapePods('mysql', Peers.pods('mysql', { app: 'mysql' }, 'mysql'), [Port.tcp('metrics')], 'exporter'));
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-mysql-ingress', 'mysql').spec.ingress[0].ports).toEqual([{ port: 'metrics', protocol: 'TCP' }]);
  });

  test.each<[string, Partial<PrometheusProps>, RegExp]>([
    ['a retention that is not a duration', { retention: '2 weeks' }, /retention "2 weeks" is not a Prometheus duration \(example: "15d"\)/],
    ['a retention size as big as the volume', { retentionSize: '10Gi' }, /retentionSize "10Gi" must be above 0 and below storageSize "10Gi"/],
    ['a storage size that is not a quantity', { storageSize: 'big' }, /storageSize "big" is not a positive quantity/],
  ])('%s is refused', (_name, props, message) => {
    expect(() => renderProm(props)).toThrow(message);
  });

  test('all props', () => {
    const props: Omit<Required<PrometheusProps>, 'alertmanager' | 'apiServer'> = {
      namespace: 'metrics', retention: '30d', retentionSize: '15Gi', scrapeIntervalSeconds: 60, storageSize: '20Gi', storageClassName: 'fast',
      componentNamespaces: { logging: 'logs' }, extraAlloyNamespaces: ['logging'], clusterName: 'lab',
      image: { repository: 'mirror/prometheus', tag: 'v3.5.5' },
      resources: { requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    };
    const objects = renderProm(props);
    const c = find(objects, 'StatefulSet', 'prometheus', 'metrics').spec.template.spec.containers[0];
    expect(c.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=30d', '--storage.tsdb.retention.size=15360MB']));
    expect(c.image).toBe('mirror/prometheus:v3.5.5');
    expect(c.env).toEqual([{ name: 'GOMEMLIMIT', value: '1843MiB' }]);
    const config = configOf(objects);
    expect(config.global).toMatchObject({ scrape_interval: '60s', external_labels: { cluster: 'lab' } });
    expect(jobOf(objects, 'loki').kubernetes_sd_configs[0].namespaces.names).toEqual(['logs']);
    expect(jobOf(objects, 'alloy').kubernetes_sd_configs[0].namespaces.names).toEqual(['node-agents', 'logging']);
    expect(find(objects, 'StatefulSet', 'prometheus').spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
  });

  test('rule groups offered by other parts land in the rules file after ours, and change the config hash', () => {
    // GIVEN a group added after construction WHEN synthesized THEN the rules ConfigMap ends with it
    const group = { name: 'platform-kit.test', rules: [{ alert: 'T', expr: 'vector(1)', for: '1m', labels: { severity: 'warning' as const }, annotations: { summary: 's', description: 'd' } }] };
    const objects = renderProm({}, (p) => p.addRuleGroups([group]));
    const rules = parse(find(objects, 'ConfigMap', 'prometheus-rules').data['platform-kit.yaml']);
    expect(rules.groups[rules.groups.length - 1]).toEqual(group);
    expect(hashOf(objects)).not.toBe(hashOf(renderProm()));
    // AND a group name used twice is refused
    expect(() => renderProm({}, (p) => p.addRuleGroups([group, group]))).toThrow(/rule group "platform-kit.test" exists already/);
    expect(() => renderProm({}, (p) => p.addRuleGroups([{ ...group, name: 'platform-kit.mysql' }]))).toThrow(/rule group "platform-kit.mysql" exists already/);
  });
});
