import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { checkCapacity } from '../../lib/checks/capacity';
import { checkFlows } from '../../lib/checks/flow-checks';
import { Endpoint } from '../../lib/checks/network/evaluator';
import { checkContainerHygiene, checkPodSecurityLevels, checkQuotaFit } from '../../lib/checks/workload-checks';
import { parseConfig } from '../../lib/config/load';
import { parseQuantity } from '../../lib/core/quantity';
import { Flow } from '../../lib/network/flow';
import { Peers, Port } from '../../lib/network/peer';
import { buildPlatform, buildPlatformWith } from '../../lib/pipeline/build-platform';
import { synthesize } from '../../lib/pipeline/synthesize';
import { collectObjects, synthesizeObjects } from '../../lib/output/synthesized';
import { definePart } from '../../lib/parts/platform-part';
import { unitFilePrefix } from '../../lib/output/layout';
import { Prometheus } from '../../lib/observability/prometheus';
import { NODE_AGENTS_PRIVILEGED_REASON, OBSERVABILITY_UNIT, observabilityPart, POD_SECURITY_REASON_ANNOTATION } from '../../lib/observability/part';
import { tenancyPart } from '../../lib/tenancy/part';
import { asObjects, defaultConfig, find, goodDeployment, manifestsOf, MINIMAL_CLUSTER, ROOT, synthDefault } from '../support/helpers';
import { evaluatorOf, podOf } from '../support/flows';

/** What every file of the unit's path starts with (`30-observability.`). */
const PREFIX = unitFilePrefix(OBSERVABILITY_UNIT.folder);

/** The observability objects of the default synth. */
function stackObjects(): any[] {
  return synthDefault().files.filter((f) => f.path.startsWith(PREFIX)).flatMap((f) => f.objects.map((o) => o.manifest));
}

describe('the default platform.yaml deploys the whole stack', () => {
  test('the default synth passes every check and prints the capacity table', () => {
    // GIVEN the embedded platform.yaml (no observability: key) WHEN synthesized (it throws on any failed check)
    const result = synthDefault();
    // THEN
    expect(result.report[0]).toMatch(/^Capacity \(requests; allocatable = node size - reservedPerNode/);
    expect(result.report.find((l) => l.includes('k8s-master'))).toMatch(/no ordinary pods/);
  });

  test('every component is there, by kind and name', () => {
    const objects = stackObjects();
    const expected: Array<[string, string, string?]> = [
      ['Namespace', 'logging'], ['Namespace', 'monitoring'], ['Namespace', 'node-agents'],
      ['StorageClass', 'local-storage'], ['PersistentVolume', 'prometheus-k8s-node1'], ['PersistentVolume', 'loki-k8s-node2'],
      ['StatefulSet', 'loki', 'logging'], ['DaemonSet', 'alloy', 'node-agents'], ['DaemonSet', 'node-exporter', 'node-agents'],
      ['Deployment', 'kube-state-metrics', 'monitoring'], ['Deployment', 'alertmanager', 'monitoring'],
      ['StatefulSet', 'prometheus', 'monitoring'], ['Deployment', 'grafana', 'monitoring'],
      ['ResourceQuota', 'namespace-quota', 'logging'], ['ResourceQuota', 'namespace-quota', 'monitoring'], ['ResourceQuota', 'namespace-quota', 'node-agents'],
    ];
    for (const [kind, name, ns] of expected) expect(find(objects, kind, name, ns).kind).toBe(kind);
    // the events collector is off by default
    expect(objects.filter((o) => o.metadata.name === 'alloy-events')).toEqual([]);
    // AND Grafana's host is served by the platform Gateway (its HTTPRoute sits with the Gateway, in needs-gateway-api)
    expect(find(manifestsOf(synthDefault()), 'HTTPRoute', 'grafana', 'monitoring').spec.hostnames).toEqual(['grafana.lab.example']);
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('files: cluster-scoped first, the namespaces\' policies and quotas before any workload', () => {
    const paths = synthDefault().files.map((f) => f.path).filter((p) => p.startsWith(PREFIX));
    expect(paths).toEqual([
      '00-cluster-scoped.yaml', '10-logging.yaml', '11-monitoring.yaml', '12-node-agents.yaml', '13-loki.yaml', '14-alloy.yaml',
      '15-node-exporter.yaml', '16-kube-state-metrics.yaml', '17-alertmanager.yaml', '18-prometheus.yaml', '19-grafana.yaml',
    ].map((f) => `${PREFIX}${f}`));
  });

  test('local volumes are pinned to the workers and pre-bound to the StatefulSets\' claims', () => {
    const objects = stackObjects();
    expect(find(objects, 'PersistentVolume', 'prometheus-k8s-node1').spec.claimRef).toEqual({ namespace: 'monitoring', name: 'storage-prometheus-0' });
    expect(find(objects, 'PersistentVolume', 'loki-k8s-node2').spec.claimRef).toEqual({ namespace: 'logging', name: 'storage-loki-0' });
    expect(find(objects, 'StatefulSet', 'prometheus').spec.volumeClaimTemplates[0].metadata.name).toBe('storage');
  });

  test('Pod Security: logging and monitoring restricted; node-agents privileged with audit restricted, warn at enforce (no warning on every apply), and the reason', () => {
    const objects = stackObjects();
    const labels = (ns: string) => find(objects, 'Namespace', ns).metadata.labels;
    for (const ns of ['logging', 'monitoring']) {
      expect(labels(ns)).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    }
    expect(labels('node-agents')).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'privileged', 'pod-security.kubernetes.io/audit': 'restricted' });
    expect(find(objects, 'Namespace', 'node-agents').metadata.annotations).toEqual({ [POD_SECURITY_REASON_ANNOTATION]: NODE_AGENTS_PRIVILEGED_REASON });
    // only the two node agents live there
    expect(objects.filter((o) => o.metadata.namespace === 'node-agents' && ['DaemonSet', 'Deployment', 'StatefulSet'].includes(o.kind)).map((o) => o.metadata.name).sort()).toEqual(['alloy', 'node-exporter']);
  });

  test('every component pod declares its metrics port and carries app.kubernetes.io/name', () => {
    const objects = stackObjects();
    const metrics: Array<[string, string, number]> = [
      ['StatefulSet', 'loki', 3100], ['DaemonSet', 'alloy', 12345], ['DaemonSet', 'node-exporter', 9100], ['Deployment', 'kube-state-metrics', 8080],
      ['Deployment', 'kube-state-metrics', 8081], ['Deployment', 'alertmanager', 9093], ['StatefulSet', 'prometheus', 9090], ['Deployment', 'grafana', 3000],
    ];
    for (const [kind, name, port] of metrics) {
      const tpl = find(objects, kind, name).spec.template;
      expect(tpl.metadata.labels['app.kubernetes.io/name']).toBe(name === 'alloy' ? 'alloy' : name);
      expect({ name, ports: tpl.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.containerPort)) }).toEqual({ name, ports: expect.arrayContaining([port]) });
    }
  });

  test('Prometheus scrapes node-exporter on every node address and annotated pods in the tenants only', () => {
    const config = parse(find(stackObjects(), 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    const job = (n: string) => config.scrape_configs.find((j: any) => j.job_name === n);
    expect(job('node-exporter').static_configs).toEqual([{ targets: ['10.10.10.200:9100', '10.10.10.201:9100', '10.10.10.202:9100'] }]);
    expect(job('kubernetes-pods').kubernetes_sd_configs[0].namespaces.names).toEqual(['demo', 'dwayne']);
  });
});

describe('network: the flows hold, and only they', () => {
  test('the Gateway\'s proxy pods reach Grafana on its port (and nothing else of the stack)', () => {
    // GIVEN the synthesized policies and a pod of the Gateway's proxy (gateway.proxy of the default platform.yaml)
    const objects = stackObjects();
    const evaluator = evaluatorOf(objects);
    const controller: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'ngf', labels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } } };
    // WHEN / THEN
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'Deployment', 'grafana', 'monitoring') }, port: 3000 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'StatefulSet', 'prometheus', 'monitoring') }, port: 9090 }).allowed).toBe(false);
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'StatefulSet', 'loki', 'logging') }, port: 3100 }).allowed).toBe(false);
    // AND another pod of that namespace does not reach Grafana
    const other: Endpoint = { pod: { namespace: 'nginx-gateway', name: 'other', labels: { app: 'other' } } };
    expect(evaluator.evaluate({ from: other, to: { pod: podOf(objects, 'Deployment', 'grafana', 'monitoring') }, port: 3000 }).allowed).toBe(false);
  });

  test('with gateway.enabled: false, the ingress controller namespace reaches Grafana through its Ingress (and nothing else of the stack)', () => {
    // GIVEN the default platform.yaml on the Ingress path, synthesized, and a pod in the controller's namespace
    const text = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8').replace(/^gateway:\n  enabled: true/m, 'gateway:\n  enabled: false');
    const objects = synthesize(parseConfig(text)).files.filter((f) => f.path.startsWith(PREFIX)).flatMap((f) => f.objects.map((o) => o.manifest));
    expect(find(objects, 'Ingress', 'grafana', 'monitoring').spec.rules[0].host).toBe('grafana.lab.example');
    const evaluator = evaluatorOf(objects);
    const controller: Endpoint = { pod: { namespace: 'ingress-nginx', name: 'ingress-nginx-controller', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } } };
    // WHEN / THEN
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'Deployment', 'grafana', 'monitoring') }, port: 3000 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'StatefulSet', 'prometheus', 'monitoring') }, port: 9090 }).allowed).toBe(false);
    expect(evaluator.evaluate({ from: controller, to: { pod: podOf(objects, 'StatefulSet', 'loki', 'logging') }, port: 3100 }).allowed).toBe(false);
  });

  test('a pod in a tenant namespace cannot reach Prometheus, Loki, Alertmanager or Grafana', () => {
    // GIVEN every policy of the default platform (the tenant's baseline included) and any pod of tenant dwayne
    const objects = manifestsOf(synthDefault());
    const evaluator = evaluatorOf(objects);
    const tenantPod: Endpoint = { pod: { namespace: 'dwayne', name: 'any', labels: { app: 'anything' } } };
    const targets: Array<[string, string, string, number]> = [
      ['StatefulSet', 'prometheus', 'monitoring', 9090], ['StatefulSet', 'loki', 'logging', 3100],
      ['Deployment', 'alertmanager', 'monitoring', 9093], ['Deployment', 'grafana', 'monitoring', 3000],
    ];
    // WHEN it connects to each component's port THEN nothing lets it in
    for (const [kind, name, ns, port] of targets) {
      const verdict = evaluator.evaluate({ from: tenantPod, to: { pod: podOf(objects, kind, name, ns) }, port });
      expect({ name, allowed: verdict.allowed }).toEqual({ name, allowed: false });
    }
  });

  test('Prometheus reaches a tenant pod on its port named "metrics", not on any other port', () => {
    const objects = manifestsOf(synthDefault());
    const evaluator = evaluatorOf(objects);
    const prometheus: Endpoint = { pod: podOf(objects, 'StatefulSet', 'prometheus', 'monitoring') };
    const app = { namespace: 'dwayne', name: 'app', labels: { app: 'x' }, ports: [{ name: 'metrics', containerPort: 9102 }, { name: 'http', containerPort: 8080 }] };
    expect(evaluator.evaluate({ from: prometheus, to: { pod: app }, port: 9102 }).allowed).toBe(true);
    expect(evaluator.evaluate({ from: prometheus, to: { pod: app }, port: 8080 }).allowed).toBe(false);
  });

  test('the stack\'s own paths: collector → Loki, Grafana → Prometheus and Loki, Prometheus → nodes and the API server', () => {
    const objects = stackObjects();
    const evaluator = evaluatorOf(objects);
    const pod = (kind: string, name: string, ns: string): Endpoint => ({ pod: podOf(objects, kind, name, ns) });
    const allowed = (from: Endpoint, to: Endpoint, port: number) => evaluator.evaluate({ from, to, port }).allowed;
    expect(allowed(pod('DaemonSet', 'alloy', 'node-agents'), pod('StatefulSet', 'loki', 'logging'), 3100)).toBe(true);
    expect(allowed(pod('Deployment', 'grafana', 'monitoring'), pod('StatefulSet', 'prometheus', 'monitoring'), 9090)).toBe(true);
    expect(allowed(pod('Deployment', 'grafana', 'monitoring'), pod('StatefulSet', 'loki', 'logging'), 3100)).toBe(true);
    expect(allowed(pod('StatefulSet', 'prometheus', 'monitoring'), { ip: '10.10.10.201' }, 9100)).toBe(true);
    expect(allowed(pod('StatefulSet', 'prometheus', 'monitoring'), { ip: '10.10.10.201' }, 10250)).toBe(true);
    expect(allowed(pod('StatefulSet', 'prometheus', 'monitoring'), { ip: '10.10.10.200' }, 6443)).toBe(true);
    expect(allowed(pod('StatefulSet', 'prometheus', 'monitoring'), { ip: '10.10.10.201' }, 22)).toBe(false);
    expect(allowed(pod('StatefulSet', 'loki', 'logging'), { ip: '10.10.10.200' }, 6443)).toBe(false);
    expect(allowed(pod('Deployment', 'grafana', 'monitoring'), { ip: '10.10.10.200' }, 6443)).toBe(false);
    expect(allowed(pod('DaemonSet', 'alloy', 'node-agents'), { ip: '10.10.10.200' }, 6443)).toBe(true);
    expect(allowed(pod('Deployment', 'kube-state-metrics', 'monitoring'), { ip: '10.10.10.200' }, 6443)).toBe(true);
    // Loki has no egress beyond DNS
    expect(allowed(pod('StatefulSet', 'loki', 'logging'), pod('StatefulSet', 'prometheus', 'monitoring'), 9090)).toBe(false);
  });

  test('the flow check over the whole default platform finds nothing', () => {
    const config = defaultConfig();
    const app = buildPlatform(config);
    expect(checkFlows(synthesizeObjects(app), Flow.all(app), config.cluster.podCidr)).toEqual([]);
  });
});

describe('resources: the stack fits the lab next to MySQL and the apps', () => {
  const workers = 2;

  test('the stack requests at most ~700m CPU and ~900Mi on the two workers together', () => {
    let cpu = 0;
    let memory = 0;
    for (const o of stackObjects().filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind))) {
      const count = o.kind === 'DaemonSet' ? workers : o.spec.replicas;
      for (const c of o.spec.template.spec.containers) {
        cpu += count * parseQuantity(c.resources.requests.cpu);
        memory += count * parseQuantity(c.resources.requests.memory);
      }
    }
    expect(cpu).toBeLessThanOrEqual(0.7);
    expect(memory).toBeLessThanOrEqual(900 * 2 ** 20);
  });

  test('with MySQL (3 × 250m/320Mi) and a 2-replica web app the capacity check passes', () => {
    // GIVEN only the stack's objects plus stand-ins for the other units
    const mysql = goodDeployment({ name: 'mysql', namespace: 'mysql', replicas: 3, container: { resources: { requests: { cpu: '250m', memory: '320Mi' }, limits: { cpu: '1', memory: '512Mi' } } } });
    const web = goodDeployment({ name: 'web', namespace: 'dwayne', replicas: 2 });
    // WHEN
    const result = checkCapacity(asObjects([...stackObjects(), mysql, web]), defaultConfig().cluster);
    // THEN
    expect(result.problems).toEqual([]);
  });

  test('every namespace quota fits its workloads, and every container its LimitRange', () => {
    const objects = asObjects(stackObjects());
    expect(checkQuotaFit(objects, 3)).toEqual([]);
    expect(checkPodSecurityLevels(objects)).toEqual([]);
    expect(checkContainerHygiene(objects)).toEqual([]);
  });
});

describe('the observability part', () => {
  test('its typed output lets an extension add a scrape namespace and a dashboard', () => {
    // GIVEN tenancy and observability built, and an extension that uses the stack's typed output
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: team-a\n  - name: apps\n`);
    const built = buildPlatformWith(config, {
      parts: [tenancyPart, observabilityPart],
      extend: ({ outputOf }) => {
        const stack = outputOf(observabilityPart)!;
        expect(stack.prometheus).toBeInstanceOf(Prometheus);
        stack.grafana.addDashboard('apps.json', { uid: 'apps', title: 'Apps' });
      },
    });
    // THEN the config and policies follow: tenants are discovered by annotation (offered by tenancy)
    const objects = synthesizeObjects(built.app).map((o) => o.manifest);
    const promConfig = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(promConfig.scrape_configs.find((j: any) => j.job_name === 'kubernetes-pods').kubernetes_sd_configs[0].namespaces.names).toEqual(['apps', 'team-a']);
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-ns-apps-ingress', 'apps').kind).toBe('NetworkPolicy');
    expect(find(objects, 'ConfigMap', 'grafana-dashboard-apps', 'monitoring').kind).toBe('ConfigMap');
    expect(built.outputOf(observabilityPart)?.loki.url).toBe('http://loki.logging.svc:3100');
  });

  test('disabled: no chart and no output', () => {
    const config = parseConfig(`${MINIMAL_CLUSTER}observability:\n  enabled: false\n`);
    const built = buildPlatformWith(config, { parts: [observabilityPart] });
    expect(built.app.node.children).toEqual([]);
    expect(built.outputOf(observabilityPart)).toBeUndefined();
  });

  test('it scrapes what other parts offer, and knows nothing of MySQL', () => {
    // GIVEN a part of a test's own that offers one scrape target in its namespace
    const exporterPart = definePart({
      key: 'exporterDemo',
      schema: { type: 'object', default: {} },
      namespaces: () => ['demo-db'],
      build: () => undefined,
      offers: () => ({
        scrapeTargets: [{ job: 'demo-db', pods: Peers.pods('demo-db', { 'app.kubernetes.io/name': 'demo-db' }, 'demo-db'), app: 'demo-db', port: Port.tcp(9187), description: 'Prometheus scrapes demo-db' }],
      }),
    });
    const parts = [tenancyPart, exporterPart, observabilityPart];
    const app = buildPlatform(parseConfig(MINIMAL_CLUSTER, 'platform.yaml', { parts }) as any, { parts });
    const objects = collectObjects(app).map((o) => o.manifest);
    // THEN the offered job is in prometheus.yml and the flow's egress side opens exactly that port
    const promConfig = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    const job = promConfig.scrape_configs.find((j: any) => j.job_name === 'demo-db');
    expect(job.kubernetes_sd_configs[0].namespaces.names).toEqual(['demo-db']);
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-demo-db-egress', 'monitoring').spec.egress[0].ports).toEqual([{ port: 9187, protocol: 'TCP' }]);
    expect(promConfig.scrape_configs.some((j: any) => j.job_name === 'mysql')).toBe(false);
  });

  test('mysql disabled and a tenant named mysql: no "Prometheus scrapes the MySQL exporter" policy anywhere', () => {
    // GIVEN the bug of issue 8: MySQL off, and a tenant that happens to be called mysql
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: mysql\nmysql:\n  enabled: false\n`);
    // WHEN synthesized
    const objects = manifestsOf(synthesize(config));
    // THEN no policy mentions the MySQL exporter, and prometheus.yml has no mysql job
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && /MySQL exporter/.test(o.metadata.annotations?.['platform-kit.io/flow'] ?? ''))).toEqual([]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-prometheus-scrape-mysql'))).toEqual([]);
    const promConfig = parse(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
    expect(promConfig.scrape_configs.map((j: any) => j.job_name)).not.toContain('mysql');
  });

  test('in the default platform Prometheus reaches the MySQL exporter\'s named port (offered by the MySQL part)', () => {
    const objects = manifestsOf(synthDefault());
    const ingress = find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-mysql-ingress', 'mysql');
    expect(ingress.spec.ingress[0].ports).toEqual([{ port: 'metrics', protocol: 'TCP' }]);
    const mysqlPods = objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.namespace === 'mysql');
    expect(mysqlPods.some((o) => o.spec.template.spec.containers.some((c: any) => (c.ports ?? []).some((p: any) => p.name === 'metrics')))).toBe(true);
  });

  test('events collector and a webhook: the synth still passes every check', () => {
    // GIVEN the optional parts switched on WHEN synthesized (throws on a failed check)
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql:\n  enabled: false\napps: []\nobservability:\n  alloy: { collectEvents: true }\n  alertmanager:\n    webhookUrl: http://10.0.0.50:9000/alerts\n`);
    const objects = manifestsOf(synthesize(config));
    // THEN the events collector runs in logging, is scraped, and Alertmanager may reach exactly the webhook
    expect(find(objects, 'Deployment', 'alloy-events', 'logging').spec.replicas).toBe(1);
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-scrape-alloy-events-ingress', 'logging').kind).toBe('NetworkPolicy');
    expect(find(objects, 'NetworkPolicy', 'allow-alertmanager-webhook-0-egress', 'monitoring').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.50/32' } }], ports: [{ port: 9000, protocol: 'TCP' }] });
  });
});
