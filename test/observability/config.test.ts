import { parseConfig } from '../../lib/config/load';
import { observabilityNamespaces, prometheusRetentionBytes, storageNodes, webhookEgress } from '../../lib/observability/config';
import { DEFAULT_RESOURCES } from '../../lib/observability/defaults';
import { defaultConfig, MINIMAL_CLUSTER, problemsOf } from '../support/helpers';


/** The lab's three nodes (one control plane, two 2 CPU / 2 GiB workers). */
const LAB_CLUSTER = `cluster:
  nodes:
    - { name: k8s-master, ip: 10.10.10.200, role: control-plane, cpu: "2", memory: 3Gi }
    - { name: k8s-node1, ip: 10.10.10.201, cpu: "2", memory: 2Gi }
    - { name: k8s-node2, ip: 10.10.10.202, cpu: "2", memory: 2Gi }
  nfs: { server: 10.10.10.101 }
`;

const withObs = (section: string) => `${MINIMAL_CLUSTER}observability:\n${section}`;

describe('observability: section defaults', () => {
  test('a platform.yaml without the section gets the whole stack with documented defaults', () => {
    // GIVEN a config without `observability:` WHEN loaded
    const obs = parseConfig(MINIMAL_CLUSTER).observability;
    // THEN every default is filled in
    expect(obs).toEqual({
      enabled: true,
      namespaces: { logging: 'logging', monitoring: 'monitoring', nodeAgents: 'node-agents' },
      storage: {
        storageClassName: 'local-storage',
        prometheus: { path: '/mnt/local-storage/prometheus', size: '10Gi' },
        loki: { path: '/mnt/local-storage/loki', size: '10Gi' },
      },
      loki: { retentionDays: 7, ingestionRateMb: 4, ingestionBurstSizeMb: 8, maxQuerySeries: 500, maxEntriesLimitPerQuery: 5000, resources: DEFAULT_RESOURCES.loki },
      alloy: { collectEvents: false, resources: DEFAULT_RESOURCES.alloy, eventsResources: DEFAULT_RESOURCES.alloyEvents },
      prometheus: { retention: '15d', scrapeIntervalSeconds: 30, tenantMetricsPortNames: ['metrics'], tenantMetricsPorts: [], resources: DEFAULT_RESOURCES.prometheus },
      alertmanager: { webhookCidrs: [], resources: DEFAULT_RESOURCES.alertmanager },
      grafana: { host: 'grafana.lab.example', tlsSecretName: 'grafana-tls', adminSecretName: 'grafana-admin', resources: DEFAULT_RESOURCES.grafana },
      nodeExporter: { resources: DEFAULT_RESOURCES.nodeExporter },
      kubeStateMetrics: { resources: DEFAULT_RESOURCES.kubeStateMetrics },
    });
    expect(prometheusRetentionBytes(obs)).toBe(8 * 2 ** 30);
    expect(webhookEgress(obs.alertmanager)).toBeUndefined();
    expect(observabilityNamespaces({ observability: obs })).toEqual(['logging', 'monitoring', 'node-agents']);
  });

  test('volumes default to schedulable nodes, apart when there are two, never the control plane', () => {
    const lab = defaultConfig();
    expect(storageNodes(lab.cluster, lab.observability.storage)).toEqual({ prometheus: 'k8s-node1', loki: 'k8s-node2' });
    const one = parseConfig(MINIMAL_CLUSTER);
    expect(storageNodes(one.cluster, one.observability.storage)).toEqual({ prometheus: 'w1', loki: 'w1' });
    // an explicit Loki node pushes Prometheus's default to the other worker
    const pinned = parseConfig(`${LAB_CLUSTER}observability:\n  storage:\n    loki: { node: k8s-node1 }\n`);
    expect(storageNodes(pinned.cluster, pinned.observability.storage)).toEqual({ prometheus: 'k8s-node2', loki: 'k8s-node1' });
  });

  test('disabled: no namespaces reserved or created', () => {
    const config = parseConfig(`${withObs('  enabled: false\n')}tenants:\n  - name: monitoring\n`);
    expect(observabilityNamespaces(config)).toEqual([]);
    expect(config.tenants.map((t) => t.name)).toEqual(['monitoring']);
  });

  test('a webhook on an IP address opens exactly that address and port', () => {
    const obs = parseConfig(withObs('  alertmanager:\n    webhookUrl: http://10.10.10.50:9000/alerts\n')).observability;
    expect(webhookEgress(obs.alertmanager)).toEqual({ cidrs: ['10.10.10.50/32'], port: 9000 });
    const https = parseConfig(withObs('  alertmanager:\n    webhookUrl: https://hooks.lab.example/x\n    webhookCidrs: [10.10.10.60/32]\n')).observability;
    expect(webhookEgress(https.alertmanager)).toEqual({ cidrs: ['10.10.10.60/32'], port: 443 });
  });
});

describe('observability: bad sections are refused with field, value and fix', () => {
  const CASES: Array<[string, string, RegExp]> = [
    ['a volume on a node that does not exist',
      withObs('  storage:\n    prometheus: { node: w9 }\n'),
      /^observability\.storage\.prometheus\.node: "w9" is not in cluster\.nodes \("cp", "w1"\); use one of the schedulable ones: "w1"\. \(line \d+\)$/],
    ['a volume on the tainted control plane',
      withObs('  storage:\n    loki: { node: cp }\n'),
      /^observability\.storage\.loki\.node: "cp" takes no ordinary pods \(a tainted control-plane node\); use one of "w1", or set `schedulable: true` on it in cluster\.nodes\. \(line \d+\)$/],
    ['both volumes in one directory of one node',
      withObs('  storage:\n    prometheus: { path: /data/tsdb }\n    loki: { path: /data/tsdb }\n'),
      /^observability\.storage\.loki\.path: "\/data\/tsdb" is also storage\.prometheus\.path on the same node \(w1\); give Loki a directory of its own/],
    ['a volume too small for a TSDB',
      withObs('  storage:\n    loki: { size: 500Mi }\n'),
      /^observability\.storage\.loki\.size: "500Mi" is less than 1Gi; .* \(e\.g\. "10Gi"\)\. \(line \d+\)$/],
    ['a volume size that is not a quantity',
      withObs('  storage:\n    prometheus: { size: ten gigs }\n'),
      /^observability\.storage\.prometheus\.size: "ten gigs" is not a Kubernetes quantity/],
    ['a relative volume path',
      withObs('  storage:\n    prometheus: { path: data/prometheus }\n'),
      /^observability\.storage\.prometheus\.path: "data\/prometheus" is not an absolute path/],
    ['a retention Prometheus cannot parse',
      withObs('  prometheus:\n    retention: 2 weeks\n'),
      /^observability\.prometheus\.retention: "2 weeks" is not a Prometheus duration; write a number and a unit .* e\.g\. "15d" or "4w"\. \(line \d+\)$/],
    ['a retention size that does not fit the volume',
      withObs('  prometheus:\n    retentionSize: 12Gi\n'),
      /^observability\.prometheus\.retentionSize: "12Gi" must be above 0 and below storage\.prometheus\.size \(10Gi\), .* use about 80% of it \("8Gi"\)\. \(line \d+\)$/],
    ['a misspelt key',
      withObs('  prometheus:\n    retension: 30d\n'),
      /^observability\.prometheus\.retension: unknown key "retension"; did you mean "retention"\?/],
    ['requests above limits',
      withObs('  grafana:\n    resources:\n      requests: { memory: 512Mi }\n'),
      /^observability\.grafana\.resources\.requests\.memory: "512Mi" is above limits\.memory \("384Mi"\); Kubernetes refuses such a pod — lower the request or raise the limit\. \(line \d+\)$/],
    ['a zero request',
      withObs('  alloy:\n    resources:\n      requests: { cpu: "0" }\n'),
      /^observability\.alloy\.resources\.requests\.cpu: "0" must be above 0/],
    ['a Grafana host without a domain',
      withObs('  grafana:\n    host: grafana\n'),
      /^observability\.grafana\.host: "grafana" is not a host name with a domain; use e\.g\. "grafana\.lab\.example"\. \(line \d+\)$/],
    ['two namespaces with one name',
      withObs('  namespaces:\n    nodeAgents: monitoring\n'),
      /^observability\.namespaces\.nodeAgents: "monitoring" is also namespaces\.monitoring; give each its own namespace/],
    ['a webhook URL and a webhook Secret',
      withObs('  alertmanager:\n    webhookUrl: http://10.0.0.50/x\n    webhookUrlSecretName: am-webhook\n'),
      /^observability\.alertmanager\.webhookUrlSecretName: set together with webhookUrl; keep only one/],
    ['a webhook on a host name without its addresses',
      withObs('  alertmanager:\n    webhookUrl: https://hooks.example.org/x\n'),
      /^observability\.alertmanager\.webhookCidrs: is empty and the webhook host is not an IP address, .* e\.g\. \["10\.10\.10\.50\/32"\]\. \(line \d+\)$/],
    ['a webhook Secret without a port',
      withObs('  alertmanager:\n    webhookUrlSecretName: am-webhook\n    webhookCidrs: [10.0.0.50/32]\n'),
      /^observability\.alertmanager\.webhookPort: is missing; with webhookUrlSecretName .* \(e\.g\. 443\)\. \(line \d+\)$/],
    ['a webhook address inside the pod network',
      withObs('  alertmanager:\n    webhookUrl: http://10.244.1.7:9000/\n'),
      /^observability\.alertmanager\.webhookCidrs\[0\]: "10\.244\.1\.7\/32" lies in the pod network 10\.244\.0\.0\/16; an in-cluster receiver is reached by a flow to its pods/],
    ['webhook addresses without a webhook',
      withObs('  alertmanager:\n    webhookCidrs: [10.0.0.50/32]\n'),
      /^observability\.alertmanager: webhookCidrs\/webhookPort are set but there is no webhook/],
    ['a webhook that is not HTTP',
      withObs('  alertmanager:\n    webhookUrl: ssh://10.0.0.50/\n'),
      /^observability\.alertmanager\.webhookUrl: "ssh:\/\/10\.0\.0\.50\/" is not an http\(s\) URL/],
    ['a tenant metrics port name that is not one',
      withObs('  prometheus:\n    tenantMetricsPortNames: [Metrics_Port]\n'),
      /^observability\.prometheus\.tenantMetricsPortNames\[0\]: "Metrics_Port" is not a container port name .* e\.g\. "metrics"\. \(line \d+\)$/],
    ['an ingestion burst below the rate',
      withObs('  loki:\n    ingestionRateMb: 10\n    ingestionBurstSizeMb: 5\n'),
      /^observability\.loki\.ingestionBurstSizeMb: 5 is below ingestionRateMb \(10\); .* \(e\.g\. 20\)\. \(line \d+\)$/],
    ['a retention of zero days',
      withObs('  loki:\n    retentionDays: 0\n'),
      /^observability\.loki\.retentionDays: 0 must be at least 1/],
    ['a tenant that takes an observability namespace',
      `${MINIMAL_CLUSTER}tenants:\n  - name: monitoring\n`,
      /^tenants\[0\]\.name: "monitoring" is reserved \(used by the observability section\)/],
  ];

  test.each(CASES)('%s', (_name, yaml, message) => {
    // GIVEN a config with one mistake WHEN loaded THEN exactly that problem is reported
    const problems = problemsOf(yaml);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('every problem at once', () => {
    const problems = problemsOf(withObs('  grafana:\n    host: grafana\n  prometheus:\n    retention: forever\n  storage:\n    loki: { node: cp }\n'));
    expect(problems).toHaveLength(3);
  });
});
