import { parse } from 'yaml';
import { k8s } from 'cdk8s-plus-27';
import {
  definePart, NamespaceBaseline, parseConfig, PlatformChart, platformParts, platformSchemaOf, Peers, Port, renderSchemaTypes, synthesize,
} from '../../lib';
import { MINIMAL_CLUSTER } from '../support/helpers';

/**
 * The README's "Adding a part" steps, followed for a throwaway part defined here and registered through the public
 * API only (`platformParts(...)`): its section, its unit, its Argo CD Application and its scrape target appear
 * without any other file being edited.
 */
interface EchoConfig {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly replicas: number;
}

const echoPart = definePart({
  key: 'echo',
  schema: {
    type: 'object',
    description: 'A throwaway echo server.',
    additionalProperties: false,
    default: {},
    properties: {
      enabled: { type: 'boolean', default: true },
      namespace: { type: 'string', default: 'echo' },
      replicas: { type: 'integer', minimum: 1, default: 1 },
    },
  },
  enabled: (c: EchoConfig) => c.enabled,
  namespaces: (c) => [c.namespace],
  checkConfig: (c, { problems }) => {
    if (c.replicas > 3) problems.add(`echo.replicas: ${c.replicas} is more than the lab needs; use 1 to 3.`);
  },
  build: ({ scope, config }) => {
    const chart = new PlatformChart(scope, 'Echo', { folder: '35-echo', wave: 35, description: 'Echo: a throwaway part' });
    const ns = new NamespaceBaseline(chart, 'Namespace', { name: config.namespace, part: 'echo' });
    new k8s.KubeConfigMap(chart, 'Settings', { metadata: { name: 'echo-settings', namespace: config.namespace }, data: { replicas: String(config.replicas) } });
    return { namespace: ns };
  },
  offers: (_out, c) => ({
    scrapeTargets: [{
      job: 'echo', app: 'echo', port: Port.tcp(9100), description: 'Prometheus scrapes echo',
      pods: Peers.pods(c.namespace, { 'app.kubernetes.io/name': 'echo' }, 'echo'),
    }],
  }),
});

const parts = platformParts(echoPart);
const YAML = `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\necho:\n  replicas: 2\n`;

describe('adding a part through the public API', () => {
  const result = synthesize(parseConfig(YAML, 'platform.yaml', { parts }), { parts });
  const manifests = result.files.flatMap((f) => f.objects.map((o) => ({ path: f.path, m: o.manifest })));

  test('its section is in the schema, with its defaults, and its config checks run', () => {
    const schema = platformSchemaOf(parts) as any;
    expect(schema.properties.echo.properties.replicas).toEqual({ type: 'integer', minimum: 1, default: 1 });
    expect(() => parseConfig(`${MINIMAL_CLUSTER}echo:\n  replicas: 9\n`, 'platform.yaml', { parts })).toThrow(/echo\.replicas: 9 is more than the lab needs/);
    expect(() => parseConfig(`${MINIMAL_CLUSTER}echo:\n  replicas: 2\n`)).toThrow(/unknown key "echo"/);
  });

  test('its hand-written type is the one the public generator derives from its schema (a part outside lib/ may write it by hand)', () => {
    // GIVEN the part's schema WHEN the type is generated as `npm run schema` would THEN it has EchoConfig's fields, all present
    const source = renderSchemaTypes('echo', echoPart.schema, { file: 'echo.generated.ts', name: 'EchoConfig' });
    const fields = source.split('\n').filter((l) => /^ {2}readonly /.test(l)).map((l) => l.trim());
    expect(fields).toEqual(['readonly enabled: boolean;', 'readonly namespace: string;', 'readonly replicas: number;']);
  });

  test('its unit is in dist/, after observability and before the apps', () => {
    expect(result.files.map((f) => f.path).filter((p) => p.startsWith('35-echo.'))).toEqual([
      '35-echo.00-cluster-scoped.yaml', '35-echo.10-namespace.yaml', '35-echo.11-settings.yaml',
    ]);
    expect(manifests.find((x) => x.m.kind === 'ConfigMap' && x.m.metadata.name === 'echo-settings')?.m.data).toEqual({ replicas: '2' });
  });

  test('its namespace is its own, not a tenant\'s: labelled with its unit, quota namespace-quota', () => {
    const ns = manifests.find((x) => x.m.kind === 'Namespace' && x.m.metadata.name === 'echo');
    expect([ns?.path, ns?.m.metadata.labels['app.kubernetes.io/name']]).toEqual(['35-echo.00-cluster-scoped.yaml', 'echo']);
    expect(manifests.filter((x) => x.m.metadata.namespace === 'echo' && ['ResourceQuota', 'LimitRange'].includes(x.m.kind)).map((x) => x.m.metadata.name).sort())
      .toEqual(['namespace-limits', 'namespace-quota']);
  });

  test('it has an Argo CD Application, and the AppProject allows its namespace', () => {
    const app = manifests.find((x) => x.m.kind === 'Application' && x.m.metadata.name === 'platform-kit-echo')?.m;
    expect(app.spec.source).toMatchObject({ path: 'dist', directory: { include: '35-echo.*.yaml' } });
    const project = manifests.find((x) => x.m.kind === 'AppProject')?.m;
    expect(project.spec.destinations.map((d: any) => d.namespace)).toContain('echo');
  });

  test('Prometheus scrapes what it offers, through a flow whose both sides are written (its namespace is managed)', () => {
    const config = parse(manifests.find((x) => x.m.kind === 'ConfigMap' && x.m.metadata.name === 'prometheus-config')!.m.data['prometheus.yml']);
    expect(config.scrape_configs.find((j: any) => j.job_name === 'echo').kubernetes_sd_configs[0].namespaces.names).toEqual(['echo']);
    const policies = manifests.filter((x) => x.m.kind === 'NetworkPolicy' && x.m.metadata.name.startsWith('allow-prometheus-scrape-echo-'));
    expect(policies.map((x) => [x.m.metadata.name, x.m.metadata.namespace]).sort()).toEqual([
      ['allow-prometheus-scrape-echo-egress', 'monitoring'], ['allow-prometheus-scrape-echo-ingress', 'echo'],
    ]);
  });
});
