import * as http from 'http';
import { startHttpServer, type RunningServer } from '../src/http-server';
import { Metrics } from '../src/metrics';

function get(server: RunningServer, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: server.address.port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

describe('the HTTP server', () => {
  test('/metrics, /healthz and /readyz on 127.0.0.1', async () => {
    let depth = 3;
    let ready = false;
    const metrics = new Metrics(() => depth);
    metrics.reconciled('success');
    metrics.reconciled('error');
    metrics.setLeader(true);
    const server = await startHttpServer({ host: '127.0.0.1', port: 0 }, metrics, { healthy: () => true, ready: () => ready });
    try {
      const m = await get(server, '/metrics');
      expect(m.status).toBe(200);
      expect(m.type).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(m.body).toContain('# TYPE website_reconcile_total counter\n');
      expect(m.body).toContain('website_reconcile_total{result="success"} 1\n');
      expect(m.body).toContain('website_reconcile_total{result="error"} 1\n');
      expect(m.body).toContain('website_reconcile_errors_total 1\n');
      expect(m.body).toContain('website_workqueue_depth 3\n');
      expect(m.body).toContain('website_leader 1\n');
      depth = 0;
      expect((await get(server, '/metrics')).body).toContain('website_workqueue_depth 0\n');
      expect(await get(server, '/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
      expect((await get(server, '/readyz')).status).toBe(503);
      ready = true;
      expect((await get(server, '/readyz')).status).toBe(200);
      expect((await get(server, '/other')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  test('every metric line is valid exposition format (name{labels} value)', () => {
    const text = new Metrics().render();
    for (const line of text.trimEnd().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) website_[a-z_]+ .+|website_[a-z_]+(\{result="[a-z]+"\})? [0-9]+)$/);
    }
  });
});
