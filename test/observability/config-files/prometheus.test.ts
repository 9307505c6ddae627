import { parse } from 'yaml';
import {
  CADVISOR_KEPT_METRICS,
  prometheusConfig,
  PROMETHEUS_JOB_NAMES,
  SERVICE_ACCOUNT_CA,
  SERVICE_ACCOUNT_TOKEN,
} from '../../../lib/observability/config-files/prometheus';

type Job = Record<string, any>;

const AM = 'http://alertmanager.monitoring.svc.cluster.local:9093';
const text = prometheusConfig({ nodeIps: [], alertmanagerUrl: AM });
const cfg = parse(text);
const jobs: Record<string, Job> = Object.fromEntries(cfg.scrape_configs.map((j: Job) => [j.job_name, j]));

function keepRegex(job: Job, sourceLabel: string): string | undefined {
  const rule = (job.relabel_configs ?? []).find(
    (r: Job) => r.action === 'keep' && r.source_labels?.length === 1 && r.source_labels[0] === sourceLabel,
  );
  return rule?.regex;
}

function targetLabels(job: Job): string[] {
  return (job.relabel_configs ?? []).filter((r: Job) => r.target_label && !r.target_label.startsWith('__')).map((r: Job) => r.target_label);
}

describe('prometheusConfig', () => {
  it('has every scrape job, once, in a fixed order', () => {
    expect(cfg.scrape_configs.map((j: Job) => j.job_name)).toEqual([...PROMETHEUS_JOB_NAMES]);
  });

  it('loads rule files and sends alerts to the Alertmanager URL', () => {
    expect(cfg.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
    expect(cfg.alerting.alertmanagers).toEqual([
      {
        scheme: 'http',
        api_version: 'v2',
        static_configs: [{ targets: ['alertmanager.monitoring.svc.cluster.local:9093'] }],
      },
    ]);
    expect(cfg.global).toEqual({ scrape_interval: '30s', scrape_timeout: '10s', evaluation_interval: '30s' });
  });

  it('scrapes the API server over https with the service account CA and token', () => {
    const j = jobs.apiserver;
    expect(j.scheme).toBe('https');
    expect(j.tls_config).toEqual({ ca_file: SERVICE_ACCOUNT_CA });
    expect(j.authorization).toEqual({ type: 'Bearer', credentials_file: SERVICE_ACCOUNT_TOKEN });
    expect(j.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['default'] } }]);
    expect(j.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
      regex: 'kubernetes;https',
      action: 'keep',
    });
  });

  it('scrapes kubelet and cAdvisor on the node role over https, with a documented insecure_skip_verify', () => {
    for (const [name, path] of [['kubelet', '/metrics'], ['cadvisor', '/metrics/cadvisor']]) {
      const j = jobs[name];
      expect(j.scheme).toBe('https');
      expect(j.metrics_path).toBe(path);
      expect(j.kubernetes_sd_configs).toEqual([{ role: 'node' }]);
      expect(j.tls_config).toEqual({ ca_file: SERVICE_ACCOUNT_CA, insecure_skip_verify: true });
      expect(j.authorization.credentials_file).toBe(SERVICE_ACCOUNT_TOKEN);
      expect(targetLabels(j)).toEqual(['node']);
    }
    expect(text).toMatch(/# kubeadm kubelets serve a self-signed certificate[^\n]*\n[^\n]*\n\s+ca_file:/);
    expect(jobs.cadvisor.metric_relabel_configs[0]).toEqual({
      source_labels: ['__name__'],
      regex: CADVISOR_KEPT_METRICS.join('|'),
      action: 'keep',
    });
    const verified = parse(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, kubeletInsecureSkipVerify: false }));
    expect(verified.scrape_configs[1].tls_config.insecure_skip_verify).toBe(false);
  });

  it('restricts every component job to its namespace and app label', () => {
    const expected: Array<[string, string, string, string]> = [
      ['node-exporter', 'node-agents', 'node-exporter', '9100'],
      ['kube-state-metrics', 'monitoring', 'kube-state-metrics', '8080'],
      ['kube-state-metrics-telemetry', 'monitoring', 'kube-state-metrics', '8081'],
      ['loki', 'logging', 'loki', '3100'],
      ['alloy', 'node-agents', 'alloy', '12345'],
      ['grafana', 'monitoring', 'grafana', '3000'],
      ['prometheus', 'monitoring', 'prometheus', '9090'],
      ['alertmanager', 'monitoring', 'alertmanager', '9093'],
    ];
    for (const [name, namespace, app, port] of expected) {
      const j = jobs[name];
      expect(j.kubernetes_sd_configs).toEqual([
        { role: 'pod', namespaces: { names: [namespace] }, selectors: [{ role: 'pod', label: `app.kubernetes.io/name=${app}` }] },
      ]);
      expect(keepRegex(j, '__meta_kubernetes_pod_label_app_kubernetes_io_name')).toBe(app);
      expect(keepRegex(j, '__meta_kubernetes_pod_container_port_number')).toBe(port);
    }
  });

  it('scrapes an offered job (the mysqld-exporter sidecars) by the port named "metrics" in its namespace, before the annotation jobs', () => {
    const offered = parse(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, offeredJobs: [{ job: 'mysql', namespace: 'mysql', app: 'mysql', port: 'metrics' }] }));
    const names = offered.scrape_configs.map((x: Job) => x.job_name);
    expect(names.slice(-3)).toEqual(['mysql', 'kubernetes-pods', 'kubernetes-service-endpoints']);
    const j = offered.scrape_configs.find((x: Job) => x.job_name === 'mysql');
    expect(j.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['mysql'] });
    expect(keepRegex(j, '__meta_kubernetes_pod_container_port_name')).toBe('metrics');
    expect(targetLabels(j)).toEqual(['namespace', 'pod', 'node']);
  });

  it('adds namespace/pod/node labels, except on kube-state-metrics which keeps its own (honor_labels)', () => {
    for (const name of ['node-exporter', 'loki', 'alloy', 'grafana', 'prometheus', 'alertmanager', 'kube-state-metrics-telemetry']) {
      expect(targetLabels(jobs[name])).toEqual(['namespace', 'pod', 'node']);
    }
    expect(jobs['kube-state-metrics'].honor_labels).toBe(true);
    expect(targetLabels(jobs['kube-state-metrics'])).toEqual([]);
  });

  it('honours prometheus.io annotations on pods and services, and skips platform components', () => {
    for (const [name, kind, role] of [
      ['kubernetes-pods', 'pod', 'pod'],
      ['kubernetes-service-endpoints', 'service', 'endpointslice'],
    ]) {
      const j = jobs[name];
      const ann = (a: string) => `__meta_kubernetes_${kind}_annotation_prometheus_io_${a}`;
      expect(j.kubernetes_sd_configs).toEqual([{ role }]);
      expect(keepRegex(j, ann('scrape'))).toBe('true');
      const rules = j.relabel_configs as Job[];
      expect(rules).toContainEqual({ source_labels: [ann('scheme')], regex: '(https?)', target_label: '__scheme__' });
      expect(rules).toContainEqual({ source_labels: [ann('path')], regex: '(.+)', target_label: '__metrics_path__' });
      expect(rules).toContainEqual({
        source_labels: ['__address__', ann('port')],
        regex: '([^:]+)(?::\\d+)?;(\\d+)',
        replacement: '$1:$2',
        target_label: '__address__',
      });
      expect(rules).toContainEqual({
        source_labels: [`__meta_kubernetes_${kind}_label_app_kubernetes_io_part_of`],
        regex: 'platform-kit',
        action: 'drop',
      });
      expect(targetLabels(j)).toEqual(expect.arrayContaining(['namespace', 'pod', 'node']));
      expect(j.fallback_scrape_protocol).toBe('PrometheusText0.0.4');
    }
    // The port rewrite regex works on host:port and bare host addresses.
    const re = new RegExp(`^${jobs['kubernetes-pods'].relabel_configs[5].regex}$`);
    expect('10.42.0.7:8080;9102'.replace(re, '$1:$2')).toBe('10.42.0.7:9102');
    expect('10.42.0.7;9102'.replace(re, '$1:$2')).toBe('10.42.0.7:9102');
  });

  it('scrapes node-exporter from static node IPs when given, with the IP as node label', () => {
    const c = parse(prometheusConfig({ nodeIps: ['10.0.0.12', '10.0.0.2', '10.0.0.12'], alertmanagerUrl: AM }));
    const j = c.scrape_configs.find((x: Job) => x.job_name === 'node-exporter');
    expect(j.static_configs).toEqual([{ targets: ['10.0.0.2:9100', '10.0.0.12:9100'] }]);
    expect(j.kubernetes_sd_configs).toBeUndefined();
    expect(j.relabel_configs).toEqual([
      { source_labels: ['__address__'], regex: '([^:]+):\\d+', target_label: 'node', replacement: '$1' },
    ]);
  });

  it('handles options and rejects bad input', () => {
    const c = parse(
      prometheusConfig({
        nodeIps: [],
        alertmanagerUrl: 'https://am.example.lan/alertmanager/',
        scrapeIntervalSeconds: 60,
        clusterName: 'lab',
        rulesDir: '/rules/',
      }),
    );
    expect(c.global).toEqual({ scrape_interval: '60s', scrape_timeout: '10s', evaluation_interval: '60s', external_labels: { cluster: 'lab' } });
    expect(c.alerting.alertmanagers[0]).toEqual({
      scheme: 'https',
      api_version: 'v2',
      static_configs: [{ targets: ['am.example.lan:443'] }],
      path_prefix: '/alertmanager',
    });
    expect(c.rule_files).toEqual(['/rules/*.yaml']);
    expect(() => prometheusConfig({ nodeIps: ['node-1'], alertmanagerUrl: AM })).toThrow(/IPv4/);
    expect(() => prometheusConfig({ nodeIps: [], alertmanagerUrl: 'alertmanager:9093' })).toThrow(/alertmanagerUrl/);
    expect(() => prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, scrapeIntervalSeconds: 1 })).toThrow(/scrapeInterval/);
  });

  it('writes no YAML anchors and is deterministic', () => {
    expect(text).not.toMatch(/[&*]a\d+/);
    expect(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM })).toBe(text);
  });

  it('limits annotation discovery to the given namespaces, and drops those jobs for an empty list', () => {
    // GIVEN two namespaces, unsorted and repeated WHEN rendered
    const only = parse(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, annotationNamespaces: ['team-b', 'team-a', 'team-b'] }));
    const byName = (c: any, n: string) => c.scrape_configs.find((j: Job) => j.job_name === n);
    // THEN both annotation jobs discover there only, sorted and once
    expect(byName(only, 'kubernetes-pods').kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['team-a', 'team-b'] } }]);
    expect(byName(only, 'kubernetes-service-endpoints').kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['team-a', 'team-b'] } }]);
    const none = parse(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, annotationNamespaces: [] }));
    expect(none.scrape_configs.map((j: Job) => j.job_name)).toEqual(PROMETHEUS_JOB_NAMES.filter((n) => !n.startsWith('kubernetes-')));
    expect(() => prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, annotationNamespaces: ['Team_A'] })).toThrow(/not a namespace name: "Team_A"/);
  });

  it('discovers Alloy in extra namespaces (the events collector)', () => {
    const c = parse(prometheusConfig({ nodeIps: [], alertmanagerUrl: AM, extraAlloyNamespaces: ['logging'] }));
    expect(c.scrape_configs.find((j: Job) => j.job_name === 'alloy').kubernetes_sd_configs[0].namespaces).toEqual({ names: ['node-agents', 'logging'] });
    expect(jobs.alloy.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['node-agents'] });
  });
});
