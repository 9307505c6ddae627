import { WorkQueue } from '../src/workqueue';
import { FakeClock } from './fake-clock';

describe('WorkQueue', () => {
  test('a key added many times is queued once', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('demo/a');
    q.add('demo/a');
    q.add('demo/b');
    expect(q.depth).toBe(2);
    await expect(q.get()).resolves.toBe('demo/a');
    await expect(q.get()).resolves.toBe('demo/b');
    expect(q.depth).toBe(0);
  });

  test('a key added while it is processed is handed out again only after done()', async () => {
    const q = new WorkQueue(new FakeClock());
    q.add('demo/a');
    const key = await q.get();
    q.add('demo/a');
    // not to a second worker meanwhile
    expect(q.depth).toBe(0);
    q.done(key!);
    expect(q.depth).toBe(1);
    await expect(q.get()).resolves.toBe('demo/a');
  });

  test('a waiting get() receives the next added key', async () => {
    const q = new WorkQueue(new FakeClock());
    const waiting = q.get();
    q.add('demo/a');
    await expect(waiting).resolves.toBe('demo/a');
  });

  test('failures back off exponentially up to the cap, and forget() resets', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock, { baseMs: 100, capMs: 1000 });
    const delays = [1, 2, 3, 4, 5, 6].map(() => {
      const d = q.addRateLimited('demo/a');
      return d;
    });
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(q.failuresOf('demo/a')).toBe(6);
    q.forget('demo/a');
    expect(q.backoff('demo/a')).toBe(100);
  });

  test('a rate-limited key comes back exactly after its delay', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock, { baseMs: 500 });
    q.addRateLimited('demo/a');
    await clock.advance(499);
    expect(q.depth).toBe(0);
    await clock.advance(1);
    expect(q.depth).toBe(1);
  });

  test('an earlier delayed add of the same key wins over a later one', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    q.addAfter('demo/a', 1000);
    q.addAfter('demo/a', 5000);
    q.addAfter('demo/a', 200);
    await clock.advance(200);
    expect(q.depth).toBe(1);
    await q.get().then((k) => q.done(k!));
    await clock.advance(10_000);
    expect(q.depth).toBe(0);
  });

  test('shutDown releases waiting workers and drops delayed adds', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue(clock);
    const waiting = q.get();
    q.addAfter('demo/a', 1000);
    q.shutDown();
    await expect(waiting).resolves.toBeUndefined();
    await clock.advance(2000);
    q.add('demo/b');
    expect(q.depth).toBe(0);
    await expect(q.get()).resolves.toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  test('the documented defaults', () => {
    const q = new WorkQueue(new FakeClock());
    expect([q.baseMs, q.capMs]).toEqual([500, 300_000]);
  });
});
