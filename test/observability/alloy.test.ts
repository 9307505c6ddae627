import { SECURITY_EXEMPTION } from '../../lib/checks/workload-checks';
import { Alloy, ALLOY_HTTP_PORT, ALLOY_ROOT_REASON, AlloyEvents, AlloyEventsProps, AlloyProps } from '../../lib/observability/alloy';
import { Loki } from '../../lib/observability/loki';
import { checkAlloy } from './config-files/alloy-check';
import { find } from '../support/helpers';
import { API, container, podSpec, render } from './fixtures';

function renderAlloy(props: Partial<AlloyProps> = {}): any[] {
  return render((chart) => {
    const loki = new Loki(chart, 'Loki');
    new Alloy(chart, 'Alloy', { loki, apiServer: API, ...props });
  });
}

function renderEvents(props: Partial<AlloyEventsProps> = {}): any[] {
  return render((chart) => {
    const loki = new Loki(chart, 'Loki');
    new AlloyEvents(chart, 'AlloyEvents', { loki, apiServer: API, ...props });
  });
}

const only = (objects: any[]) => objects.filter((o) => o.metadata.name !== 'loki' && o.metadata.name !== 'loki-config');

describe('Alloy (node log collector)', () => {
  test('defaults (snapshot)', () => {
    expect(only(renderAlloy())).toMatchSnapshot();
  });

  test('a DaemonSet on every node, control plane included, with the node name from the downward API', () => {
    // GIVEN defaults WHEN rendered
    const objects = renderAlloy();
    const pod = podSpec(objects, 'DaemonSet', 'alloy');
    // THEN it tolerates every taint and knows its node
    expect(find(objects, 'DaemonSet', 'alloy').metadata.namespace).toBe('node-agents');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(container(objects, 'DaemonSet', 'alloy').env).toEqual(expect.arrayContaining([{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }]));
  });

  test('reads /var/log/pods read-only as uid 0 with every capability dropped, and says why on the pod', () => {
    const objects = renderAlloy();
    const ds = find(objects, 'DaemonSet', 'alloy');
    const c = container(objects, 'DaemonSet', 'alloy');
    expect(ds.spec.template.metadata.annotations[SECURITY_EXEMPTION]).toBe(ALLOY_ROOT_REASON);
    expect(c.securityContext).toEqual({
      runAsNonRoot: false, runAsUser: 0, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'pod-logs', mountPath: '/var/log/pods', readOnly: true }]));
    const volumes = ds.spec.template.spec.volumes;
    expect(volumes).toEqual(expect.arrayContaining([
      { name: 'pod-logs', hostPath: { path: '/var/log/pods', type: 'Directory' } },
      { name: 'data', hostPath: { path: '/var/lib/platform-kit/alloy', type: 'DirectoryOrCreate' } },
    ]));
  });

  test('declares its metrics port and probes, and only reads pods through the API', () => {
    const objects = renderAlloy();
    const c = container(objects, 'DaemonSet', 'alloy');
    expect(c.ports).toEqual([{ name: 'http', containerPort: ALLOY_HTTP_PORT, protocol: 'TCP' }]);
    expect(ALLOY_HTTP_PORT).toBe(12345);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
    expect(find(objects, 'ClusterRole', 'platform-kit-alloy').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(objects, 'ClusterRoleBinding', 'platform-kit-alloy').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'node-agents' }]);
    expect(find(objects, 'ServiceAccount', 'alloy').automountServiceAccountToken).toBe(true);
  });

  test('its generated config pushes to Loki, tails pod logs and does not collect events', () => {
    const text = find(renderAlloy(), 'ConfigMap', 'alloy-config').data['config.alloy'];
    const check = checkAlloy(text);
    expect(check.errors).toEqual([]);
    expect(check.components).toEqual(expect.arrayContaining(['discovery.kubernetes.pods', 'loki.source.file.pod_logs', 'loki.write.default']));
    expect(check.components).not.toContain('loki.source.kubernetes_events.cluster_events');
    expect(text).toContain('"http://loki.logging.svc:3100/loki/api/v1/push"');
  });

  test('flows: to Loki on 3100 (both sides) and to the API server address on its port (egress only)', () => {
    const objects = renderAlloy();
    const toLoki = find(objects, 'NetworkPolicy', 'allow-alloy-to-loki-egress', 'node-agents');
    expect(toLoki.spec.egress[0].ports).toEqual([{ port: 3100, protocol: 'TCP' }]);
    expect(find(objects, 'NetworkPolicy', 'allow-alloy-to-loki-ingress', 'logging').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/instance': 'loki' } });
    const api = find(objects, 'NetworkPolicy', 'allow-alloy-apiserver-10-0-0-1-egress', 'node-agents');
    expect(api.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }]);
  });

  test('all props', () => {
    const props: Omit<Required<AlloyProps>, 'loki' | 'apiServer'> = {
      namespace: 'agents', podLogsPath: '/data/pods', positionsHostPath: '/data/alloy', clusterName: 'lab',
      image: { repository: 'mirror/alloy', tag: 'v1.17.0' },
      resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      auditLogDir: '/var/log/kubernetes/audit',
    };
    const objects = renderAlloy(props);
    const ds = find(objects, 'DaemonSet', 'alloy', 'agents');
    const c = ds.spec.template.spec.containers[0];
    expect(c.image).toBe('mirror/alloy:v1.17.0');
    expect(c.resources.requests).toEqual({ cpu: '50m', memory: '96Mi' });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'pod-logs', mountPath: '/data/pods', readOnly: true }, { name: 'audit-log', mountPath: '/var/log/kubernetes/audit', readOnly: true }]));
    expect(ds.spec.template.spec.volumes).toEqual(expect.arrayContaining([{ name: 'data', hostPath: { path: '/data/alloy', type: 'DirectoryOrCreate' } }]));
    const text = find(objects, 'ConfigMap', 'alloy-config', 'agents').data['config.alloy'];
    expect(text).toContain('/data/pods/*$1/*.log');
    expect(text).toMatch(/cluster\s*=\s*"lab"/);
  });
});

describe('AlloyEvents (cluster events collector)', () => {
  test('defaults (snapshot)', () => {
    expect(only(renderEvents())).toMatchSnapshot();
  });

  test('one replica, never two at once, restricted as the non-root alloy user, in logging', () => {
    const objects = renderEvents();
    const deploy = find(objects, 'Deployment', 'alloy-events', 'logging');
    expect(deploy.spec.replicas).toBe(1);
    expect(deploy.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deploy.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: AlloyEvents.UID });
    expect(deploy.spec.template.metadata.annotations[SECURITY_EXEMPTION]).toBeUndefined();
    expect(deploy.spec.template.spec.volumes.some((v: any) => v.hostPath)).toBe(false);
    // scraped by the same job as the DaemonSet: app.kubernetes.io/name alloy, another instance
    expect(deploy.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'alloy', 'app.kubernetes.io/instance': 'alloy-events' });
  });

  test('watches only events, collects only events', () => {
    const objects = renderEvents();
    expect(find(objects, 'ClusterRole', 'platform-kit-alloy-events').rules).toEqual([{ apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] }]);
    const check = checkAlloy(find(objects, 'ConfigMap', 'alloy-events-config').data['config.alloy']);
    expect(check.errors).toEqual([]);
    expect(check.components).toContain('loki.source.kubernetes_events.cluster_events');
    expect(check.components).not.toContain('loki.source.file.pod_logs');
    expect(find(objects, 'NetworkPolicy', 'allow-alloy-events-to-loki-ingress', 'logging').spec.ingress[0].ports).toEqual([{ port: 3100, protocol: 'TCP' }]);
  });

  test('all props', () => {
    const props: Omit<Required<AlloyEventsProps>, 'loki' | 'apiServer'> = {
      namespace: 'events', clusterName: 'lab', image: { repository: 'mirror/alloy', tag: 'v1.17.0' },
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '300m', memory: '256Mi' } },
    };
    const objects = renderEvents(props);
    const c = find(objects, 'Deployment', 'alloy-events', 'events').spec.template.spec.containers[0];
    expect(c.image).toBe('mirror/alloy:v1.17.0');
    expect(c.resources.limits).toEqual({ cpu: '300m', memory: '256Mi' });
    expect(find(objects, 'ConfigMap', 'alloy-events-config', 'events').data['config.alloy']).toMatch(/cluster\s*=\s*"lab"/);
  });
});
