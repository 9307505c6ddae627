import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { NetworkPolicyEvaluator, PodModel } from '../../lib/checks/network/evaluator';
import { parseConfig } from '../../lib/config/load';
import { synthesize, SynthResult } from '../../lib/pipeline/synthesize';
import { find, manifestsOf, MINIMAL_CLUSTER, ROOT } from '../support/helpers';
import { BIG_CLUSTER, declaringBlobs, LAB_OBJECT_STORE } from './fixtures';
import { DEFAULT_HARBOR_RESOURCES, DEFAULT_REGISTRY, HARBOR_VERSION } from '../../lib/registry/defaults';
import { analysePromql, interpolateGrafana } from '../observability/config-files/promql';


const REGISTRY = `registry:
  enabled: true
  host: harbor.lab.example
  projects: [platform, team-a]
  proxyCache:
    - upstream: docker.io
    - upstream: registry.k8s.io
      project: k8s
  egressCidrs: [203.0.113.0/24]
  storage:
    database: { node: k8s-node3 }
    redis: { node: k8s-node3 }
    trivy: { node: k8s-node3 }
`;

const labYaml = () => fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8');

/** The default platform.yaml with sections replaced (and the registry's blobs declared as backed up outside). */
function labWith(sections: Record<string, unknown>): string {
  return stringify(declaringBlobs({ ...parse(labYaml()), ...sections }));
}

/** The default platform.yaml with the big cluster and the registry section above. */
function registryPlatform(): string {
  return labWith({ ...parse(BIG_CLUSTER), ...parse(REGISTRY) });
}

describe('the registry part, enabled on a cluster big enough', () => {
  let result: SynthResult;
  let manifests: any[];
  beforeAll(() => {
    result = synthesize(parseConfig(registryPlatform()));
    manifests = manifestsOf(result);
  });
  const ns = 'harbor';

  test('synthesizes with every check passing, in unit 25-registry', () => {
    // GIVEN the lab platform plus a worker WHEN synthesized THEN no check fails and the unit has its files
    expect(result.files.map((f) => f.path).filter((p) => p.startsWith('25-registry.'))).toEqual(expect.arrayContaining([
      '25-registry.00-cluster-scoped.yaml', '25-registry.10-namespace.yaml',
    ]));
    expect(result.report.join('\n')).toMatch(/k8s-node3/);
  });

  test('every Harbor component runs a pinned image of one release', () => {
    const images = manifests.filter((m) => m.metadata?.namespace === ns && ['Deployment', 'StatefulSet'].includes(m.kind))
      .flatMap((m) => m.spec.template.spec.containers.map((c: any) => c.image)).sort();
    expect(images).toEqual([
      'docker.io/goharbor/harbor-core:v2.15.2', 'docker.io/goharbor/harbor-db:v2.15.2', 'docker.io/goharbor/harbor-exporter:v2.15.2',
      'docker.io/goharbor/harbor-jobservice:v2.15.2', 'docker.io/goharbor/harbor-portal:v2.15.2', 'docker.io/goharbor/harbor-registryctl:v2.15.2',
      'docker.io/goharbor/registry-photon:v2.15.2', 'docker.io/goharbor/trivy-adapter-photon:v2.15.2', 'docker.io/goharbor/valkey-photon:v2.15.2',
    ]);
  });

  test('externalURL is derived from the host, and the platform Gateway routes /api/, /service/, /v2/, /c/ to core and / to the portal', () => {
    expect(find(manifests, 'ConfigMap', 'harbor-core', ns).data.EXT_ENDPOINT).toBe('https://harbor.lab.example');
    const core = find(manifests, 'HTTPRoute', 'harbor-core', ns);
    expect(core.spec.hostnames).toEqual(['harbor.lab.example']);
    expect(core.spec.rules[0].matches.map((m: any) => m.path.value)).toEqual(['/api/', '/service/', '/v2/', '/c/']);
    expect(core.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'harbor-core', port: 80, weight: 100 }]);
    const portal = find(manifests, 'HTTPRoute', 'harbor-portal', ns);
    expect(portal.spec.rules[0].matches.map((m: any) => m.path.value)).toEqual(['/']);
    // both routes attach to the host's one HTTPS listener, which admits only the harbor namespace
    expect(core.spec.parentRefs).toEqual(portal.spec.parentRefs);
    const gateway = manifests.find((m) => m.kind === 'Gateway');
    const listeners = gateway.spec.listeners.filter((l: any) => l.hostname === 'harbor.lab.example');
    expect(listeners).toHaveLength(1);
    expect(listeners[0].allowedRoutes.namespaces.selector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': ns });
    expect(manifests.filter((m) => m.kind === 'Ingress' && m.metadata.namespace === ns)).toEqual([]);
  });

  test('blobs live on a pre-bound NFS volume kept on release; the databases on local volumes', () => {
    const blobs = find(manifests, 'PersistentVolume', 'harbor-registry-blobs');
    expect(blobs.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', nfs: { server: '10.10.10.101', path: '/nfs_harbor_registry' }, claimRef: { namespace: ns, name: 'harbor-registry-blobs' } });
    for (const set of ['harbor-database', 'harbor-redis', 'harbor-trivy']) {
      const pv = find(manifests, 'PersistentVolume', `${set}-k8s-node3`);
      expect(pv.spec.local).toBeDefined();
      expect(pv.spec.claimRef).toEqual({ namespace: ns, name: `data-${set}-0` });
    }
  });

  test('no credential is in dist/: every password comes from a Secret reference', () => {
    const text = result.files.map((f) => f.content).join('\n');
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(text).not.toMatch(/Harbor12345|not-a-secure-key/);
    // Redis URLs carry the kubelet's $(REDIS_PASSWORD) reference, never a value.
    const core = find(manifests, 'Deployment', 'harbor-core', ns).spec.template.spec.containers[0];
    expect(core.env.find((e: any) => e.name === '_REDIS_URL_CORE').value).toBe('redis://:$(REDIS_PASSWORD)@harbor-redis:6379/0?idle_timeout_seconds=30');
    expect(core.env.find((e: any) => e.name === 'HARBOR_ADMIN_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'harbor-admin', key: 'password' });
  });

  test('the first-time Secrets state their constraints: a 16-character secret key and an htpasswd derived with bcrypt', () => {
    const internal = result.offers.firstTimeSecrets.find((s) => s.name === 'harbor-internal')!;
    expect(internal.keys.find((k) => k.key === 'secret-key')).toMatchObject({ length: 16, value: 'random' });
    const htpasswd = result.offers.firstTimeSecrets.find((s) => s.name === 'harbor-registry-credentials')!.keys.find((k) => k.key === 'htpasswd');
    expect(htpasswd).toMatchObject({ value: 'provided', generate: { kind: 'bcrypt-htpasswd', user: 'harbor_registry_user', fromKey: 'password' } });
    expect(htpasswd?.generate?.command).toMatch(/^htpasswd -nbB harbor_registry_user /);
  });

  test('Prometheus scrapes core, registry, jobservice and the exporter through the part contract', () => {
    const config = parse(find(manifests, 'ConfigMap', 'prometheus-config', 'monitoring').data['prometheus.yml']);
    const jobs = config.scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['harbor-core', 'harbor-registry', 'harbor-jobservice', 'harbor-exporter']));
  });

  test('Harbor\'s alert rules reach Prometheus (after the platform\'s own groups) and its dashboard reaches Grafana, both through offers', () => {
    const rules = find(manifests, 'ConfigMap', 'prometheus-rules', 'monitoring').data;
    const offered = parse(rules['platform-kit.yaml']);
    const alerts = offered.groups.find((g: any) => g.name === 'harbor').rules;
    expect(alerts.map((a: any) => a.alert)).toEqual(['HarborDown', 'HarborComponentUnhealthy', 'HarborRegistryStorageFilling', 'HarborRegistryStorageAlmostFull']);
    for (const a of alerts) expect(analysePromql(a.expr).errors).toEqual([]);
    expect(alerts[2].expr).toMatch(/persistentvolumeclaim="harbor-registry-blobs"/);
    const board = find(manifests, 'ConfigMap', 'grafana-dashboard-harbor', 'monitoring').data['harbor.json'];
    const panels = JSON.parse(board).panels;
    expect(panels.length).toBeGreaterThan(4);
    for (const p of panels) for (const t of p.targets ?? []) expect(analysePromql(interpolateGrafana(t.expr)).errors).toEqual([]);
  });

  test('the nightly pg_dump and the blobs join the backup coverage', () => {
    expect(result.offers.backupVolumes.filter((v) => v.namespace === ns).map((v) => [v.claim, v.protectedBy?.kind])).toEqual([
      ['harbor-registry-blobs', undefined], ['data-harbor-database-0', 'dump'], ['data-harbor-redis-0', 'rebuildable'],
      ['data-harbor-trivy-0', 'rebuildable'], ['harbor-database-backup', 'holds-backups'],
    ]);
    expect(find(manifests, 'CronJob', 'harbor-backup', ns).spec.schedule).toBe('15 3 * * *');
  });

  test('the day-one Job knows the projects and proxy caches, and its name changes only with them', () => {
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.namespace === ns);
    const e = Object.fromEntries(job.spec.template.spec.containers[0].env.filter((x: any) => 'value' in x).map((x: any) => [x.name, x.value]));
    expect(e.PROJECTS).toBe('platform team-a');
    expect(e.PROXY_CACHES).toBe('proxy-docker-io|docker.io|docker-hub|https://hub.docker.com k8s|registry.k8s.io|docker-registry|https://registry.k8s.io');
    const again = manifestsOf(synthesize(parseConfig(registryPlatform()))).find((m) => m.kind === 'Job' && m.metadata.namespace === ns);
    expect(again.metadata.name).toBe(job.metadata.name);
  });

  describe('network', () => {
    let evaluator: NetworkPolicyEvaluator;
    const pod = (component: string): PodModel => {
      const m = manifests.find((x) => x.metadata?.namespace === ns && x.metadata.name === `harbor-${component}` && ['Deployment', 'StatefulSet'].includes(x.kind));
      return { namespace: ns, name: `harbor-${component}-0`, labels: m.spec.template.metadata.labels, ports: m.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []) };
    };
    beforeAll(() => {
      evaluator = new NetworkPolicyEvaluator(
        manifests.filter((m) => m.kind === 'NetworkPolicy'),
        manifests.filter((m) => m.kind === 'Namespace').map((m) => ({ name: m.metadata.name, labels: m.metadata.labels })),
      );
    });
    const allowed = (from: PodModel, to: PodModel, port: number) => evaluator.evaluate({ from: { pod: from }, to: { pod: to }, port }).allowed;
    const tenant: PodModel = { namespace: 'dwayne', name: 'any', labels: { app: 'anything' } };

    test('a tenant pod reaches neither the database nor Redis (nor core directly)', () => {
      expect(allowed(tenant, pod('database'), 5432)).toBe(false);
      expect(allowed(tenant, pod('redis'), 6379)).toBe(false);
      expect(allowed(tenant, pod('core'), 8080)).toBe(false);
    });

    test('the declared component flows are open, and only on their ports', () => {
      expect(allowed(pod('core'), pod('database'), 5432)).toBe(true);
      expect(allowed(pod('core'), pod('redis'), 6379)).toBe(true);
      expect(allowed(pod('jobservice'), pod('registry'), 5000)).toBe(true);
      expect(allowed(pod('registry'), pod('redis'), 6379)).toBe(true);
      expect(allowed(pod('trivy'), pod('redis'), 6379)).toBe(true);
      expect(allowed(pod('portal'), pod('database'), 5432)).toBe(false);
      expect(allowed(pod('registry'), pod('database'), 5432)).toBe(false);
      expect(allowed(pod('core'), pod('database'), 6379)).toBe(false);
    });

    test('the Gateway\'s proxy pods reach core and the portal on 8080 only', () => {
      const controller: PodModel = { namespace: 'nginx-gateway', name: 'proxy', labels: { 'app.kubernetes.io/name': 'nginx-gateway-fabric' } };
      expect(allowed(controller, pod('core'), 8080)).toBe(true);
      expect(allowed(controller, pod('portal'), 8080)).toBe(true);
      expect(allowed(controller, pod('database'), 5432)).toBe(false);
      expect(allowed(controller, pod('core'), 8001)).toBe(false);
    });
  });

  test('has its own Argo CD child Application in wave 25, and the AppProject allows its namespace', () => {
    const app = find(manifests, 'Application', 'platform-kit-registry', 'argocd');
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('25');
    expect(app.spec.source.directory.include).toBe('25-registry.*.yaml');
    expect(find(manifests, 'AppProject', 'platform-kit', 'argocd').spec.destinations.map((d: any) => d.namespace)).toContain(ns);
  });

  test('every Harbor pod is hardened: non-root, read-only root, no API token, no service links', () => {
    const pods = manifests.filter((m) => m.metadata?.namespace === ns && ['Deployment', 'StatefulSet'].includes(m.kind)).map((m) => m.spec.template.spec);
    expect(pods.length).toBe(8);
    for (const pod of pods) {
      expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false, securityContext: { runAsNonRoot: true } });
      for (const c of pod.containers) expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
  });

  test('the namespace quota is computed from the workloads (the quota-fit check passed), with no NodePorts', () => {
    const quota = find(manifests, 'ResourceQuota', 'namespace-quota', ns).spec.hard;
    expect(quota['services.nodeports']).toBe('0');
    expect(quota.persistentvolumeclaims).toBe('5');
  });

  test('its namespace is the registry part\'s, not a tenant\'s', () => {
    expect(find(manifests, 'Namespace', ns).metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'registry', 'app.kubernetes.io/instance': ns });
    expect(find(manifests, 'LimitRange', 'namespace-limits', ns).kind).toBe('LimitRange');
    expect(manifests.filter((m) => m.metadata?.namespace === ns && String(m.metadata.name).startsWith('tenant-'))).toEqual([]);
  });
});

describe('registry options', () => {
  const build = (registry: Record<string, unknown>, sections: Record<string, unknown> = {}) => manifestsOf(synthesize(parseConfig(labWith({ ...parse(BIG_CLUSTER), registry: { enabled: true, ...registry }, ...sections }))));

  test('trivy off: no scanner, core told so, nothing opened towards it', () => {
    const m = build({ trivy: { enabled: false } });
    expect(m.filter((x) => x.metadata?.name === 'harbor-trivy')).toEqual([]);
    expect(find(m, 'ConfigMap', 'harbor-core', 'harbor').data.WITH_TRIVY).toBe('false');
    expect(m.filter((x) => x.kind === 'NetworkPolicy' && /trivy/.test(x.metadata.name))).toEqual([]);
  });

  test('a trivy-db mirror turns updates on and lets Trivy out to egressCidrs only', () => {
    const m = build({ trivy: { dbRepository: 'mirror.lab.example/aquasec/trivy-db' }, egressCidrs: ['192.0.2.10/32'] });
    const env = Object.fromEntries(find(m, 'StatefulSet', 'harbor-trivy', 'harbor').spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ SCANNER_TRIVY_SKIP_UPDATE: 'false', SCANNER_TRIVY_OFFLINE_SCAN: 'false', SCANNER_TRIVY_DB_REPOSITORY: 'mirror.lab.example/aquasec/trivy-db' });
    const egress = m.filter((x) => x.kind === 'NetworkPolicy' && x.metadata.name.startsWith('allow-harbor-trivy-egress-'));
    expect(egress.map((x) => x.spec.egress[0].to[0].ipBlock.cidr)).toEqual(['192.0.2.10/32']);
  });

  test('stands alone: a one-worker cluster without MySQL, observability or Argo CD synthesizes it with every check passing', () => {
    const result = synthesize(parseConfig(`${MINIMAL_CLUSTER}mysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\nregistry: { enabled: true }\n`));
    expect(result.files.filter((f) => f.path.startsWith('25-registry.')).length).toBeGreaterThan(10);
    expect(manifestsOf(result).filter((m) => m.kind === 'PersistentVolume').map((m) => m.metadata.name).sort()).toEqual([
      'harbor-database-backup', 'harbor-database-w1', 'harbor-redis-w1', 'harbor-registry-blobs', 'harbor-trivy-w1',
    ]);
  });

  test('with the Ingress entry, two Ingresses route /api/, /service/, /v2/, /c/ to core and / to the portal, bodies unlimited', () => {
    const m = build({}, { gateway: { enabled: false } });
    const core = find(m, 'Ingress', 'harbor-core', 'harbor');
    expect(core.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name])).toEqual([
      ['/api/', 'harbor-core'], ['/service/', 'harbor-core'], ['/v2/', 'harbor-core'], ['/c/', 'harbor-core'],
    ]);
    expect(core.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('0');
    const portal = find(m, 'Ingress', 'harbor-portal', 'harbor');
    expect(portal.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/']);
    expect([core, portal].map((i) => i.spec.tls[0])).toEqual([
      { hosts: ['harbor.lab.example'], secretName: 'harbor-tls' }, { hosts: ['harbor.lab.example'], secretName: 'harbor-tls' },
    ]);
  });

  test.each([['the Gateway', {}], ['the Ingress', { gateway: { enabled: false } }]])('a registry host that Grafana already uses is refused at load, by key, on %s entry', (_entry, extra) => {
    // (the build-time checks where the hosts and Ingresses meet stay for TypeScript programs: test/network, test/checks)
    expect(() => build({ host: 'grafana.lab.example' }, extra)).toThrow(/registry\.host: "grafana\.lab\.example" is already the host of observability\.grafana\.host/);
  });

  test('two core and portal replicas get PodDisruptionBudgets; one replica gets none', () => {
    const m = build({ coreReplicas: 2, portalReplicas: 2 });
    expect(m.filter((x) => x.kind === 'PodDisruptionBudget' && x.metadata.namespace === 'harbor').map((x) => x.metadata.name).sort()).toEqual(['harbor-core', 'harbor-portal']);
    expect(build({}).filter((x) => x.kind === 'PodDisruptionBudget' && x.metadata.namespace === 'harbor')).toEqual([]);
  });
});

describe('the registry by default', () => {
  test('is off in platform.yaml (it does not fit the lab), so nothing of it is in dist/ (and Prometheus has no offered rule file)', () => {
    const config = parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
    expect((config as any).registry.enabled).toBe(false);
    const lab = synthesizeLab();
    expect(lab.files.some((f) => f.path.startsWith('25-registry.'))).toBe(false);
    expect(Object.keys(find(manifestsOf(lab), 'ConfigMap', 'prometheus-rules', 'monitoring').data)).toEqual(['platform-kit.yaml']);
  });

  test('enabled on the lab cluster as it is, the capacity check refuses it and says where it does not fit', () => {
    const config = parseConfig(labWith({ registry: { enabled: true } }));
    expect(() => synthesize(config)).toThrow(/\[capacity\][\s\S]*harbor/);
  });
});

function synthesizeLab(): SynthResult {
  return synthesize(parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8')));
}

describe('registry defaults (the schema publishes what the code uses)', () => {
  test('pinned release, sizes and names', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'platform.schema.json'), 'utf8')).properties.registry;
    expect(HARBOR_VERSION).toBe('v2.15.2');
    expect(schema.properties.enabled.default).toBe(false);
    expect(schema.properties.namespace.default).toBe(DEFAULT_REGISTRY.namespace);
    expect(schema.properties.storage.properties.blobs.properties.size.default).toBe('50Gi');
    for (const [name, r] of Object.entries(DEFAULT_HARBOR_RESOURCES)) {
      expect({ name, requests: schema.properties.resources.properties[name].properties.requests.properties.memory.default }).toEqual({ name, requests: r.requests.memory });
    }
    expect(DEFAULT_HARBOR_RESOURCES.core).toEqual({ requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } });
  });
});

describe('registry config checks', () => {
  const base = `${BIG_CLUSTER}registry:\n  enabled: true\n`;
  test('proxy caches without egress addresses are refused, naming the fix', () => {
    expect(() => parseConfig(`${base}  proxyCache: [{ upstream: docker.io }]\n`)).toThrow(/registry\.proxyCache: .*egressCidrs is empty/);
  });
  test('0.0.0.0/0 egress is refused', () => {
    expect(() => parseConfig(`${base}  egressCidrs: [0.0.0.0/0]\n`)).toThrow(/registry\.egressCidrs\[0\]: "0\.0\.0\.0\/0" opens the whole internet/);
  });
  test('a volume on an unknown node is refused', () => {
    expect(() => parseConfig(`${base}  storage:\n    database: { node: nowhere }\n`)).toThrow(/registry\.storage\.database\.node: "nowhere" is not in cluster\.nodes/);
  });
});

describe('the registry beside Velero', () => {
  const withVelero = (schedules?: unknown[]) => {
    const backup = parse(labYaml()).backup;
    return parseConfig(labWith({ ...parse(BIG_CLUSTER), registry: { enabled: true }, backup: { ...backup, velero: { objectStore: LAB_OBJECT_STORE, ...(schedules ? { schedules } : {}) } } }));
  };

  test('a file-system backup that would copy Harbor\'s live database is refused, naming the Schedule and the fix', () => {
    // GIVEN Velero's default Schedule (every namespace, file-system backup on) WHEN synthesized THEN refused
    expect(() => synthesize(withVelero())).toThrow(/harbor\/data-harbor-database-0 is covered by a dump but is not on NFS, so Velero's volume policy cannot skip it; Schedule "daily"'s file-system backup would copy a live database directory\. .*add "harbor" to backup\.velero\.schedules\[\]\.excludedNamespaces/);
  });

  test('the fix it names works: Harbor left out of the file-system backup, its objects in a Schedule of their own', () => {
    // GIVEN the daily Schedule without harbor, and one for harbor's objects without file-system backup
    const config = withVelero([
      { name: 'daily', schedule: '0 2 * * *', excludedNamespaces: ['harbor'] },
      { name: 'harbor-objects', schedule: '0 3 * * *', includedNamespaces: ['harbor'], fileSystemBackup: false },
    ]);
    // WHEN synthesized THEN every check passes, and both Schedules are written
    const schedules = manifestsOf(synthesize(config)).filter((m) => m.kind === 'Schedule').map((m) => m.metadata.name).sort();
    expect(schedules).toEqual(['daily', 'harbor-objects']);
  });
});
