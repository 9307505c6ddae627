import { IngressEntry } from '../../lib/network/entry-point';
import { parse } from 'yaml';
import { NetworkPolicyEvaluator } from '../../lib/checks/network/evaluator';
import { CONFIG_HASH_ANNOTATION } from '../../lib/core/config-hash';
import { platformDashboards } from '../../lib/observability/config-files';
import { Grafana, GrafanaProps, MAX_DASHBOARD_BYTES } from '../../lib/observability/grafana';
import { find } from '../support/helpers';
import { backends, container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

function renderGrafana(props: Partial<GrafanaProps> = {}, more: (g: Grafana) => void = () => undefined): any[] {
  return render((chart) => {
    const { loki, prometheus } = backends(chart);
    more(new Grafana(chart, 'Grafana', { loki, prometheus, ...props }));
  });
}
const grafanaObjects = (objects: any[]) => objects.filter((o) => String(o.metadata.name).includes('grafana'));

describe('Grafana', () => {
  test('defaults (snapshot)', () => {
    // dashboards' JSON is pinned by its own tests; the snapshot keeps their ConfigMaps' names only
    const objects = grafanaObjects(renderGrafana()).map((o) => (o.kind === 'ConfigMap' && o.metadata.name.startsWith('grafana-dashboard-') && o.metadata.name !== 'grafana-dashboard-provider' ? { ...o, data: Object.keys(o.data) } : o));
    expect(objects).toMatchSnapshot();
  });

  test('datasources: Prometheus (default) and Loki at their Service URLs', () => {
    const ds = parse(find(renderGrafana(), 'ConfigMap', 'grafana-datasources').data['datasources.yaml']);
    expect(ds.datasources.map((d: any) => [d.type, d.url, d.isDefault])).toEqual([
      ['prometheus', 'http://prometheus.monitoring.svc:9090', true],
      ['loki', 'http://loki.logging.svc:3100', false],
    ]);
  });

  test('one ConfigMap per dashboard, each well under 256 KiB, all projected into the provider\'s directory', () => {
    // GIVEN defaults WHEN rendered
    const objects = renderGrafana();
    const files = Object.keys(platformDashboards());
    // THEN
    expect(files).toHaveLength(4);
    for (const file of files) {
      const cm = find(objects, 'ConfigMap', `grafana-dashboard-${file.replace('.json', '')}`, 'monitoring');
      expect(Object.keys(cm.data)).toEqual([file]);
      expect(Buffer.byteLength(JSON.stringify(cm), 'utf8')).toBeLessThan(MAX_DASHBOARD_BYTES);
      expect(JSON.parse(cm.data[file]).uid).toEqual(expect.any(String));
    }
    expect(MAX_DASHBOARD_BYTES).toBeLessThan(256 * 1024);
    const pod = podSpec(objects, 'Deployment', 'grafana');
    const projected = pod.volumes.find((v: any) => v.name === 'dashboards').projected.sources.map((s: any) => s.configMap.name);
    expect(projected).toEqual(files.map((f) => `grafana-dashboard-${f.replace('.json', '')}`));
    const provider = parse(find(objects, 'ConfigMap', 'grafana-dashboard-provider').data['dashboards.yaml']);
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'dashboards').mountPath;
    expect(provider.providers[0].options.path).toBe(mount);
  });

  test('admin credentials come from the existing Secret, read by Grafana from the mounted keys', () => {
    const objects = renderGrafana();
    const ini = find(objects, 'ConfigMap', 'grafana-config').data['grafana.ini'];
    expect(ini).toContain('admin_user = $__file{/etc/grafana/secrets/admin-user}');
    expect(ini).toContain('admin_password = $__file{/etc/grafana/secrets/admin-password}');
    expect(ini).toContain('root_url = https://grafana.lab.example/');
    expect(ini).toContain('preinstall_disabled = true');
    const pod = podSpec(objects, 'Deployment', 'grafana');
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'admin', secret: { secretName: 'grafana-admin', defaultMode: 0o440, items: [{ key: 'admin-user', path: 'admin-user' }, { key: 'admin-password', path: 'admin-password' }] } }]));
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: 'admin', mountPath: '/etc/grafana/secrets', readOnly: true }]));
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('one replica recreated in place, emptyDir database, restricted, no API token, health probes', () => {
    const objects = renderGrafana();
    const deploy = find(objects, 'Deployment', 'grafana', 'monitoring');
    const c = container(objects, 'Deployment', 'grafana');
    expect(deploy.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deploy.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(deploy.spec.template.spec.securityContext).toMatchObject({ runAsUser: 472, fsGroup: 472 });
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/var/lib/grafana' }]));
  });

  test('HTTPS Ingress on the host with the TLS Secret, and the ingress controller reaches the pods on 3000', () => {
    const objects = renderGrafana();
    const ingress = find(objects, 'Ingress', 'grafana', 'monitoring');
    expect(ingress.spec.tls).toEqual([{ hosts: ['grafana.lab.example'], secretName: 'grafana-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'grafana', port: { number: 3000 } });
    const evaluator = new NetworkPolicyEvaluator(objects.filter((o) => o.kind === 'NetworkPolicy'), [{ name: 'monitoring' }, { name: 'ingress-nginx' }]);
    const grafanaPod = { namespace: 'monitoring', name: 'grafana', labels: find(objects, 'Deployment', 'grafana').spec.template.metadata.labels };
    expect(evaluator.evaluate({ from: { pod: { namespace: 'ingress-nginx', name: 'controller', labels: {} } }, to: { pod: grafanaPod }, port: 3000 }).allowed).toBe(true);
  });

  test('queries Prometheus on 9090 and Loki on 3100: both sides written', () => {
    const objects = renderGrafana();
    expect(find(objects, 'NetworkPolicy', 'allow-grafana-to-prometheus-ingress', 'monitoring').spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
    expect(find(objects, 'NetworkPolicy', 'allow-grafana-to-loki-ingress', 'logging').spec.ingress[0].ports).toEqual([{ port: 3100, protocol: 'TCP' }]);
    expect(find(objects, 'NetworkPolicy', 'allow-grafana-to-loki-egress', 'monitoring').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' } });
  });

  test('addDashboard after construction: its own ConfigMap, projected, and the pod template changes', () => {
    const hash = (objects: any[]) => find(objects, 'Deployment', 'grafana').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    const before = renderGrafana();
    const after = renderGrafana({}, (g) => g.addDashboard('team-a.json', { uid: 'team-a', title: 'Team A', panels: [] }));
    expect(find(after, 'ConfigMap', 'grafana-dashboard-team-a').data['team-a.json']).toContain('"uid": "team-a"');
    expect(podSpec(after, 'Deployment', 'grafana').volumes.find((v: any) => v.name === 'dashboards').projected.sources).toContainEqual({ configMap: { name: 'grafana-dashboard-team-a' } });
    expect(hash(after)).not.toBe(hash(before));
  });

  test.each<[string, () => any[], RegExp]>([
    ['a dashboard file name that is not a label', () => renderGrafana({}, (g) => g.addDashboard('Team A.json', {})), /file "Team A.json" must be a lowercase DNS label/],
    ['a dashboard added twice', () => renderGrafana({}, (g) => g.addDashboard('logs.json', {})), /"logs.json" is added twice/],
    ['a dashboard over the size limit', () => renderGrafana({}, (g) => g.addDashboard('huge.json', { blob: 'x'.repeat(MAX_DASHBOARD_BYTES) })), /"huge.json" is \d+ KiB; keep each dashboard under 200 KiB .* split it/],
    ['a host without a domain', () => renderGrafana({ ingress: { host: 'grafana' } }), /host "grafana" is not a DNS name with a domain/],
  ])('%s is refused', (_name, build, message) => {
    expect(build).toThrow(message);
  });

  test('all props', () => {
    const props: Omit<Required<GrafanaProps>, 'loki' | 'prometheus'> = {
      namespace: 'dash', adminSecretName: 'grafana-creds', dashboards: { 'only.json': { uid: 'only', title: 'Only' } },
      ingress: { host: 'grafana.example.org', tlsSecretName: 'wildcard', className: 'ignored', controllerNamespace: 'ignored' },
      // An entry point given explicitly wins over ingress.className / controllerNamespace.
      entryPoint: new IngressEntry({ className: 'traefik', controllerNamespace: 'kube-system' }),
      image: { repository: 'mirror/grafana', tag: '12.4.3' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    };
    const objects = renderGrafana(props);
    const deploy = find(objects, 'Deployment', 'grafana', 'dash');
    expect(deploy.spec.template.spec.containers[0].image).toBe('mirror/grafana:12.4.3');
    expect(deploy.spec.template.spec.volumes.find((v: any) => v.name === 'admin').secret.secretName).toBe('grafana-creds');
    expect(deploy.spec.template.spec.volumes.find((v: any) => v.name === 'dashboards').projected.sources).toEqual([{ configMap: { name: 'grafana-dashboard-only' } }]);
    const ingress = find(objects, 'Ingress', 'grafana', 'dash');
    expect(ingress.spec).toMatchObject({ ingressClassName: 'traefik', tls: [{ hosts: ['grafana.example.org'], secretName: 'wildcard' }] });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-to-grafana-ingress', 'dash').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]);
  });
});
