/** /metrics, /healthz and /readyz on METRICS_ADDR, for Prometheus and the kubelet's probes. */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { ListenAddress } from './config';
import type { Metrics } from './metrics';

export interface Probes {
  /** The process is alive and its event loop answers. */
  healthy(): boolean;
  /** A standby replica is ready; the leader once its informers have listed. */
  ready(): boolean;
}

export interface RunningServer {
  /** The bound address (port 0 in tests becomes a real port). */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

export function startHttpServer(address: ListenAddress, metrics: Metrics, probes: Probes): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'method not allowed\n');
    if (path === '/metrics') return answer(200, metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (path === '/healthz') return probes.healthy() ? answer(200, 'ok\n') : answer(503, 'unhealthy\n');
    if (path === '/readyz') return probes.ready() ? answer(200, 'ok\n') : answer(503, 'not ready\n');
    return answer(404, 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve({
        address: server.address() as AddressInfo,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
