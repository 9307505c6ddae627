import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { Controller, ownerKey } from '../src/controller';
import { jsonLogger } from '../src/log';
import { Metrics } from '../src/metrics';
import type { WatchSource } from '../src/watch-source';
import type { Website } from '../src/website';
import { WorkQueue } from '../src/workqueue';
import { FakeClock, settle } from './fake-clock';
import { config, FakeClient, website } from './fixtures';

/** An informer in memory: the test fires its events. */
class FakeSource<T> implements WatchSource<T> {
  readonly handlers: Record<string, ((x: any) => void)[]> = { add: [], update: [], delete: [], error: [] };
  items: T[] = [];
  starts = 0;
  stops = 0;
  /** The next start()s fail their list (emit error) while this is > 0; a start() that rejects when < 0. */
  failures = 0;
  private synced = false;
  on(event: string, cb: (x: any) => void): void {
    this.handlers[event].push(cb);
  }
  list(): T[] {
    return this.items;
  }
  async start(): Promise<void> {
    this.starts++;
    if (this.failures < 0) {
      this.failures++;
      throw new Error('connect ECONNREFUSED');
    }
    if (this.failures > 0) {
      this.failures--;
      this.emit('error', new Error('list failed: 503'));
      return;
    }
    this.synced = true;
  }
  hasSynced(): boolean {
    return this.synced;
  }
  async stop(): Promise<void> {
    this.stops++;
  }
  emit(event: 'add' | 'update' | 'delete' | 'error', x: unknown): void {
    for (const cb of this.handlers[event]) cb(x);
  }
}

function setup() {
  const clock = new FakeClock();
  const client = new FakeClient();
  const queue = new WorkQueue(clock, { baseMs: 1000, capMs: 8000 });
  const metrics = new Metrics(() => queue.depth);
  const websites = new FakeSource<Website>();
  const deployments = new FakeSource<V1Deployment>();
  const services = new FakeSource<V1Service>();
  const lines: string[] = [];
  const controller = new Controller({ client, config: config(), clock, log: jsonLogger('debug', (l) => lines.push(l)), metrics, queue, websites, deployments: [deployments], services: [services], resyncMs: 60_000 });
  return { clock, client, queue, metrics, websites, deployments, services, controller, lines };
}

describe('Controller', () => {
  test('a Website event is reconciled by a worker, counted and logged', async () => {
    const { client, websites, controller, metrics, lines } = setup();
    client.put(website());
    await controller.start();
    expect(controller.hasSynced).toBe(true);
    websites.emit('add', website());
    await settle();
    expect(client.deployments.has('demo/xxhf-website')).toBe(true);
    expect(metrics.reconcileCount('success')).toBe(1);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ level: 'debug', msg: 'reconciled', website: 'demo/xxhf' }));
    await controller.stop();
  });

  test('a change of the owned Deployment requeues its Website, which turns Ready', async () => {
    const { client, websites, deployments, controller } = setup();
    client.put(website());
    await controller.start();
    websites.emit('add', website());
    await settle();
    client.setDeploymentStatus('demo/xxhf-website', 1);
    deployments.emit('update', client.deployments.get('demo/xxhf-website'));
    await settle();
    expect(client.websites.get('demo/xxhf')?.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    await controller.stop();
  });

  test('a deleted Service requeues its Website, which applies it again (before any resync)', async () => {
    const { client, websites, services, controller, metrics } = setup();
    client.put(website());
    await controller.start();
    websites.emit('add', website());
    await settle();
    const service = client.services.get('demo/xxhf-website');
    expect(service).toBeDefined();
    client.services.delete('demo/xxhf-website');
    services.emit('delete', service);
    await settle();
    expect(client.services.get('demo/xxhf-website')).toEqual(service);
    expect(metrics.reconcileCount('success')).toBe(2);
    await controller.stop();
  });

  test('a Service another controller owns is not ours to requeue', async () => {
    const { client, websites, services, controller, metrics } = setup();
    client.put(website());
    await controller.start();
    websites.emit('add', website());
    await settle();
    services.emit('update', { metadata: { name: 'other', namespace: 'demo', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true }] } });
    await settle();
    expect(metrics.reconcileCount('success')).toBe(1);
    await controller.stop();
  });

  test('a failing reconcile is retried with growing delays, and succeeds once the API server accepts', async () => {
    const { clock, client, websites, controller, metrics, queue } = setup();
    client.put(website());
    client.applyError = new Error('connection refused');
    await controller.start();
    websites.emit('add', website());
    await settle();
    expect(metrics.reconcileCount('error')).toBe(1);
    await clock.advance(1000);
    expect(metrics.reconcileCount('error')).toBe(2);
    await clock.advance(1999);
    expect(metrics.reconcileCount('error')).toBe(2);
    await clock.advance(1);
    expect(metrics.reconcileCount('error')).toBe(3);
    client.applyError = undefined;
    await clock.advance(4000);
    expect(metrics.reconcileCount('success')).toBe(1);
    expect(queue.failuresOf('demo/xxhf')).toBe(0);
    expect(metrics.render()).toContain('website_reconcile_errors_total 3');
    await controller.stop();
  });

  test('resync queues every known Website again', async () => {
    const { clock, client, websites, controller, metrics } = setup();
    client.put(website());
    websites.items = [website()];
    await controller.start();
    await clock.advance(60_000);
    expect(metrics.reconcileCount('success')).toBe(1);
    await clock.advance(60_000);
    expect(metrics.reconcileCount('success')).toBe(2);
    await controller.stop();
  });

  test('an informer that stopped on an error is started again', async () => {
    const { clock, websites, controller } = setup();
    await controller.start();
    expect(websites.starts).toBe(1);
    websites.emit('error', new Error('watch failed: 500'));
    await clock.advance(5_000);
    expect(websites.starts).toBe(2);
    await controller.stop();
    expect(websites.stops).toBe(1);
  });

  test('a list that fails at start is retried, and the controller is synced only once it listed', async () => {
    const { clock, websites, deployments, services, controller } = setup();
    deployments.failures = 1;
    websites.failures = -1;
    services.failures = 1;
    await controller.start();
    expect(controller.hasSynced).toBe(false);
    await clock.advance(5_000);
    expect([websites.starts, deployments.starts, services.starts]).toEqual([2, 2, 2]);
    expect(controller.hasSynced).toBe(true);
    await controller.stop();
  });

  test('status-only updates of a Website (the controller\'s own patches) are not reconciled again; spec changes are', async () => {
    const { client, websites, controller, metrics } = setup();
    client.put(website());
    await controller.start();
    websites.emit('add', website());
    await settle();
    expect(metrics.reconcileCount('success')).toBe(1);
    websites.emit('update', client.websites.get('demo/xxhf'));
    await settle();
    expect(metrics.reconcileCount('success')).toBe(1);
    client.put(website({ generation: 2, spec: { branch: 'v2' } }));
    websites.emit('update', client.websites.get('demo/xxhf'));
    await settle();
    expect(metrics.reconcileCount('success')).toBe(2);
    await controller.stop();
  });

  test('stop() drains the workers and stops the informers', async () => {
    const { websites, deployments, services, controller, queue } = setup();
    await controller.start();
    await controller.stop();
    expect(queue.isShuttingDown).toBe(true);
    expect([websites.stops, deployments.stops, services.stops]).toEqual([1, 1, 1]);
  });
});

describe('ownerKey', () => {
  test('the controlling Website of a Deployment, and nothing for others', () => {
    const owned = { metadata: { namespace: 'demo', ownerReferences: [{ apiVersion: 'extensions.example.com/v1', kind: 'Website', name: 'xxhf', uid: 'u', controller: true }] } };
    expect(ownerKey(owned)).toBe('demo/xxhf');
    expect(ownerKey({ metadata: { namespace: 'demo', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u', controller: true }] } })).toBeUndefined();
    expect(ownerKey({ metadata: { namespace: 'demo' } })).toBeUndefined();
  });
});
