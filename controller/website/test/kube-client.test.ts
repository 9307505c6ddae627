/**
 * The client-node adapters (kube-client.ts) against an API server stand-in on 127.0.0.1: the HTTP requests they
 * send (server-side apply, status merge patch, the Lease's MicroTimes) and how answers map back. client-node is an
 * ES module, which jest cannot load, so the compiled adapters run in a child Node.js process (as in the image).
 */
import { execFileSync, execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

const CONTROLLER = path.resolve(__dirname, '..');
const ROOT = path.resolve(CONTROLLER, '..', '..');
/** The build goes to a temporary directory; its require('@kubernetes/client-node') finds the repository's install. */
const CHILD_ENV = { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules') };

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly contentType?: string;
  readonly authorization?: string;
  readonly body: any;
}

let out: string;
let server: http.Server;
let kubeconfig: string;
const seen: Seen[] = [];

/** Answers like kube-apiserver: the object back for writes, a Status for errors. */
function answer(req: http.IncomingMessage, body: any, res: http.ServerResponse): void {
  const url = req.url ?? '';
  const send = (code: number, obj: unknown) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  // Discovery: server-side apply through KubernetesObjectApi first looks up the resource of a kind (once per client).
  if (url === '/apis/apps/v1') return send(200, { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{ name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['patch'] }] });
  if (url === '/api/v1') return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'services', namespaced: true, kind: 'Service', verbs: ['patch'] }] });
  if (url.startsWith('/apis/extensions.example.com/v1/namespaces/demo/websites/missing')) {
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'websites.extensions.example.com "missing" not found', reason: 'NotFound', code: 404 });
  }
  if (url.startsWith('/apis/apps/v1/namespaces/shop/deployments/')) {
    return send(403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'deployments.apps "x-website" is forbidden: User "system:serviceaccount:website:website-controller" cannot patch resource "deployments" in API group "apps" in the namespace "shop"', reason: 'Forbidden', code: 403 });
  }
  if (req.method === 'GET' && url.startsWith('/apis/coordination.k8s.io/v1/namespaces/website/leases/website-controller')) {
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'leases.coordination.k8s.io "website-controller" not found', reason: 'NotFound', code: 404 });
  }
  if (req.method === 'GET') return send(200, { apiVersion: 'extensions.example.com/v1', kind: 'Website', metadata: { name: 'xxhf', namespace: 'demo', uid: 'u1', generation: 3 }, spec: { gitRepo: 'https://example.com/x.git' } });
  const stored = { ...body, metadata: { ...(body?.metadata ?? {}), resourceVersion: '42', generation: 1 }, status: { readyReplicas: 1, observedGeneration: 1 } };
  return send(req.method === 'POST' ? 201 : 200, stored);
}

/** Runs `script` in a child Node.js with the compiled adapters as `kc` (kube-client.js) and the kubeconfig. */
function child(script: string): Promise<any> {
  const program = `const kc = require(${JSON.stringify(path.join(out, 'kube-client.js'))}); const config = kc.loadKubeConfig(${JSON.stringify(kubeconfig)});
(async () => { ${script} })().then((r) => process.stdout.write(JSON.stringify(r ?? null)), (e) => process.stdout.write(JSON.stringify({ thrown: e.name, message: e.message, statusCode: e.statusCode })));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', program], { env: CHILD_ENV }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'website-controller-build-'));
  out = path.join(dir, 'build');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(CONTROLLER, 'tsconfig.json'), '--outDir', out, '--tsBuildInfoFile', path.join(dir, '.tsbuildinfo')]);
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = text === '' ? undefined : JSON.parse(text);
      if (req.url !== '/apis/apps/v1' && req.url !== '/api/v1') seen.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'lab',
    clusters: [{ name: 'lab', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'sa', user: { token: 'service-account-token' } }],
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'sa' } }],
  }));
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

describe('websiteClient', () => {
  test('applies a Deployment with server-side apply, field manager website-controller and force, and returns the stored object', async () => {
    const result = await child(`return kc.websiteClient(config).applyDeployment({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'xxhf-website', namespace: 'demo' }, spec: { replicas: 1 } });`);
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req.method).toBe('PATCH');
    expect(req.url.split('?')[0]).toBe('/apis/apps/v1/namespaces/demo/deployments/xxhf-website');
    expect(new URLSearchParams(req.url.split('?')[1]).get('fieldManager')).toBe('website-controller');
    expect(new URLSearchParams(req.url.split('?')[1]).get('force')).toBe('true');
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.authorization).toBe('Bearer service-account-token');
    expect(req.body).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'xxhf-website', namespace: 'demo' }, spec: { replicas: 1 } });
    expect(result).toMatchObject({ metadata: { generation: 1 }, status: { readyReplicas: 1 } });
  });

  test('applies a Service the same way', async () => {
    await child(`return kc.websiteClient(config).applyService({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'xxhf-website', namespace: 'demo' }, spec: { type: 'ClusterIP' } });`);
    expect(seen.map((r) => [r.method, r.url.split('?')[0], r.contentType])).toEqual([['PATCH', '/api/v1/namespaces/demo/services/xxhf-website', 'application/apply-patch+yaml']]);
  });

  test('merge-patches the status subresource', async () => {
    await child(`return kc.websiteClient(config).patchWebsiteStatus('demo', 'xxhf', { observedGeneration: 3, conditions: [] });`);
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('PATCH');
    expect(seen[0].url.split('?')[0]).toBe('/apis/extensions.example.com/v1/namespaces/demo/websites/xxhf/status');
    expect(seen[0].contentType).toBe('application/merge-patch+json');
    expect(seen[0].body).toEqual({ status: { observedGeneration: 3, conditions: [] } });
  });

  test('gets a Website, and undefined for one that is gone', async () => {
    expect(await child(`return kc.websiteClient(config).getWebsite('demo', 'xxhf');`)).toMatchObject({ kind: 'Website', metadata: { name: 'xxhf', generation: 3 } });
    expect(await child(`return { gone: (await kc.websiteClient(config).getWebsite('demo', 'missing')) === undefined };`)).toEqual({ gone: true });
    expect(seen.map((r) => r.url)).toEqual(['/apis/extensions.example.com/v1/namespaces/demo/websites/xxhf', '/apis/extensions.example.com/v1/namespaces/demo/websites/missing']);
  });

  test('an API error carries the API server\'s message and the HTTP status', async () => {
    const result = await child(`return kc.websiteClient(config).applyDeployment({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x-website', namespace: 'shop' } });`);
    expect(result).toEqual({ thrown: 'ApiError', statusCode: 403, message: expect.stringMatching(/^deployments\.apps "x-website" is forbidden: User "system:serviceaccount:website:website-controller" cannot patch/) });
  });
});

describe('leaseApi', () => {
  test('a missing Lease reads as undefined; create sends the spec with MicroTimes and reads the stored Lease back', async () => {
    const result = await child(`const api = kc.leaseApi(config, 'website', 'website-controller');
      const before = await api.get();
      const created = await api.create({ holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: '2026-12-01T12:00:00.123000Z', renewTime: '2026-12-01T12:00:00.123000Z', leaseTransitions: 0 });
      return { before: before === undefined ? 'none' : before, created };`);
    expect(result.before).toBe('none');
    const create = seen.find((r) => r.method === 'POST')!;
    expect(create.url.split('?')[0]).toBe('/apis/coordination.k8s.io/v1/namespaces/website/leases');
    expect(create.body).toEqual({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'website-controller', namespace: 'website' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: '2026-12-01T12:00:00.123000Z', renewTime: '2026-12-01T12:00:00.123000Z', leaseTransitions: 0 } });
    expect(result.created).toEqual({ resourceVersion: '42', record: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: '2026-12-01T12:00:00.123000Z', renewTime: '2026-12-01T12:00:00.123000Z', leaseTransitions: 0 } });
  });

  test('update is a PUT carrying the resourceVersion it read (optimistic concurrency); a release sends no holder', async () => {
    await child(`return kc.leaseApi(config, 'website', 'website-controller').update({ leaseDurationSeconds: 1, renewTime: '2026-12-01T12:00:02.000000Z', leaseTransitions: 0 }, '41');`);
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('PUT');
    expect(seen[0].url.split('?')[0]).toBe('/apis/coordination.k8s.io/v1/namespaces/website/leases/website-controller');
    expect(seen[0].body.metadata.resourceVersion).toBe('41');
    expect(seen[0].body.spec).toEqual({ leaseDurationSeconds: 1, renewTime: '2026-12-01T12:00:02.000000Z', leaseTransitions: 0 });
  });
});

describe('loadKubeConfig', () => {
  test('outside a pod without a kubeconfig it says so instead of failing every call later', async () => {
    const program = `try { require(${JSON.stringify(path.join(out, 'kube-client.js'))}).loadKubeConfig(); } catch (e) { process.stdout.write(e.message); }`;
    expect(execFileSync(process.execPath, ['-e', program], { env: CHILD_ENV, encoding: 'utf8' })).toMatch(/not running in a pod \(KUBERNETES_SERVICE_HOST is not set\) and no kubeconfig was given/);
  });
});
