/**
 * The leader's work: informers feed a work queue of Website keys, workers reconcile them one key at a time, failures
 * come back with backoff, and every resync period all known Websites are queued again (a missed event is repaired
 * within one period).
 */
import type { V1Deployment, V1ObjectMeta, V1Service } from '@kubernetes/client-node';
import type { WebsiteClient } from './client';
import type { Clock, Timer } from './clock';
import type { ControllerConfig } from './config';
import { API_VERSION, KIND } from './contract';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { reconcile } from './reconcile';
import type { WatchSource } from './watch-source';
import { keyOf, splitKey, type Website } from './website';
import { WorkQueue } from './workqueue';

export interface ControllerOptions {
  readonly client: WebsiteClient;
  readonly config: ControllerConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly queue: WorkQueue;
  /** Websites in every namespace. */
  readonly websites: WatchSource<Website>;
  /** The Deployments of each managed namespace (the Role is per namespace, so is the watch). */
  readonly deployments: readonly WatchSource<V1Deployment>[];
  /**
   * The Services of each managed namespace, so that a deleted or edited Service is put back at once rather than at the
   * next resync. @default [] (only the resync repairs them)
   */
  readonly services?: readonly WatchSource<V1Service>[];
  /** Concurrent reconciles (different keys only). @default 2 */
  readonly workers?: number;
  /** How often every Website is queued again. @default 5 minutes */
  readonly resyncMs?: number;
  /** Delay before an informer that stopped on an error is started again. @default 5 000 ms */
  readonly restartDelayMs?: number;
}

/** The Website that controls `child` (its Deployment or Service), from its controller ownerReference. */
export function ownerKey(child: { metadata?: V1ObjectMeta }): string | undefined {
  const owner = (child.metadata?.ownerReferences ?? []).find((o) => o.controller === true && o.kind === KIND && o.apiVersion === API_VERSION);
  const namespace = child.metadata?.namespace;
  return owner !== undefined && namespace !== undefined ? keyOf(namespace, owner.name) : undefined;
}

export class Controller {
  public readonly workers: number;
  public readonly resyncMs: number;
  public readonly restartDelayMs: number;
  private readonly running: Promise<void>[] = [];
  private resyncTimer: Timer | undefined;
  private stopped = false;
  private started = false;
  /** The generation last queued per Website: status-only updates (our own patches) need no reconcile. */
  private readonly generations = new Map<string, number | undefined>();

  constructor(private readonly options: ControllerOptions) {
    this.workers = options.workers ?? 2;
    this.resyncMs = options.resyncMs ?? 5 * 60_000;
    this.restartDelayMs = options.restartDelayMs ?? 5_000;
  }

  /** True once every informer has listed: /readyz of the leader. */
  get hasSynced(): boolean {
    return this.started && this.sources.every((s) => s.hasSynced());
  }

  private get sources(): WatchSource<unknown>[] {
    return [this.options.websites, ...this.owned] as WatchSource<unknown>[];
  }

  /** The informers of what Websites own: an event there requeues the owner. */
  private get owned(): WatchSource<V1Deployment | V1Service>[] {
    return [...this.options.deployments, ...(this.options.services ?? [])] as WatchSource<V1Deployment | V1Service>[];
  }

  /** Starts `source`; a start that fails is retried after restartDelayMs, like a watch that stops on an error. */
  private async startSource(source: WatchSource<unknown>): Promise<void> {
    try {
      await source.start();
    } catch (e) {
      this.restartLater(source, e);
    }
  }

  private restartLater(source: WatchSource<unknown>, err: unknown): void {
    if (this.stopped) return;
    this.options.log.warn('watch failed; restarting it', { error: err, inMs: this.restartDelayMs });
    this.options.clock.after(this.restartDelayMs, () => {
      if (!this.stopped) void this.startSource(source);
    });
  }

  async start(): Promise<void> {
    const { websites, queue, log } = this.options;
    const enqueue = (w: Website) => {
      const key = keyOf(w.metadata.namespace, w.metadata.name);
      this.generations.set(key, w.metadata.generation);
      queue.add(key);
    };
    websites.on('add', enqueue);
    // As controller-runtime's GenerationChangedPredicate: the spec changed, or a deletion began.
    websites.on('update', (w) => {
      const key = keyOf(w.metadata.namespace, w.metadata.name);
      if (!this.generations.has(key) || this.generations.get(key) !== w.metadata.generation || w.metadata.deletionTimestamp !== undefined) enqueue(w);
    });
    websites.on('delete', (w) => {
      const key = keyOf(w.metadata.namespace, w.metadata.name);
      this.generations.delete(key);
      queue.forget(key);
    });
    const requeueOwner = (child: V1Deployment | V1Service) => {
      const key = ownerKey(child);
      if (key !== undefined) queue.add(key);
    };
    // A deleted child requeues its owner too: the Website gets it back.
    for (const source of this.owned) for (const event of ['add', 'update', 'delete'] as const) source.on(event, requeueOwner);
    for (const source of this.sources) source.on('error', (err: unknown) => this.restartLater(source, err));
    await Promise.all(this.sources.map((s) => this.startSource(s)));
    this.started = true;
    log.info('informers started', { synced: this.hasSynced, websites: websites.list().length, namespaces: this.options.config.namespaces.length });
    for (let i = 0; i < this.workers; i++) this.running.push(this.work());
    this.scheduleResync();
  }

  /** Stops taking work, waits for the reconciles in flight, stops the informers. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.resyncTimer?.cancel();
    this.options.queue.shutDown();
    await Promise.all(this.running);
    await Promise.all(this.sources.map((s) => s.stop()));
  }

  private scheduleResync(): void {
    this.resyncTimer = this.options.clock.after(this.resyncMs, () => {
      if (this.stopped) return;
      for (const w of this.options.websites.list()) this.options.queue.add(keyOf(w.metadata.namespace, w.metadata.name));
      this.scheduleResync();
    });
  }

  private async work(): Promise<void> {
    const { queue } = this.options;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.processKey(key);
      } finally {
        queue.done(key);
      }
    }
  }

  /** One reconcile of `key`, with its metrics, logs and retry. */
  async processKey(key: string): Promise<void> {
    const { client, config, clock, log, metrics, queue } = this.options;
    const { namespace, name } = splitKey(key);
    const started = clock.now();
    try {
      const outcome = await reconcile({ client, config, now: () => new Date(clock.now()) }, namespace, name);
      metrics.reconciled(outcome.result);
      if (outcome.result === 'error') {
        const retryInMs = queue.addRateLimited(key);
        log.warn('reconcile failed', { website: key, error: outcome.error, retryInMs, attempts: queue.failuresOf(key) });
        return;
      }
      queue.forget(key);
      log.debug('reconciled', { website: key, ...outcome, ms: clock.now() - started });
    } catch (e) {
      // Reading the Website or writing its status failed: the same retry.
      metrics.reconciled('error');
      const retryInMs = queue.addRateLimited(key);
      log.warn('reconcile failed', { website: key, error: e, retryInMs, attempts: queue.failuresOf(key) });
    }
  }
}
