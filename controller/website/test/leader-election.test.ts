import { ApiError } from '../src/client';
import { jsonLogger } from '../src/log';
import { LeaderElector, microTime, type LeaseApi, type LeaseRecord, type StoredLease } from '../src/leader-election';
import { FakeClock, settle } from './fake-clock';

/** One Lease in memory with the API server's optimistic concurrency (resourceVersion). */
class FakeLeases {
  lease: StoredLease | undefined;
  private version = 0;
  writes: { by: string; record: LeaseRecord }[] = [];

  api(caller: string): LeaseApi & { down: boolean } {
    const self = this;
    return {
      down: false,
      async get() {
        if (this.down) throw new Error('connection refused');
        return self.lease;
      },
      async create(record) {
        if (this.down) throw new Error('connection refused');
        if (self.lease) throw new ApiError('leases "website-controller" already exists', 409);
        return self.store(caller, record);
      },
      async update(record, resourceVersion) {
        if (this.down) throw new Error('connection refused');
        if (self.lease?.resourceVersion !== resourceVersion) throw new ApiError('the object has been modified', 409);
        return self.store(caller, record);
      },
    };
  }

  private store(by: string, record: LeaseRecord): StoredLease {
    this.writes.push({ by, record });
    this.lease = { record, resourceVersion: String(++this.version) };
    return this.lease;
  }

  get holder(): string | undefined {
    return this.lease?.record.holderIdentity;
  }
}

const quiet = jsonLogger('error', () => undefined);

function candidate(leases: FakeLeases, clock: FakeClock, identity: string) {
  const api = leases.api(identity);
  const elector = new LeaderElector({ api, identity, clock, log: quiet });
  const state = { leading: false, ended: undefined as string | undefined };
  const done = elector.run(() => { state.leading = true; }).then((why) => { state.ended = why; state.leading = false; });
  return { elector, api, state, done };
}

describe('LeaderElector', () => {
  test('of two candidates one leads and the other stays passive while the leader renews', async () => {
    // GIVEN two candidates on one Lease
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'pod-a');
    await settle();
    const b = candidate(leases, clock, 'pod-b');
    // WHEN a minute passes
    await clock.advance(60_000);
    // THEN a leads, b never did, and a renewed every retry period
    expect(a.state.leading).toBe(true);
    expect(b.state.leading).toBe(false);
    expect(leases.holder).toBe('pod-a');
    expect(leases.writes.every((w) => w.by === 'pod-a')).toBe(true);
    expect(leases.writes.length).toBeGreaterThanOrEqual(30);
    expect(leases.lease?.record).toMatchObject({ leaseDurationSeconds: 15, leaseTransitions: 0, acquireTime: microTime(Date.parse('2026-12-01T12:00:00Z')) });
    a.elector.stop();
    b.elector.stop();
    await Promise.all([a.done, b.done]);
  });

  test('when the leader stops renewing, the other takes over after the lease duration, not before', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'pod-a');
    await settle();
    const b = candidate(leases, clock, 'pod-b');
    await clock.advance(10_000);
    expect(a.state.leading).toBe(true);
    // WHEN a's API calls start failing (a hung or partitioned leader)
    a.api.down = true;
    const lastRenew = clock.now() - (clock.now() % 2000);
    // THEN b waits out the 15 s lease duration from when it last saw the record change...
    await clock.advance(12_000);
    expect(b.state.leading).toBe(false);
    await clock.advance(6_000);
    // ...then takes over, with one more transition; a gave up leading after its 10 s renew deadline
    expect(b.state.leading).toBe(true);
    expect(leases.holder).toBe('pod-b');
    expect(leases.lease?.record.leaseTransitions).toBe(1);
    expect(a.state.ended).toBe('lost');
    expect(clock.now() - lastRenew).toBeGreaterThanOrEqual(15_000);
    b.elector.stop();
    await b.done;
  });

  test('a leader that sees the Lease taken by another stops leading at once', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'pod-a');
    await clock.advance(2_000);
    // a person (or a split brain) hands the Lease to someone else
    leases.lease = { record: { ...leases.lease!.record, holderIdentity: 'pod-z' }, resourceVersion: 'x' };
    await clock.advance(2_000);
    expect(a.state.ended).toBe('lost');
  });

  test('release on shutdown clears the holder and the other candidate takes over at its next retry', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    const a = candidate(leases, clock, 'pod-a');
    await settle();
    const b = candidate(leases, clock, 'pod-b');
    await clock.advance(5_000);
    // WHEN a is stopped and releases
    a.elector.stop();
    await a.done;
    await expect(a.elector.release()).resolves.toBe(true);
    expect(leases.holder).toBeUndefined();
    expect(leases.lease?.record.leaseDurationSeconds).toBe(1);
    // THEN b leads within one retry period, long before 15 s
    await clock.advance(2_000);
    expect(b.state.leading).toBe(true);
    expect(leases.holder).toBe('pod-b');
    b.elector.stop();
    await b.done;
  });

  test('stop() ends a waiting candidate at once, and release() of a non-leader writes nothing', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeases();
    leases.lease = { record: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: microTime(clock.now()) }, resourceVersion: '7' };
    const b = candidate(leases, clock, 'pod-b');
    await clock.advance(4_000);
    b.elector.stop();
    await settle();
    expect(b.state.ended).toBe('stopped');
    await expect(b.elector.release()).resolves.toBe(false);
    expect(leases.writes).toEqual([]);
  });

  test('the documented timings, and a refusal of inconsistent ones', () => {
    const e = new LeaderElector({ api: new FakeLeases().api('x'), identity: 'x', clock: new FakeClock(), log: quiet });
    expect([e.leaseDurationMs, e.renewDeadlineMs, e.retryPeriodMs]).toEqual([15_000, 10_000, 2_000]);
    expect(() => new LeaderElector({ api: new FakeLeases().api('x'), identity: 'x', clock: new FakeClock(), log: quiet, renewDeadlineMs: 20_000 })).toThrow(/leaseDuration > renewDeadline > retryPeriod/);
  });

  test('microTime has the six fraction digits a MicroTime needs', () => {
    expect(microTime(Date.parse('2026-12-01T12:00:00.123Z'))).toBe('2026-12-01T12:00:00.123000Z');
  });
});
