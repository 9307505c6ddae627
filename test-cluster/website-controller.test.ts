/**
 * Issue 14, point 5: the Website controller (controller/website/) on the real control plane. Two controller
 * processes run on this machine against the lab API server with a real token of the ServiceAccount
 * website/website-controller (TokenRequest), so every call it makes is authorized by the contract's RBAC alone.
 * The CRD, the namespaces, the RBAC and the controller's environment are dist/'s, applied with `kubectl apply -f dist`
 * as a user would: the test proves the controller needs nothing the synth side does not grant.
 * Runs alone: `npx jest -c jest.cluster.config.js test-cluster/website-controller.test.ts`.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { parse } from 'yaml';
import { parseConfig } from '../lib/config/load';
import { APPLY, applyComplaints, manifestsKubectlReads, manifestsOf, onDist } from './support/apply';
import { canI, eventually } from './support/cluster-state';
import { ControlPlane } from './support/control-plane';
import { freePort } from './support/processes';
import { startLab } from './support/start-lab';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const TOP_LEVEL = manifestsKubectlReads(DIST);
const CONTROLLER_DEPLOYMENT = TOP_LEVEL.find((m) => m.kind === 'Deployment' && m.metadata.name === 'website-controller');
/** The Website dist/needs-websites declares (the notes' xxhf, in tenant demo). */
const WEBSITE = fs.readdirSync(path.join(DIST, 'needs-websites')).flatMap((f) => manifestsOf(path.join(DIST, 'needs-websites', f))).find((m) => m.metadata.name === 'xxhf');
/** A namespace the controller is told about that has no Role for it: what a mistake in its environment looks like. */
const UNGRANTED = 'shop';
const CONTROLLER = path.join(ROOT, 'controller', 'website');
const SA = { user: 'system:serviceaccount:website:website-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:website', 'system:authenticated'] };

/** The controller container's environment as dist/ writes it (values only: the downward API ones are set per replica). */
function distEnvironment(): Record<string, string> {
  const env = CONTROLLER_DEPLOYMENT.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
  return Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

let cluster: ControlPlane;
let kubeconfig: string;

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly log: string;
  readonly exited: Promise<number | null>;
}
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const port = await freePort();
  const log = path.join(cluster.dir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [path.join(CONTROLLER, 'build', 'main.js'), '--kubeconfig', kubeconfig], {
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH, ...distEnvironment(),
      POD_NAMESPACE: CONTROLLER_DEPLOYMENT.metadata.namespace, POD_NAME: name,
      WEBSITE_NAMESPACES: `${distEnvironment().WEBSITE_NAMESPACES},${UNGRANTED}`,
      METRICS_ADDR: `127.0.0.1:${port}`, LOG_LEVEL: 'debug',
    },
  });
  fs.closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const replica = { name, child, port, log, exited };
  replicas.push(replica);
  return replica;
}

function metric(replica: Replica, name: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: replica.port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const line = body.split('\n').find((l) => l.startsWith(`${name} `));
        resolve(line === undefined ? undefined : Number(line.split(' ')[1]));
      });
    }).on('error', () => resolve(undefined));
  });
}

function status(replica: Replica, urlPath: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port: replica.port, path: urlPath }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', () => resolve(undefined));
  });
}

const holder = async () => (await cluster.kubectl(['get', 'lease', 'website-controller', '-n', 'website', '-o', 'jsonpath={.spec.holderIdentity}'])).stdout;
const getWebsite = () => cluster.getJson(['get', 'website', 'xxhf', '-n', 'demo']);
const ready = (w: any) => (w.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
const logsOf = () => replicas.map((r) => `--- ${r.name}\n${fs.existsSync(r.log) ? fs.readFileSync(r.log, 'utf8').split('\n').slice(-15).join('\n') : ''}`).join('\n');

beforeAll(async () => {
  // The controller as `npm run website-controller` builds it.
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(CONTROLLER, 'tsconfig.json')], { stdio: 'inherit' });
  const config = parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  cluster = await startLab(config.cluster);
  // The platform as a user applies it: the Website CRD, the controller's namespace and RBAC come with the top level.
  const applied = await onDist(cluster, DIST, APPLY);
  expect({ exitCode: applied.code, complaints: applyComplaints(applied, TOP_LEVEL).complaints }).toEqual({ exitCode: 0, complaints: [] });
  await cluster.kubectlOk(['wait', '--for=condition=Established', 'crd/websites.extensions.example.com', '--timeout=60s']);
  for (const ns of [UNGRANTED, 'elsewhere']) await cluster.kubectlOk(['create', 'namespace', ns]);
  // A real token of the ServiceAccount: the controller is authorized exactly as in its pod.
  const token = (await cluster.kubectlOk(['create', 'token', 'website-controller', '-n', 'website', '--duration=2h'])).trim();
  const admin = parse(fs.readFileSync(cluster.kubeconfig, 'utf8'));
  kubeconfig = path.join(cluster.dir, 'website-controller.kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({ ...admin, users: [{ name: 'website-controller', user: { token } }], contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'website-controller' } }] }));
  await startReplica('controller-a');
  await eventually(holder, (h) => h === 'controller-a', 30_000);
  await startReplica('controller-b');
}, 30 * 60_000);

afterAll(async () => {
  for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await cluster?.stop();
}, 60_000);

describe('the contract\'s RBAC, as kubectl auth can-i sees it', () => {
  test.each([
    ['get', 'websites.extensions.example.com', 'demo'], ['list', 'websites.extensions.example.com', 'elsewhere'], ['watch', 'websites.extensions.example.com', 'demo'],
    ['patch', 'websites.extensions.example.com/status', 'demo'], ['update', 'websites.extensions.example.com/status', 'elsewhere'],
    ['create', 'deployments.apps', 'demo'], ['patch', 'deployments.apps', 'demo'], ['delete', 'services', 'demo'], ['watch', 'deployments.apps', 'demo'],
    ['create', 'leases.coordination.k8s.io', 'website'],
  ])('may %s %s in %s', async (verb, resource, ns) => {
    const [res, sub] = resource.split('/');
    expect(await canI(cluster, SA, verb, res, ns, sub)).toBe(true);
  });

  test.each([
    ['create', 'websites.extensions.example.com', 'demo'], ['update', 'websites.extensions.example.com', 'demo'], ['delete', 'websites.extensions.example.com', 'demo'],
    ['create', 'deployments.apps', 'elsewhere'], ['patch', 'services', 'elsewhere'], ['update', 'deployments.apps', 'demo'], ['create', 'deployments.apps', 'website'],
    ['get', 'secrets', 'demo'], ['create', 'events', 'demo'], ['create', 'pods', 'demo'], ['create', 'configmaps', 'demo'],
    ['get', 'leases.coordination.k8s.io', 'demo'], ['list', 'leases.coordination.k8s.io', 'website'], ['escalate', 'roles.rbac.authorization.k8s.io', 'demo'],
  ])('may not %s %s in %s', async (verb, resource, ns) => {
    expect(await canI(cluster, SA, verb, resource, ns)).toBe(false);
  });

  test('lease rights are on its own Lease only', async () => {
    expect(await cluster.kubectl(['auth', 'can-i', 'update', 'lease/website-controller', '-n', 'website', `--as=${SA.user}`])).toMatchObject({ stdout: 'yes\n' });
    expect(await cluster.kubectl(['auth', 'can-i', 'update', 'lease/other', '-n', 'website', `--as=${SA.user}`])).toMatchObject({ stdout: 'no\n' });
  });
});

describe('the controller', () => {
  test('one replica leads, the other stays passive', async () => {
    const a = replicas.find((r) => r.name === 'controller-a')!;
    const b = replicas.find((r) => r.name === 'controller-b')!;
    await eventually(() => metric(b, 'website_leader'), (v) => v === 0, 20_000);
    expect(await holder()).toBe('controller-a');
    expect(await metric(a, 'website_leader')).toBe(1);
    expect(await metric(b, 'website_leader')).toBe(0);
  });

  test('a Website gets its Deployment and Service, owned by it', async () => {
    // dist/needs-websites, as `kubectl apply -f dist/needs-websites` sends it
    expect(WEBSITE).toMatchObject({ kind: 'Website', metadata: { namespace: 'demo' } });
    await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify(WEBSITE));
    const uid = (await getWebsite()).metadata.uid;
    const owner = { apiVersion: 'extensions.example.com/v1', kind: 'Website', name: 'xxhf', uid, controller: true, blockOwnerDeletion: true };
    const deployment = await eventually(() => cluster.kubectl(['get', 'deployment', 'xxhf-website', '-n', 'demo', '-o', 'json']).then((r) => (r.code === 0 ? JSON.parse(r.stdout) : undefined)), (d) => d !== undefined, 30_000);
    expect(deployment?.metadata.ownerReferences).toEqual([owner]);
    expect(deployment?.spec.template.metadata.labels).toMatchObject({ 'platform-kit.io/exposed': 'true', 'app.kubernetes.io/instance': 'xxhf' });
    const service = await cluster.getJson(['get', 'service', 'xxhf-website', '-n', 'demo']);
    expect(service.metadata.ownerReferences).toEqual([owner]);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
    // managed by server-side apply under the controller's field manager
    const managed = JSON.parse(await cluster.kubectlOk(['get', 'deployment', 'xxhf-website', '-n', 'demo', '--show-managed-fields', '-o', 'json'])).metadata.managedFields;
    expect(managed.filter((f: any) => f.operation === 'Apply').map((f: any) => f.manager)).toEqual(['website-controller']);
  });

  test('the Website turns Ready once kwok reports its pod ready (the restricted namespace admitted it)', async () => {
    const w = await eventually(getWebsite, (x) => ready(x)?.status === 'True', 90_000);
    expect(ready(w)).toMatchObject({ status: 'True', reason: 'Available', observedGeneration: 1 });
    expect(w.status).toMatchObject({ observedGeneration: 1, readyReplicas: 1 });
  });

  test('changing spec.gitRepo updates the Deployment and the status follows the new generation', async () => {
    await cluster.kubectlOk(['patch', 'website', 'xxhf', '-n', 'demo', '--type=merge', '-p', JSON.stringify({ spec: { gitRepo: 'https://github.com/example/renamed.git' } })]);
    const d = await eventually(() => cluster.getJson(['get', 'deployment', 'xxhf-website', '-n', 'demo']), (x) => x.spec.template.spec.containers.find((c: any) => c.name === 'git-sync').args.includes('--repo=https://github.com/example/renamed.git'), 30_000);
    expect(d.spec.template.spec.containers.find((c: any) => c.name === 'git-sync').args).toContain('--repo=https://github.com/example/renamed.git');
    const w = await eventually(getWebsite, (x) => ready(x)?.status === 'True' && x.status.observedGeneration === 2, 90_000);
    expect(ready(w)).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  test('a quiet controller writes nothing: the Website\'s resourceVersion stays put', async () => {
    // once the rollout has settled (during it, readyReplicas moves and the status rightly follows)
    await cluster.kubectlOk(['rollout', 'status', 'deployment/xxhf-website', '-n', 'demo', '--timeout=60s']);
    await new Promise((r) => setTimeout(r, 3_000));
    const before = (await getWebsite()).metadata.resourceVersion;
    const deploymentBefore = (await cluster.getJson(['get', 'deployment', 'xxhf-website', '-n', 'demo'])).metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await getWebsite()).metadata.resourceVersion).toBe(before);
    expect((await cluster.getJson(['get', 'deployment', 'xxhf-website', '-n', 'demo'])).metadata.resourceVersion).toBe(deploymentBefore);
  });

  test('a deleted Service or Deployment is back within seconds: both are watched, not left to the 5-minute resync', async () => {
    const uidOf = async (kind: string) => (await cluster.kubectl(['get', kind, 'xxhf-website', '-n', 'demo', '-o', 'jsonpath={.metadata.uid}'])).stdout.trim();
    for (const kind of ['service', 'deployment']) {
      const before = await uidOf(kind);
      expect(before).not.toBe('');
      const deleted = Date.now();
      await cluster.kubectlOk(['delete', kind, 'xxhf-website', '-n', 'demo', '--wait=true']);
      const after = await eventually(() => uidOf(kind), (uid) => uid !== '' && uid !== before, 30_000);
      expect({ kind, recreated: after !== '' && after !== before }).toEqual({ kind, recreated: true });
      expect(Date.now() - deleted).toBeLessThan(30_000);
    }
    // and the site is whole again (the later tests start from a Ready Website)
    const w = await eventually(getWebsite, (x) => ready(x)?.status === 'True' && x.status.readyReplicas === 1, 90_000);
    expect(ready(w)).toMatchObject({ status: 'True' });
  }, 150_000);

  test('a Website in a namespace without websites is NamespaceNotManaged and gets nothing', async () => {
    await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'extensions.example.com/v1', kind: 'Website', metadata: { name: 'stray', namespace: 'elsewhere' }, spec: { gitRepo: 'https://github.com/example/stray.git' } }));
    const w = await eventually(() => cluster.getJson(['get', 'website', 'stray', '-n', 'elsewhere']), (x) => ready(x) !== undefined, 30_000);
    expect(ready(w)).toMatchObject({ status: 'False', reason: 'NamespaceNotManaged' });
    expect((await cluster.kubectl(['get', 'deployment', 'stray-website', '-n', 'elsewhere'])).code).not.toBe(0);
  });

  test('without its Role in a managed namespace: Ready False ApplyFailed, not ready; granted, it recovers by itself', async () => {
    const a = replicas.find((r) => r.name === 'controller-a')!;
    // the leader cannot list Deployments in shop, so it is not ready...
    expect(await status(a, '/readyz')).toBe(503);
    expect(await status(a, '/healthz')).toBe(200);
    await cluster.kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'extensions.example.com/v1', kind: 'Website', metadata: { name: 'store', namespace: UNGRANTED }, spec: { gitRepo: 'git@example.com:shop/store.git' } }));
    const failed = await eventually(() => cluster.getJson(['get', 'website', 'store', '-n', UNGRANTED]), (x) => ready(x)?.reason === 'ApplyFailed', 30_000);
    expect(ready(failed)).toMatchObject({ status: 'False', reason: 'ApplyFailed', message: expect.stringMatching(/forbidden.*\(HTTP 403\)/) });
    expect(await eventually(() => metric(a, 'website_reconcile_errors_total'), (v) => (v ?? 0) > 0, 10_000)).toBeGreaterThan(0);
    // ...until the synth side's Role is there: the backoff retry and the watch restart pick it up
    const rbac = TOP_LEVEL.filter((d) => ['Role', 'RoleBinding'].includes(d.kind) && d.metadata.namespace === 'demo' && d.metadata.name === 'website-controller');
    expect(rbac.map((d) => d.kind)).toEqual(['Role', 'RoleBinding']);
    await cluster.kubectlOk(['apply', '-f', '-'], rbac.map((d) => JSON.stringify({ ...d, metadata: { ...d.metadata, namespace: UNGRANTED } })).join('\n---\n'));
    const w = await eventually(() => cluster.getJson(['get', 'website', 'store', '-n', UNGRANTED]), (x) => ready(x)?.status === 'True', 90_000);
    expect(ready(w)).toMatchObject({ status: 'True', reason: 'Available' });
    expect(await eventually(() => status(a, '/readyz'), (c) => c === 200, 20_000)).toBe(200);
  }, 150_000);

  test('killing the leader hands over: the passive replica takes the Lease and reconciles', async () => {
    const a = replicas.find((r) => r.name === 'controller-a')!;
    const b = replicas.find((r) => r.name === 'controller-b')!;
    a.child.kill('SIGKILL');
    await a.exited;
    // b waits out the 15 s lease duration, then leads
    await eventually(holder, (h) => h === 'controller-b', 40_000);
    expect(await eventually(() => metric(b, 'website_leader'), (v) => v === 1, 10_000)).toBe(1);
    await cluster.kubectlOk(['patch', 'website', 'xxhf', '-n', 'demo', '--type=merge', '-p', JSON.stringify({ spec: { replicas: 2 } })]);
    const d = await eventually(() => cluster.getJson(['get', 'deployment', 'xxhf-website', '-n', 'demo']), (x) => x.spec.replicas === 2, 30_000);
    expect(d.spec.replicas).toBe(2);
  }, 120_000);

  test('SIGTERM: the leader releases the Lease, exits 0, and a waiting replica takes over at once', async () => {
    const b = replicas.find((r) => r.name === 'controller-b')!;
    const c = await startReplica('controller-c');
    await eventually(() => metric(c, 'website_leader'), (v) => v === 0, 20_000);
    const started = Date.now();
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await eventually(holder, (h) => h === 'controller-c', 15_000);
    expect(await holder()).toBe('controller-c');
    // well inside the 15 s a crashed leader's Lease takes to expire
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  test('deleting the Website removes its Deployment and Service through the garbage collector', async () => {
    // with every controller stopped, so only the garbage collector can do it
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.exited));
    const children = async () => (await cluster.kubectl(['get', 'deployment,service', '-n', 'demo', '-l', 'app.kubernetes.io/instance=xxhf', '-o', 'name'])).stdout.trim();
    expect((await children()).split('\n').sort()).toEqual(['deployment.apps/xxhf-website', 'service/xxhf-website']);
    await cluster.kubectlOk(['delete', 'website', 'xxhf', '-n', 'demo', '--wait=false']);
    const gone = await eventually(children, (s) => s === '', 60_000);
    expect(gone).toBe('');
  }, 90_000);
});

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls > state.numPassingAsserts) process.stdout.write(`controller logs:\n${logsOf()}\n`);
});
