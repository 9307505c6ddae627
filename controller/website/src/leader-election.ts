/**
 * Leader election through a coordination.k8s.io/v1 Lease, after client-go's leaderelection package: a candidate
 * takes the Lease when it is free or its holder has not renewed it for leaseDuration (measured on this candidate's
 * own clock from when it last saw the record change, so clock skew between nodes does not matter), renews it every
 * retryPeriod, and gives up leadership when it could not renew for renewDeadline. Releasing clears the holder, so
 * the next candidate takes over at its next retry instead of waiting for the Lease to expire.
 */
import { ApiError } from './client';
import type { Clock, Timer } from './clock';
import type { Logger } from './log';

/** The Lease's spec, as the elector reads and writes it. Times are MicroTime strings (RFC 3339, microseconds). */
export interface LeaseRecord {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface StoredLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** The Lease LEASE_NAME in POD_NAMESPACE; kube-client.ts implements it, tests fake it. */
export interface LeaseApi {
  get(): Promise<StoredLease | undefined>;
  /** Fails with ApiError 409 when the Lease exists. */
  create(record: LeaseRecord): Promise<StoredLease>;
  /** Fails with ApiError 409 when `resourceVersion` is no longer current (someone else wrote it). */
  update(record: LeaseRecord, resourceVersion: string): Promise<StoredLease>;
}

export interface LeaderElectionOptions {
  readonly api: LeaseApi;
  /** The holder identity: POD_NAME. */
  readonly identity: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long a Lease not renewed stays its holder's. @default 15 000 ms */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it stops leading. @default 10 000 ms */
  readonly renewDeadlineMs?: number;
  /** The interval between attempts to acquire or renew. @default 2 000 ms */
  readonly retryPeriodMs?: number;
}

/** A MicroTime: `2026-12-01T11:44:34.123000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export class LeaderElector {
  public readonly leaseDurationMs: number;
  public readonly renewDeadlineMs: number;
  public readonly retryPeriodMs: number;
  private leading = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private observed: { record: string; at: number } | undefined;
  private current: StoredLease | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaigns until this candidate leads, then calls `onStartedLeading` and renews until it loses the Lease or
   * `stop()` is called. Resolves with why it ended: 'stopped' (stop() was called) or 'lost'.
   */
  async run(onStartedLeading: () => void): Promise<'stopped' | 'lost'> {
    const { clock, log, identity } = this.options;
    while (!this.stopped && !(await this.tryAcquireOrRenew())) await this.pause();
    if (this.stopped) return 'stopped';
    this.leading = true;
    log.info('became leader', { identity, lease: this.current?.resourceVersion });
    onStartedLeading();
    let lastRenew = clock.now();
    while (!this.stopped) {
      await this.pause();
      if (this.stopped) break;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = clock.now();
      } else if (this.heldByOther() || clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.leading = false;
        log.warn('lost leadership', { identity, holder: this.current?.record.holderIdentity });
        return 'lost';
      }
    }
    return 'stopped';
  }

  /** Ends `run` at its next step (without waiting out the retry period). */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /**
   * Gives the Lease up if this candidate holds it: clears the holder so another replica takes over at its next retry.
   * Call after stop() and after the work has stopped.
   */
  async release(): Promise<boolean> {
    const wasLeading = this.leading;
    this.leading = false;
    if (!wasLeading || this.current === undefined || this.current.record.holderIdentity !== this.options.identity) return false;
    const now = microTime(this.options.clock.now());
    const { holderIdentity: _, ...rest } = this.current.record;
    try {
      this.current = await this.options.api.update({ ...rest, leaseDurationSeconds: 1, renewTime: now }, this.current.resourceVersion);
      this.options.log.info('released the lease', { identity: this.options.identity });
      return true;
    } catch (e) {
      this.options.log.warn('could not release the lease; the next leader waits for it to expire', { error: e });
      return false;
    }
  }

  private heldByOther(): boolean {
    const holder = this.current?.record.holderIdentity;
    return holder !== undefined && holder !== '' && holder !== this.options.identity;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      let timer: Timer | undefined = undefined;
      this.wake = () => {
        timer?.cancel();
        this.wake = undefined;
        resolve();
      };
      timer = this.options.clock.after(this.retryPeriodMs, () => this.wake?.());
    });
  }

  /** One attempt; true when this candidate holds the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { api, clock, identity, log } = this.options;
    const now = clock.now();
    const record = (previous?: LeaseRecord): LeaseRecord => {
      const renewing = previous?.holderIdentity === identity;
      return {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: renewing && previous?.acquireTime !== undefined ? previous.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: previous === undefined ? 0 : renewing ? (previous.leaseTransitions ?? 0) : (previous.leaseTransitions ?? 0) + 1,
      };
    };
    let existing: StoredLease | undefined;
    try {
      existing = await api.get();
      if (existing === undefined) {
        this.current = await api.create(record());
        this.observed = { record: JSON.stringify(this.current.record), at: clock.now() };
        return true;
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.statusCode === 409)) log.warn('could not read or create the lease', { error: e });
      return false;
    }
    this.current = existing;
    const seen = JSON.stringify(existing.record);
    if (this.observed?.record !== seen) this.observed = { record: seen, at: now };
    const holder = existing.record.holderIdentity;
    const expiresAt = this.observed.at + existing.record.leaseDurationSeconds * 1000;
    if (holder !== undefined && holder !== '' && holder !== identity && now < expiresAt) return false;
    try {
      this.current = await api.update(record(existing.record), existing.resourceVersion);
      this.observed = { record: JSON.stringify(this.current.record), at: clock.now() };
      return true;
    } catch (e) {
      if (!(e instanceof ApiError && e.statusCode === 409)) log.warn('could not update the lease', { error: e });
      return false;
    }
  }
}
