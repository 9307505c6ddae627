/**
 * A rate-limited work queue of keys, shaped like client-go's: a key is queued at most once however often it is
 * added; a key being processed is not handed to a second worker, and an add meanwhile queues it again once done;
 * failures back off exponentially per key up to a cap, and `forget` resets a key's backoff after a success.
 */
import type { Clock, Timer } from './clock';

export interface BackoffOptions {
  /** First retry delay. @default 500 ms */
  readonly baseMs?: number;
  /** Largest retry delay. @default 5 minutes */
  readonly capMs?: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys queued or waiting to be re-queued after processing (client-go's "dirty" set). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: Timer }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  public readonly baseMs: number;
  public readonly capMs: number;

  constructor(
    private readonly clock: Clock,
    options: BackoffOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 500;
    this.capMs = options.capMs ?? 5 * 60_000;
  }

  /** Keys waiting to be processed now (not those waiting out a backoff): the website_workqueue_depth gauge. */
  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  /** Adds `key` after `ms`; an earlier pending add of the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending !== undefined) {
      if (pending.at <= at) return;
      pending.timer.cancel();
    }
    const timer = this.clock.after(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /** The delay the next failure of `key` waits: base·2^failures, capped. */
  backoff(key: string): number {
    const n = this.failures.get(key) ?? 0;
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(n, 52));
  }

  addRateLimited(key: string): number {
    const delay = this.backoff(key);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the failure count of `key` (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key, waiting for one; undefined once shut down. Call `done(key)` when finished with it. */
  get(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Stops handing out keys: waiting and later `get`s resolve undefined; pending delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
