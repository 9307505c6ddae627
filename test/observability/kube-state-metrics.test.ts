import { KUBE_STATE_METRICS_RESOURCES, KubeStateMetrics, KubeStateMetricsProps } from '../../lib/observability/kube-state-metrics';
import { METRICS_CATALOG } from '../../lib/observability/config-files';
import { find } from '../support/helpers';
import { API, container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

const renderKsm = (props: Partial<KubeStateMetricsProps> = {}) => render((chart) => new KubeStateMetrics(chart, 'KubeStateMetrics', { apiServer: API, ...props }));

/** kube_<object>_… → the collector that exports it. */
const COLLECTOR: Record<string, string> = {
  node: 'nodes', namespace: 'namespaces', pod: 'pods', deployment: 'deployments', statefulset: 'statefulsets', resourcequota: 'resourcequotas', cronjob: 'cronjobs',
};

describe('KubeStateMetrics', () => {
  test('defaults (snapshot)', () => {
    expect(renderKsm()).toMatchSnapshot();
  });

  test('least privilege: list/watch exactly the resources it is told to export', () => {
    // GIVEN defaults WHEN rendered
    const objects = renderKsm();
    const role = find(objects, 'ClusterRole', 'platform-kit-kube-state-metrics');
    const args: string[] = container(objects, 'Deployment', 'kube-state-metrics').args;
    // THEN the role's resources equal the --resources flag, and no verb beyond list/watch
    const granted = role.rules.flatMap((r: any) => r.resources.map((res: string) => ({ resource: res, apiGroup: r.apiGroups[0] })));
    expect(granted).toEqual(expect.arrayContaining([...KUBE_STATE_METRICS_RESOURCES]));
    expect(granted).toHaveLength(KUBE_STATE_METRICS_RESOURCES.length);
    expect(new Set(role.rules.flatMap((r: any) => r.verbs))).toEqual(new Set(['list', 'watch']));
    const flag = args.find((a) => a.startsWith('--resources='))!.slice('--resources='.length).split(',');
    expect(flag.sort()).toEqual(KUBE_STATE_METRICS_RESOURCES.map((r) => r.resource).sort());
  });

  test('every kube_* metric the rules and dashboards use comes from an enabled collector', () => {
    const enabled = new Set(KUBE_STATE_METRICS_RESOURCES.map((r) => r.resource));
    const used = METRICS_CATALOG.find((g) => g.exporter === 'kube-state-metrics')!.metrics.map((m) => m.name);
    expect(used.length).toBeGreaterThan(5);
    for (const metric of used) expect({ metric, collector: enabled.has(COLLECTOR[metric.split('_')[1]]) }).toEqual({ metric, collector: true });
  });

  test('metrics on 8080, telemetry on 8081, probes on both, restricted', () => {
    const objects = renderKsm();
    const c = container(objects, 'Deployment', 'kube-state-metrics');
    expect(c.ports).toEqual([
      { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'telemetry', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http-metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'telemetry' });
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(podSpec(objects, 'Deployment', 'kube-state-metrics')).toMatchObject({ automountServiceAccountToken: true, securityContext: { runAsUser: 65534 } });
    expect(find(objects, 'NetworkPolicy', 'allow-kube-state-metrics-apiserver-10-0-0-1-egress', 'monitoring').spec.egress[0].ports).toEqual([{ port: 6443, protocol: 'TCP' }]);
  });

  test('all props', () => {
    const props: Omit<Required<KubeStateMetricsProps>, 'apiServer'> = {
      namespace: 'metrics', image: { repository: 'mirror/ksm', tag: 'v2.16.0' },
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    };
    const objects = renderKsm(props);
    const c = find(objects, 'Deployment', 'kube-state-metrics', 'metrics').spec.template.spec.containers[0];
    expect(c.image).toBe('mirror/ksm:v2.16.0');
    expect(c.resources.limits).toEqual({ cpu: '200m', memory: '256Mi' });
    expect(find(objects, 'ClusterRoleBinding', 'platform-kit-kube-state-metrics').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: 'metrics' }]);
  });
});
