import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { manifestsOf, ROOT } from '../support/helpers';
import { BIG_CLUSTER, declaringBlobs } from './fixtures';

const run = promisify(execFile);

/** A stand-in for Harbor's API on 127.0.0.1: the endpoints the day-one script calls, with basic auth. */
function fakeHarbor(password: string) {
  const projects = new Map<string, { registry_id?: number }>();
  const registries: Array<{ id: number; name: string; type: string; url: string }> = [];
  const writes: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = Buffer.from(`admin:${password}`).toString('base64');
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const reply = (code: number, json?: unknown) => { res.writeHead(code, { 'Content-Type': 'application/json' }); res.end(json === undefined ? '' : JSON.stringify(json)); };
      if (url.pathname === '/api/v2.0/ping') return reply(200, 'Pong');
      if (req.headers.authorization !== `Basic ${auth}`) return reply(401, { errors: [{ code: 'UNAUTHORIZED' }] });
      if (url.pathname === '/api/v2.0/projects' && req.method === 'HEAD') return reply(projects.has(url.searchParams.get('project_name') ?? '') ? 200 : 404);
      if (url.pathname === '/api/v2.0/projects' && req.method === 'POST') {
        const p = JSON.parse(body);
        if (projects.has(p.project_name)) return reply(409);
        projects.set(p.project_name, { registry_id: p.registry_id });
        writes.push(`project ${p.project_name}${p.registry_id ? ` -> registry ${p.registry_id}` : ''}`);
        return reply(201);
      }
      if (url.pathname === '/api/v2.0/registries' && req.method === 'GET') {
        const name = (url.searchParams.get('q') ?? '').replace(/^name=/, '');
        return reply(200, registries.filter((r) => r.name === name).map((r) => ({ id: r.id, name: r.name, type: r.type, url: r.url, credential: { type: 'basic' } })));
      }
      if (url.pathname === '/api/v2.0/registries' && req.method === 'POST') {
        const r = JSON.parse(body);
        registries.push({ id: registries.length + 7, ...r });
        writes.push(`registry ${r.name} ${r.type} ${r.url}`);
        return reply(201);
      }
      return reply(404);
    });
  });
  return { server, projects, registries, writes };
}

describe('the day-one Job\'s script against a stand-in Harbor API', () => {
  const config = stringify(declaringBlobs({
    ...parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8')), ...parse(BIG_CLUSTER),
    registry: { enabled: true, projects: ['platform', 'team-a'], proxyCache: [{ upstream: 'docker.io' }, { upstream: 'quay.io', project: 'quay' }], egressCidrs: ['203.0.113.0/24'] },
  }));
  const manifests = manifestsOf(synthesize(parseConfig(config)));
  const job = manifests.find((m) => m.kind === 'Job' && m.metadata.namespace === 'harbor');
  const env = Object.fromEntries(job.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
  const script = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'harbor-day-one').data['day-one.sh'];
  const harbor = fakeHarbor('s3cret');
  let scriptFile: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => harbor.server.listen(0, '127.0.0.1', resolve));
    scriptFile = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'day-one-')), 'day-one.sh');
    fs.writeFileSync(scriptFile, script);
  });
  afterAll(() => new Promise<void>((resolve) => harbor.server.close(() => resolve())));
  const runScript = (password = 's3cret') => run('sh', [scriptFile], {
    env: { PATH: process.env.PATH, ...env, HARBOR_URL: `http://127.0.0.1:${(harbor.server.address() as AddressInfo).port}`, HARBOR_PASSWORD: password },
    timeout: 30000,
  });

  test('creates the projects, the registry endpoints and the proxy-cache projects', async () => {
    // GIVEN an empty Harbor WHEN the Job runs THEN everything platform.yaml names exists
    const out = await runScript();
    expect(out.stdout).toMatch(/day-one: done/);
    expect(harbor.writes).toEqual([
      'project platform', 'project team-a',
      'registry docker.io docker-hub https://hub.docker.com', 'project proxy-docker-io -> registry 7',
      'registry quay.io docker-registry https://quay.io', 'project quay -> registry 8',
    ]);
  });

  test('a second run changes nothing', async () => {
    // GIVEN the state after the first run WHEN the Job runs again THEN no write is made
    const before = harbor.writes.length;
    const out = await runScript();
    expect(out.stdout).toMatch(/project platform exists[\s\S]*proxy-cache project quay exists[\s\S]*done/);
    expect(harbor.writes.length).toBe(before);
  });

  test('a wrong admin password fails the Job with the HTTP status, instead of passing silently', async () => {
    await expect(runScript('wrong')).rejects.toMatchObject({ stderr: expect.stringMatching(/day-one: POST \/projects answered HTTP 401/) });
  });
});
