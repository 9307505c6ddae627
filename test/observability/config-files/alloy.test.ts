import { alloyConfig, lokiPushUrl } from '../../../lib/observability/config-files/alloy';
import { checkAlloy } from './alloy-check';

const LOKI = 'http://loki.logging.svc.cluster.local:3100';

describe('alloy structural checker', () => {
  it('flags broken text', () => {
    expect(checkAlloy('a "x" {\n  b = "unterminated\n}\n').errors.join('\n')).toMatch(/unterminated string/);
    expect(checkAlloy('a "x" {\n  b = [1, 2\n}\n').errors.join('\n')).toMatch(/unbalanced|unclosed/);
    expect(checkAlloy('a "x" {\n  forward_to = [b.c.d.receiver]\n}\n').errors.join('\n')).toMatch(/undefined component b\.c\.d/);
  });

  it('ignores references inside strings and comments', () => {
    const r = checkAlloy('// x.y.z.receiver\na "x" {\n  s = "q.r.s.receiver"\n}\n');
    expect(r.errors).toEqual([]);
    expect(r.references).toEqual([]);
  });
});

describe('alloyConfig (DaemonSet: pod logs only)', () => {
  const text = alloyConfig({ lokiUrl: LOKI, collectEvents: false });
  const check = checkAlloy(text);

  it('is structurally valid Alloy syntax with every referenced component defined', () => {
    expect(check.errors).toEqual([]);
    expect(check.components).toEqual([
      'discovery.kubernetes.pods',
      'discovery.relabel.pod_logs',
      'local.file_match.pod_logs',
      'loki.source.file.pod_logs',
      'loki.process.pod_logs',
      'loki.write.default',
    ]);
    expect(check.blocks).toEqual(['logging']);
    expect([...check.references].sort()).toEqual([
      'discovery.kubernetes.pods.targets',
      'discovery.relabel.pod_logs.output',
      'local.file_match.pod_logs.targets',
      'loki.process.pod_logs.receiver',
      'loki.write.default.receiver',
    ]);
  });

  it('discovers only the pods of its own node through a field selector', () => {
    expect(text).toMatch(/discovery\.kubernetes "pods" \{\n  role = "pod"/);
    expect(text).toContain('field = "spec.nodeName=" + sys.env("NODE_NAME")');
    // The deprecated top-level env() is not used.
    expect(check.code).not.toMatch(/(^|[^.])\benv\(/m);
  });

  it('produces namespace, pod, container, node and app labels and the CRI log path', () => {
    for (const [source, target] of [
      ['__meta_kubernetes_namespace', 'namespace'],
      ['__meta_kubernetes_pod_name', 'pod'],
      ['__meta_kubernetes_pod_container_name', 'container'],
      ['__meta_kubernetes_pod_node_name', 'node'],
      ['__meta_kubernetes_pod_label_app', 'app'],
      ['__meta_kubernetes_pod_label_app_kubernetes_io_name', 'app'],
    ]) {
      expect(text).toMatch(new RegExp(`source_labels = \\["${source}"\\]\\n(\\s+regex\\s+= "\\(\\.\\+\\)"\\n)?\\s+target_label\\s+= "${target}"`));
    }
    // app.kubernetes.io/name is applied after the legacy label, only when non-empty, so it wins.
    expect(text.indexOf('__meta_kubernetes_pod_label_app"')).toBeLessThan(text.indexOf('app_kubernetes_io_name'));
    expect(text).toContain('source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]');
    expect(text).toContain('replacement   = "/var/log/pods/*$1/*.log"');
    expect(text).toContain('target_label  = "__path__"');
  });

  it('finds static pods\' logs under their kubernetes.io/config.hash, not the mirror pod\'s UID', () => {
    const rule = text.slice(text.indexOf('__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_hash') - 30);
    expect(rule).toMatch(/^[^]*?source_labels = \["__meta_kubernetes_pod_annotationpresent_kubernetes_io_config_hash", "__meta_kubernetes_pod_annotation_kubernetes_io_config_hash", "__meta_kubernetes_pod_container_name"\]\n\s+separator\s+= "\/"\n\s+regex\s+= "true\/\(\.\+\)"\n\s+target_label\s+= "__path__"\n\s+replacement\s+= "\/var\/log\/pods\/\*\$1\/\*\.log"/);
    // It comes after the UID rule, so for a mirror pod it wins.
    expect(text.indexOf('config_hash')).toBeGreaterThan(text.indexOf('__meta_kubernetes_pod_uid'));
  });

  it('tails files, parses CRI, and writes to the Loki push endpoint', () => {
    expect(text).toContain('stage.cri {}');
    expect(text).toContain('values = ["filename"]');
    expect(text).toContain(`url = "${LOKI}/loki/api/v1/push"`);
    expect(text).not.toContain('kubernetes_events');
  });

  it('is deterministic', () => {
    expect(alloyConfig({ lokiUrl: LOKI, collectEvents: false })).toBe(text);
  });
});

describe('alloyConfig (events)', () => {
  it('adds exactly one kubernetes_events component when asked', () => {
    const text = alloyConfig({ lokiUrl: `${LOKI}/loki/api/v1/push`, collectEvents: true, clusterName: 'lab' });
    const check = checkAlloy(text);
    expect(check.errors).toEqual([]);
    expect(check.components).toContain('loki.source.kubernetes_events.cluster_events');
    expect(check.components).toContain('loki.source.file.pod_logs');
    expect(text.match(/loki\.source\.kubernetes_events "/g)).toHaveLength(1);
    expect(text).toContain('job_name   = "kubernetes-events"');
    expect(text).toContain('cluster = "lab",');
    expect(text).toContain(`url = "${LOKI}/loki/api/v1/push"`);
  });

  it('renders an events-only config for a single-replica Deployment', () => {
    const text = alloyConfig({ lokiUrl: LOKI, collectEvents: true, collectPodLogs: false, eventNamespaces: ['default', 'mysql'] });
    const check = checkAlloy(text);
    expect(check.errors).toEqual([]);
    expect(check.components).toEqual(['loki.source.kubernetes_events.cluster_events', 'loki.write.default']);
    expect(text).toContain('namespaces = ["default", "mysql"]');
    expect(text).not.toContain('/var/log/pods');
  });

  it('refuses a config that collects nothing and bad inputs', () => {
    expect(() => alloyConfig({ lokiUrl: LOKI, collectEvents: false, collectPodLogs: false })).toThrow(/nothing to collect/);
    expect(() => alloyConfig({ lokiUrl: 'loki:3100', collectEvents: false })).toThrow(/http/);
    expect(() => alloyConfig({ lokiUrl: LOKI, collectEvents: false, nodeNameEnv: 'NODE-NAME' })).toThrow(/environment variable/);
  });

  it('normalises the push URL', () => {
    expect(lokiPushUrl('http://loki:3100/')).toBe('http://loki:3100/loki/api/v1/push');
    expect(lokiPushUrl('http://loki:3100/loki/api/v1/push')).toBe('http://loki:3100/loki/api/v1/push');
  });
});
