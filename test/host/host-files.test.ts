import * as fs from 'fs';
import * as path from 'path';
import { parse as parseToml } from 'smol-toml';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { auditPolicy } from '../../lib/host/audit-policy';
import { HostFile } from '../../lib/output/host-file';
import { synthesize } from '../../lib/pipeline/synthesize';
import { ROOT, synthDefault, testChart } from '../support/helpers';
import { BIG_CLUSTER, declaringBlobs } from '../registry/fixtures';

const lab = () => parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
const hostFiles = (files: { path: string; content: string }[]) => new Map(files.filter((f) => f.path.startsWith('host/')).map((f) => [f.path.slice('host/'.length), f.content]));

describe('dist/host on the default platform', () => {
  const files = hostFiles(synthDefault().files);

  test('holds the audit policy, its README, one eviction file per node and an index', () => {
    expect([...files.keys()].sort()).toEqual([
      'README.md', 'kube-apiserver/README.md', 'kube-apiserver/audit-policy.yaml',
      'kubelet/k8s-master/kubelet-eviction.yaml', 'kubelet/k8s-node1/kubelet-eviction.yaml', 'kubelet/k8s-node2/kubelet-eviction.yaml',
    ]);
    expect(files.get('README.md')).toMatch(/\| `kube-apiserver\/audit-policy.yaml` \| control-plane nodes, \/etc\/kubernetes\/audit\/audit-policy.yaml/);
  });

  test('the audit policy parses and says: credentials at Metadata, RBAC writes with bodies, other writes with requests', () => {
    const policy = parse(files.get('kube-apiserver/audit-policy.yaml')!);
    expect(policy).toEqual(auditPolicy());
    expect(policy).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'] });
    // First match wins: find the rule a request would match.
    const ruleFor = (group: string, resource: string, verb: string, user = 'alice') => policy.rules.find((r: any) =>
      (r.verbs === undefined || r.verbs.includes(verb))
      && (r.users === undefined || r.users.includes(user))
      && r.userGroups === undefined && r.nonResourceURLs === undefined
      && (r.resources === undefined || r.resources.some((x: any) => x.group === group && (x.resources === undefined || x.resources.includes(resource)))));
    expect(ruleFor('', 'secrets', 'create').level).toBe('Metadata');
    expect(ruleFor('', 'secrets', 'get').level).toBe('Metadata');
    expect(ruleFor('authentication.k8s.io', 'tokenreviews', 'create').level).toBe('Metadata');
    expect(ruleFor('rbac.authorization.k8s.io', 'clusterrolebindings', 'create').level).toBe('RequestResponse');
    expect(ruleFor('apps', 'deployments', 'patch').level).toBe('Request');
    expect(ruleFor('apps', 'deployments', 'get').level).toBe('Metadata');
    expect(ruleFor('coordination.k8s.io', 'leases', 'update').level).toBe('None');
    expect(ruleFor('', 'events', 'create').level).toBe('None');
    expect(new Set(policy.rules.map((r: any) => r.level))).toEqual(new Set(['None', 'Metadata', 'Request', 'RequestResponse']));
  });

  test('the README gives the kube-apiserver flags and mounts', () => {
    const readme = files.get('kube-apiserver/README.md')!;
    expect(readme).toMatch(/--audit-policy-file=\/etc\/kubernetes\/audit\/audit-policy.yaml/);
    expect(readme).toMatch(/--audit-log-path=\/var\/log\/kubernetes\/audit\/audit.log/);
    expect(readme).toMatch(/hostPath: \{ path: \/var\/log\/kubernetes\/audit, type: DirectoryOrCreate \}/);
  });

  test('Alloy tails the audit log directory read-only with its own job label', () => {
    const alloy = synthDefault().files.flatMap((f) => f.objects.map((o) => o.manifest)).find((m) => m.kind === 'DaemonSet' && m.metadata.name === 'alloy');
    expect(alloy.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'audit-log', mountPath: '/var/log/kubernetes/audit', readOnly: true });
    const config = synthDefault().files.flatMap((f) => f.objects.map((o) => o.manifest)).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'alloy-config').data['config.alloy'];
    expect(config).toMatch(/__path__ = "\/var\/log\/kubernetes\/audit\/\*\.log",\s*job\s*= "kube-apiserver-audit"/);
  });

  test('kubelet eviction thresholds are derived from each node: 5% of memory, at least 100Mi', () => {
    const node1 = parse(files.get('kubelet/k8s-node1/kubelet-eviction.yaml')!);
    expect(node1).toMatchObject({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' });
    expect(node1.evictionHard).toEqual({ 'memory.available': '103Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%', 'imagefs.available': '15%' });
    expect(node1.evictionSoft['memory.available']).toBe('206Mi');
    expect(parse(files.get('kubelet/k8s-master/kubelet-eviction.yaml')!).evictionHard['memory.available']).toBe('154Mi');
  });
});

describe('kubelet eviction refusals', () => {
  const withEviction = (eviction: Record<string, string>) => stringify({ ...lab(), host: { kubelet: { eviction } } });

  test('the notes\' memory.available<2Gi on 2 GiB nodes is refused: it would evict every pod', () => {
    expect(() => parseConfig(withEviction({ memoryAvailable: '2Gi' }))).toThrow(/host\.kubelet\.eviction\.memoryAvailable: 2Gi on k8s-node1 \(cluster\.nodes\[1\], 2Gi\) leaves no room for pods/);
  });

  test('a threshold above cluster.reservedPerNode.memory is refused, naming the fix', () => {
    expect(() => parseConfig(withEviction({ memoryAvailable: '300Mi' }))).not.toThrow();
    expect(() => parseConfig(withEviction({ memoryAvailable: '700Mi' }))).toThrow(/more than cluster\.reservedPerNode\.memory \(640Mi\).*raise reservedPerNode\.memory to at least 700Mi/);
  });

  test('a big node keeps its derived threshold within reservedPerNode, so the default never refuses it', () => {
    // GIVEN a 64 GiB worker and the default reservation WHEN synthesized THEN its threshold is half of 640Mi
    const big = { ...lab(), cluster: { ...lab().cluster, nodes: [...lab().cluster.nodes, { name: 'big', ip: '10.10.10.210', cpu: '16', memory: '64Gi' }] } };
    const files = hostFiles(synthesize(parseConfig(stringify(big))).files);
    expect(parse(files.get('kubelet/big/kubelet-eviction.yaml')!).evictionHard['memory.available']).toBe('320Mi');
  });

  test('disk thresholds must be percentages below 50%', () => {
    expect(() => parseConfig(withEviction({ nodefsAvailable: '10Gi' }))).toThrow(/host\.kubelet\.eviction\.nodefsAvailable: "10Gi" must be a percentage/);
    expect(() => parseConfig(withEviction({ imagefsAvailable: '60%' }))).toThrow(/host\.kubelet\.eviction\.imagefsAvailable: "60%" must be above 0% and below 50%/);
  });
});

describe('the registry\'s node-side files', () => {
  const config = stringify(declaringBlobs({
    ...lab(), ...parse(BIG_CLUSTER),
    registry: { enabled: true, proxyCache: [{ upstream: 'docker.io' }, { upstream: 'quay.io', project: 'quay' }], egressCidrs: ['203.0.113.0/24'] },
  }));
  const files = hostFiles(synthesize(parseConfig(config)).files);

  test('containerd trusts Harbor and pulls each upstream through its proxy-cache project (TOML parses)', () => {
    const harbor = parseToml(files.get('containerd/certs.d/harbor.lab.example/hosts.toml')!) as any;
    expect(harbor.server).toBe('https://harbor.lab.example');
    expect(harbor.host['https://harbor.lab.example']).toEqual({ capabilities: ['pull', 'resolve', 'push'], ca: '/etc/containerd/certs.d/harbor.lab.example/ca.crt' });
    const docker = parseToml(files.get('containerd/certs.d/docker.io/hosts.toml')!) as any;
    expect(docker.server).toBe('https://registry-1.docker.io');
    expect(docker.host['https://harbor.lab.example/v2/proxy-docker-io']).toMatchObject({ capabilities: ['pull', 'resolve'], override_path: true });
    const quay = parseToml(files.get('containerd/certs.d/quay.io/hosts.toml')!) as any;
    expect(Object.keys(quay.host)).toEqual(['https://harbor.lab.example/v2/quay']);
  });

  test('k3s registries.yaml mirrors the same upstreams with a rewrite into the project (YAML parses)', () => {
    const k3s = parse(files.get('k3s/registries.yaml')!);
    expect(k3s.mirrors['docker.io']).toEqual({ endpoint: ['https://harbor.lab.example'], rewrite: { '^(.*)$': 'proxy-docker-io/$1' } });
    expect(k3s.configs['harbor.lab.example'].tls.ca_file).toBe('/etc/rancher/k3s/harbor-ca.crt');
  });
});

describe('HostFile', () => {
  test('refuses paths that would leave dist/host', () => {
    expect(() => new HostFile(testChart(), 'Bad', { path: '../etc/passwd', content: 'x', installTo: 'nowhere' })).toThrow(/path "..\/etc\/passwd" must be relative, without ".."/);
    expect(() => new HostFile(testChart(), 'Abs', { path: '/etc/x', content: 'x', installTo: 'nowhere' })).toThrow(/must be relative/);
  });
});
