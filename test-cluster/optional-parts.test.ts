/**
 * The parts the lab's default platform leaves off (registry: Harbor needs more memory than the lab has; Velero: it
 * needs an object store; an Istio canary: it needs Istio), applied on a real control plane sized to hold them — the
 * lab's nodes plus a big worker, as docs/registry.md tells a user enabling Harbor — with Velero pointed at the lab's
 * object store and helloworld's canary split by Istio as docs/apps.md shows it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { NetworkPolicyEvaluator, PodModel } from '../lib/checks/network/evaluator';
import { parseConfig } from '../lib/config/load';
import { writeOutput } from '../lib/output/write';
import { synthesize } from '../lib/pipeline/synthesize';
import { BIG_CLUSTER, declaringBlobs, LAB_OBJECT_STORE } from '../test/registry/fixtures';
import { APPLY, applyComplaints, crdFolders, kubectlName, manifestsKubectlReads, manifestsOf, onDist } from './support/apply';
import { namespacesOf, placement, settledWorkloads } from './support/cluster-state';
import { ControlPlane } from './support/control-plane';
import { applyCrdFolder } from './support/crd-folders';
import { startLab } from './support/start-lab';

const ROOT = path.resolve(__dirname, '..');
const doc = declaringBlobs(parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8')));
doc.cluster = { ...doc.cluster, nodes: parse(BIG_CLUSTER).cluster.nodes };
doc.registry = { ...doc.registry, enabled: true };
// docs/registry.md's working config: Harbor's local database volume stays out of file-system backups (its nightly
// dump protects it), and its objects get a Schedule of their own without volumes.
doc.backup = {
  ...doc.backup,
  velero: {
    ...doc.backup?.velero,
    objectStore: LAB_OBJECT_STORE,
    schedules: [
      { name: 'daily', schedule: '0 2 * * *', excludedNamespaces: ['harbor'] },
      { name: 'harbor-objects', schedule: '0 3 * * *', includedNamespaces: ['harbor'], fileSystemBackup: false },
    ],
  },
};
// docs/apps.md's Istio example: sidecar mode with the CNI plugin, the Gateway's proxy in the mesh, a 90/10 canary.
doc.mesh = { istio: { enabled: true, mode: 'sidecar', cni: true, entryInMesh: true } };
doc.apps[0] = { ...doc.apps[0], canary: { image: { tag: '1.31.3-alpine' }, weight: 10 } };
// and its tenant quota: with a sidecar in each pod, a rollout's 7 pods need 3150m of limits.cpu
doc.tenants[0] = { ...doc.tenants[0], quota: { ...doc.tenants[0].quota, limitsCpu: '4' } };
const config = parseConfig(stringify(doc));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-big-'));
const DIST = path.join(work, 'dist');
writeOutput(DIST, synthesize(config).files);
const manifests = manifestsKubectlReads(DIST);
const namespaces = namespacesOf(manifests);
const summary: string[] = [];

let cluster: ControlPlane;

beforeAll(async () => {
  cluster = await startLab(config.cluster, path.join(DIST, 'host', 'kube-apiserver', 'audit-policy.yaml'));
}, 90 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(work, { recursive: true, force: true });
  if (summary.length > 0) process.stdout.write(`\nRegistry, backup and an Istio canary on the real control plane (Kubernetes ${cluster?.version ?? '?'} on 127.0.0.1)\n${summary.map((l) => `  ${l}`).join('\n')}\n`);
}, 60_000);

describe('Harbor, Velero and an Istio canary on a real control plane', () => {
  test('the synthesized tree holds the registry, Velero and Istio units', () => {
    const files = fs.readdirSync(DIST);
    expect(files.filter((f) => /^\d\d-registry\./.test(f)).length).toBeGreaterThan(0);
    expect(files).toEqual(expect.arrayContaining(['needs-velero', 'needs-istio']));
    expect(namespaces).toEqual(expect.arrayContaining(['harbor', 'velero']));
  });

  test('`kubectl apply -f dist`, as typed, applies everything at the top level in one pass, with no error and only the node-agent\'s documented Pod Security warning', async () => {
    const r = await onDist(cluster, DIST, APPLY);
    // The one expected warning (docs/backup.md): namespace velero enforces privileged for the node-agent and warns at
    // restricted, so the API server names the node-agent's host access on every apply. It must be there, once.
    const all = applyComplaints(r, manifests).complaints;
    const nodeAgent = all.filter((l) => /^Warning: would violate PodSecurity "restricted:v1\.27": .*container "node-agent"/.test(l));
    expect({ exitCode: r.code, nodeAgentWarnings: nodeAgent.length, otherWarningsAndErrors: all.filter((l) => !nodeAgent.includes(l)) })
      .toEqual({ exitCode: 0, nodeAgentWarnings: 1, otherWarningsAndErrors: [] });
    // `configured`: a namespace's `default` ServiceAccount, adopted from the controller-manager (docs/deploying.md).
    const applied = r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => l.replace(/ (created|configured)$/, ''));
    expect(applied.sort()).toEqual(manifests.map(kubectlName).sort());
    summary.push(`${applied.length} objects applied by \`${APPLY.join(' ')}\``);
  });

  test('every needs-* folder applies: needs-velero against the CRDs that came with 50-backup, needs-istio against Istio\'s', async () => {
    const folders = crdFolders(DIST);
    expect(folders).toEqual(expect.arrayContaining(['needs-velero', 'needs-istio']));
    for (const folder of folders) {
      const r = await applyCrdFolder(cluster, DIST, folder);
      expect({ folder, missing: r.crdMissingFromSchemasCrds, exitCode: r.exitCode, warningsAndErrors: r.warningsAndErrors })
        .toEqual({ folder, missing: [], exitCode: 0, warningsAndErrors: [] });
      expect(r.applied).toEqual(r.expected);
      summary.push(`${folder}: ${r.applied.length} objects`);
    }
    // The BackupStorageLocation and Schedules are stored as written (the API server pruned no unknown field).
    for (const m of manifestsOf(path.join(DIST, 'needs-velero', fs.readdirSync(path.join(DIST, 'needs-velero'))[0]))) {
      const live = await cluster.getJson(['get', `${m.kind.toLowerCase()}.velero.io`, m.metadata.name, '-n', m.metadata.namespace]);
      expect({ object: kubectlName(m), spec: live.spec }).toEqual({ object: kubectlName(m), spec: m.spec });
    }
  });

  test('every Harbor and Velero workload is scheduled and Ready, within the nodes', async () => {
    const hpas = manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');
    const { status, notReady, why } = await settledWorkloads(cluster, namespaces, hpas);
    expect({ notReady, why }).toEqual({ notReady: [], why: [] });
    const ours = status.filter((w) => / (harbor|velero)\//.test(w.ref));
    expect(ours.map((w) => w.ref)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Deployment harbor\//), expect.stringMatching(/^StatefulSet harbor\//),
      expect.stringMatching(/^Deployment velero\/velero$/), expect.stringMatching(/^DaemonSet .*\/node-agent$/),
    ]));
    const { nodes, unscheduled } = await placement(cluster, namespaces);
    expect(unscheduled).toEqual([]);
    for (const n of nodes) {
      expect({ node: n.node, fitsCpu: n.cpu <= n.allocatableCpu + 1e-9, fitsMemory: n.memory <= n.allocatableMemory }).toEqual({ node: n.node, fitsCpu: true, fitsMemory: true });
    }
    summary.push(...ours.map((w) => `${w.ref} ${w.ready}/${w.desired}`));
  });

  test('the Istio canary\'s subsets each select exactly one version\'s live pods, and its Service selects both', async () => {
    const dir = path.join(DIST, 'needs-istio');
    const objects = fs.readdirSync(dir).flatMap((f) => manifestsOf(path.join(dir, f)));
    const rule = objects.find((m) => m.kind === 'DestinationRule');
    const route = objects.find((m) => m.kind === 'VirtualService');
    expect(route.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight])).toEqual([['stable', 90], ['canary', 10]]);
    const ns = rule.metadata.namespace;
    const pods = (await cluster.getJson(['get', 'pods', '-n', ns])).items.filter((p: any) => p.status?.phase === 'Running');
    const owners = (labels: Record<string, string>) => [...new Set(pods
      .filter((p: any) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v))
      .map((p: any) => p.metadata.labels['app.kubernetes.io/instance']))].sort();
    const subsets = Object.fromEntries(rule.spec.subsets.map((x: any) => [x.name, owners(x.labels)]));
    expect(subsets).toEqual({ stable: ['helloworld'], canary: ['helloworld-canary'] });
    const service = await cluster.getJson(['get', 'service', rule.spec.host.split('.')[0], '-n', ns]);
    expect(owners(service.spec.selector)).toEqual(['helloworld', 'helloworld-canary']);
    summary.push(`Istio canary ${ns}/${route.metadata.name}: stable 90 -> ${subsets.stable}, canary 10 -> ${subsets.canary} (live pods)`);
  });

  test('Harbor\'s claims bind to exactly their pre-bound NFS volumes', async () => {
    const expected = manifests.filter((m) => m.kind === 'PersistentVolume' && m.spec.claimRef?.namespace === 'harbor')
      .map((pv) => `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name} -> ${pv.metadata.name} Bound`).sort();
    expect(expected.length).toBeGreaterThan(0);
    const live = (await cluster.getJson(['get', 'pvc', '-n', 'harbor'])).items
      .map((c: any) => `harbor/${c.metadata.name} -> ${c.spec.volumeName} ${c.status.phase}`).sort();
    expect(live).toEqual(expected);
    summary.push(...live);
  });

  test('the live NetworkPolicies let Harbor core reach its database and Redis, and a tenant pod neither', async () => {
    const pods = (await cluster.getJson(['get', 'pods', '-A'])).items.filter((p: any) => p.status?.phase === 'Running');
    const model = (p: any): PodModel => ({
      namespace: p.metadata.namespace, name: p.metadata.name, labels: p.metadata.labels ?? {}, ip: p.status?.podIP,
      ports: p.spec.containers.flatMap((c: any) => (c.ports ?? []).map((x: any) => ({ name: x.name, containerPort: x.containerPort, protocol: x.protocol }))),
    });
    const component = (name: string) => pods.find((p: any) => p.metadata.namespace === 'harbor' && p.metadata.labels?.['app.kubernetes.io/component'] === name);
    const [core, database, redis] = ['core', 'database', 'redis'].map(component);
    const tenant = pods.find((p: any) => p.metadata.namespace === 'dwayne');
    expect({ core: !!core, database: !!database, redis: !!redis, tenant: !!tenant }).toEqual({ core: true, database: true, redis: true, tenant: true });
    const policies = (await cluster.getJson(['get', 'networkpolicies', '-A'])).items;
    const liveNamespaces = (await cluster.getJson(['get', 'namespaces'])).items.map((n: any) => ({ name: n.metadata.name, labels: n.metadata.labels }));
    const evaluator = new NetworkPolicyEvaluator(policies, liveNamespaces);
    const portOf = (p: any) => p.spec.containers[0].ports[0].containerPort as number;
    const verdict = (from: any, to: any) => evaluator.evaluate({ from: { pod: model(from) }, to: { pod: model(to) }, port: portOf(to) });
    const result = {
      coreToDatabase: verdict(core, database).allowed,
      coreToRedis: verdict(core, redis).allowed,
      tenantToDatabase: verdict(tenant, database).allowed,
      tenantToRedis: verdict(tenant, redis).allowed,
    };
    expect(result).toEqual({ coreToDatabase: true, coreToRedis: true, tenantToDatabase: false, tenantToRedis: false });
    summary.push(`live policies (${policies.length}): core -> database/redis allowed; ${tenant.metadata.namespace}/${tenant.metadata.name} -> database (${portOf(database)}), redis (${portOf(redis)}) refused`);
  });
});
