import { parse } from 'yaml';
import { CONFIG_HASH_ANNOTATION } from '../../lib/core/config-hash';
import { LOKI_IMAGE } from '../../lib/observability/config-files';
import { DEFAULT_LOKI, DEFAULT_RESOURCES } from '../../lib/observability/defaults';
import { Loki, LokiProps } from '../../lib/observability/loki';
import { find } from '../support/helpers';
import { container, podSpec, render, RESTRICTED_CONTAINER } from './fixtures';

function renderLoki(props?: LokiProps): { objects: any[]; loki: Loki } {
  let loki!: Loki;
  const objects = render((chart) => { loki = new Loki(chart, 'Loki', props); });
  return { objects, loki };
}

describe('Loki', () => {
  test('defaults (snapshot)', () => {
    expect(renderLoki().objects).toMatchSnapshot();
  });

  test('a one-pod StatefulSet in logging with a claim on the local-storage class', () => {
    // GIVEN no props WHEN rendered
    const { objects, loki } = renderLoki();
    const sts = find(objects, 'StatefulSet', 'loki', 'logging');
    // THEN
    expect(sts.spec.replicas).toBe(1);
    // its governing Service is headless, as the StatefulSet API requires (the ClusterIP Service `loki` is for clients)
    expect(sts.spec.serviceName).toBe('loki-headless');
    expect(find(objects, 'Service', 'loki-headless', 'logging').spec).toMatchObject({ clusterIP: 'None', selector: sts.spec.selector.matchLabels });
    expect(sts.spec.volumeClaimTemplates).toEqual([expect.objectContaining({
      metadata: expect.objectContaining({ name: 'storage' }),
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
      // the stored form (lib/core/claim-template.ts), so apply compares equal values
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', status: { phase: 'Pending' },
    })]);
    // the claim template carries no version label: volumeClaimTemplates are immutable
    expect(sts.spec.volumeClaimTemplates[0].metadata.labels['app.kubernetes.io/version']).toBeUndefined();
    expect(loki.url).toBe('http://loki.logging.svc:3100');
  });

  test('readiness on /ready, liveness on the serving port, declared metrics port, restricted and read-only', () => {
    const { objects } = renderLoki();
    const c = container(objects, 'StatefulSet', 'loki');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.ports).toEqual(expect.arrayContaining([{ name: 'http', containerPort: 3100, protocol: 'TCP' }]));
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(c.image).toBe(`${LOKI_IMAGE.repository}:${LOKI_IMAGE.tag}`);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'storage', mountPath: '/var/loki' }, { name: 'tmp', mountPath: '/tmp' }, { name: 'config', mountPath: '/etc/loki', readOnly: true },
    ]));
    const pod = podSpec(objects, 'StatefulSet', 'loki');
    expect(pod.securityContext).toMatchObject({ runAsUser: Loki.UID, runAsGroup: Loki.UID, fsGroup: Loki.UID, runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'loki').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'StatefulSet', 'loki').spec.template.metadata.labels['app.kubernetes.io/name']).toBe('loki');
  });

  test('requests and limits default to the lab sizing, with GOMEMLIMIT at 90% of the limit', () => {
    const c = container(renderLoki().objects, 'StatefulSet', 'loki');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '160Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(DEFAULT_RESOURCES.loki).toEqual({ requests: { cpu: '100m', memory: '160Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.env).toEqual([{ name: 'GOMEMLIMIT', value: '460MiB' }]);
  });

  test('the ConfigMap holds the generated config: retention 7 days through the compactor, limits set', () => {
    const cm = find(renderLoki().objects, 'ConfigMap', 'loki-config', 'logging');
    const config = parse(cm.data['loki.yaml']);
    expect(config.limits_config).toMatchObject({ retention_period: '168h', ingestion_rate_mb: 4, ingestion_burst_size_mb: 8, max_query_series: 500, max_entries_limit_per_query: 5000 });
    expect(config.compactor.retention_enabled).toBe(true);
    expect(config.auth_enabled).toBe(false);
    expect(config.common.replication_factor).toBe(1);
    expect(DEFAULT_LOKI).toEqual({ retentionDays: 7, ingestionRateMb: 4, ingestionBurstSizeMb: 8, maxQuerySeries: 500, maxEntriesLimitPerQuery: 5000 });
  });

  test('a config change changes the pod template (the pod restarts with it)', () => {
    const hash = (p?: LokiProps) => find(renderLoki(p).objects, 'StatefulSet', 'loki').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hash()).toMatch(/^[0-9a-f]{16}$/);
    expect(hash({ retentionDays: 14 })).not.toBe(hash());
    expect(hash()).toBe(hash());
  });

  test('a Service named loki on 3100, and a flow peer of exactly its pods', () => {
    const { objects, loki } = renderLoki();
    const svc = find(objects, 'Service', 'loki', 'logging');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 3100, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'loki', 'app.kubernetes.io/instance': 'loki' });
    expect(loki.toPeer()).toEqual({ kind: 'pods', name: 'loki', namespace: 'logging', selector: svc.spec.selector });
    // Loki itself talks to nothing: no policy is written by it
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('all props', () => {
    const props: Required<LokiProps> = {
      namespace: 'logs', retentionDays: 30, ingestionRateMb: 8, ingestionBurstSizeMb: 16, maxQuerySeries: 1000,
      maxEntriesLimitPerQuery: 10000, storageSize: '50Gi', storageClassName: 'fast', image: { repository: 'mirror/loki', tag: '3.5.10' },
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    };
    const { objects, loki } = renderLoki(props);
    const sts = find(objects, 'StatefulSet', 'loki', 'logs');
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } });
    expect(sts.spec.template.spec.containers[0].image).toBe('mirror/loki:3.5.10');
    expect(sts.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '1Gi' });
    const config = parse(find(objects, 'ConfigMap', 'loki-config', 'logs').data['loki.yaml']);
    expect(config.limits_config).toMatchObject({ retention_period: '720h', ingestion_rate_mb: 8, ingestion_burst_size_mb: 16, max_query_series: 1000, max_entries_limit_per_query: 10000 });
    expect(loki.url).toBe('http://loki.logs.svc:3100');
  });
});
