import { checkPodSecurity } from '../../lib/checks/pod-security';
import { NODE_EXPORTER_IMAGE } from '../../lib/observability/config-files';
import { SECURITY_EXEMPTION } from '../../lib/checks/workload-checks';
import { NODE_EXPORTER_HOST_REASON, NodeExporter, NodeExporterProps } from '../../lib/observability/node-exporter';
import { find } from '../support/helpers';
import { container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

const renderExporter = (props?: NodeExporterProps) => render((chart) => new NodeExporter(chart, 'NodeExporter', props));

describe('NodeExporter', () => {
  test('defaults (snapshot)', () => {
    expect(renderExporter()).toMatchSnapshot();
  });

  test('every node, host network and PID, listening on the node address only', () => {
    // GIVEN defaults WHEN rendered
    const objects = renderExporter();
    const pod = podSpec(objects, 'DaemonSet', 'node-exporter');
    const c = container(objects, 'DaemonSet', 'node-exporter');
    // THEN
    expect(find(objects, 'DaemonSet', 'node-exporter').metadata.namespace).toBe('node-agents');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod).toMatchObject({ hostNetwork: true, hostPID: true, automountServiceAccountToken: false });
    expect(c.args).toEqual(expect.arrayContaining(['--path.rootfs=/host/root', '--path.sysfs=/host/sys', '--web.listen-address=$(HOST_IP):9100']));
    expect(c.env).toEqual([{ name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } }]);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9100, hostPort: 9100, protocol: 'TCP' }]);
    expect(c.image).toBe(`${NODE_EXPORTER_IMAGE.repository}:${NODE_EXPORTER_IMAGE.tag}`);
  });

  test('non-root with every capability dropped, host root and /sys mounted read-only', () => {
    const objects = renderExporter();
    const c = container(objects, 'DaemonSet', 'node-exporter');
    expect(podSpec(objects, 'DaemonSet', 'node-exporter').securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(c.volumeMounts).toEqual([
      { name: 'root', mountPath: '/host/root', readOnly: true, mountPropagation: 'HostToContainer' },
      { name: 'sys', mountPath: '/host/sys', readOnly: true, mountPropagation: 'HostToContainer' },
    ]);
    // Its host access is on record (issue 9); the hardening above is asserted directly, not left to the exemption.
    expect(find(objects, 'DaemonSet', 'node-exporter').spec.template.metadata.annotations).toEqual({ [SECURITY_EXEMPTION]: NODE_EXPORTER_HOST_REASON });
  });

  test('needs Pod Security privileged, and only for the host namespaces and host paths', () => {
    const spec = podSpec(renderExporter(), 'DaemonSet', 'node-exporter');
    expect(checkPodSecurity(spec, 'privileged')).toEqual([]);
    const baseline = checkPodSecurity(spec, 'baseline');
    expect(new Set(baseline.map((v) => v.check))).toEqual(new Set(['hostNamespaces', 'hostPathVolumes', 'hostPorts']));
  });

  test('probes on the metrics port, default resources', () => {
    const c = container(renderExporter(), 'DaemonSet', 'node-exporter');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 9100 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 9100 });
    expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '24Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
  });

  test('all props', () => {
    const props: Required<NodeExporterProps> = {
      namespace: 'agents', image: { repository: 'mirror/node-exporter', tag: 'v1.9.1' },
      resources: { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '100m', memory: '48Mi' } },
    };
    const c = find(renderExporter(props), 'DaemonSet', 'node-exporter', 'agents').spec.template.spec.containers[0];
    expect(c.image).toBe('mirror/node-exporter:v1.9.1');
    expect(c.resources.requests).toEqual({ cpu: '20m', memory: '32Mi' });
  });
});
