import * as fs from 'fs';
import * as path from 'path';
import { callsOf, clientCredentials, expectNoPasswordInArgv, Fixture, makeFixture, opt, PASSWORDS } from './harness';

// Each case starts several bash processes; leave room for a loaded CI machine.
jest.setTimeout(30_000);

/** Pretends that mysqld is running on the fixture's MYSQL_SOCKET (what the mysqladmin stub checks). */
function serverRunning(fx: Fixture): void {
  const key = fx.env.MYSQL_SOCKET.replace(/\//g, '_');
  fs.writeFileSync(path.join(fx.root, 'stub-state', `running${key}`), '');
}

describe('probe.sh', () => {
  let fx: Fixture;
  afterEach(() => {
    expectNoPasswordInArgv(fx.calls());
    fx.cleanup();
  });

  test.each(['live', 'startup'])('%s: mysqladmin ping on the local socket succeeds', (mode) => {
    fx = makeFixture('mysql-1');
    serverRunning(fx);
    const res = fx.run('probe.sh', [mode]);
    expect(res.status).toBe(0);
    expect(res.calls.map((c) => c.cmd)).toEqual(['mysqladmin']);
    const [ping] = res.calls;
    expect(ping.argv[0]).toBe('--defaults-extra-file=/dev/fd/3');
    expect(opt(ping.argv, 'socket')).toBe(fx.env.MYSQL_SOCKET);
    expect(ping.argv[ping.argv.length - 1]).toBe('ping');
    expect(clientCredentials(ping)).toEqual({ user: 'root', password: PASSWORDS['root-password'] });
  });

  test.each(['live', 'startup'])('%s: fails when mysqld does not answer', (mode) => {
    fx = makeFixture('mysql-1');
    const res = fx.run('probe.sh', [mode]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`[probe] ERROR: ${mode}: mysqld does not answer on ${fx.env.MYSQL_SOCKET}`);
  });

  test('ready on the primary: SELECT 1 only', () => {
    fx = makeFixture('mysql-0');
    const res = fx.run('probe.sh', ['ready']);
    expect(res.status).toBe(0);
    const [query] = callsOf(res.calls, 'mysql');
    expect(res.calls).toHaveLength(1);
    expect(query.stdin).toBe('SELECT 1 AS ok;');
    expect(opt(query.argv, 'socket')).toBe(fx.env.MYSQL_SOCKET);
    expect(clientCredentials(query)).toEqual({ user: 'root', password: PASSWORDS['root-password'] });
  });

  test('ready on a replica with both threads running', () => {
    fx = makeFixture('mysql-2');
    const res = fx.run('probe.sh', ['ready']);
    expect(res.status).toBe(0);
    expect(res.stderr).toBe('');
    const [query] = callsOf(res.calls, 'mysql');
    expect(query.stdin).toBe('SELECT 1 AS ok;\nSHOW REPLICA STATUS;');
  });

  test('ready on a replica with a stopped SQL thread fails and says so', () => {
    fx = makeFixture('mysql-2');
    const res = fx.run('probe.sh', ['ready'], {
      STUB_REPLICA_SQL: 'No',
      STUB_LAST_SQL_ERROR: "Error 'Duplicate entry '7' for key 'PRIMARY'' on query.",
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe(
      '[probe] ERROR: ready: replica mysql-2: SQL thread is not running (Replica_SQL_Running: No; ' +
        "Last_SQL_Error: Error 'Duplicate entry '7' for key 'PRIMARY'' on query.)",
    );
  });

  test('ready on a replica whose IO thread is still connecting fails and names the IO thread', () => {
    fx = makeFixture('mysql-1');
    const res = fx.run('probe.sh', ['ready'], {
      STUB_REPLICA_IO: 'Connecting',
      STUB_LAST_IO_ERROR: "error connecting to source 'repl@mysql-0.mysql:3306'",
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('IO thread is not running (Replica_IO_Running: Connecting; Last_IO_Error: error connecting');
    expect(res.stderr).not.toContain('SQL thread');
  });

  test('ready on a replica without replication configured fails', () => {
    fx = makeFixture('mysql-1');
    const res = fx.run('probe.sh', ['ready'], { STUB_REPLICA_NONE: '1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('replication is not configured (SHOW REPLICA STATUS is empty)');
  });

  test('ready fails when the query fails', () => {
    fx = makeFixture('mysql-0');
    const res = fx.run('probe.sh', ['ready'], { STUB_MYSQL_FAIL: '1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("[probe] ERROR: ready: primary mysql-0: query failed: ERROR 2002 (HY000): Can't connect");
  });

  test('rejects an unknown mode', () => {
    fx = makeFixture('mysql-0');
    const res = fx.run('probe.sh', ['healthy']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("usage: probe.sh startup|ready|live (got 'healthy')");
    expect(res.calls).toEqual([]);
  });
});
