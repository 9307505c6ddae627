import * as fs from 'fs';
import * as path from 'path';
import {
  callsOf,
  clientCredentials,
  expectNoPasswordInArgv,
  Fixture,
  logLines,
  makeFixture,
  opt,
  PASSWORDS,
  Result,
  sqlOf,
  writeConfig,
} from './harness';
import { MAX_REPLICATION_PASSWORD_LENGTH } from '../../../lib/mysql/part';

// Each case starts dozens of bash processes; leave room for a loaded CI machine.
jest.setTimeout(30_000);

const ROOT = PASSWORDS['root-password'];
const REPL = PASSWORDS['replication-password'];
/** The same values as SQL string literals. */
const ROOT_SQL = `'Root#Pw"with\\\\backslash'`;
const REPL_SQL = `'Repl''Pw$1 spaced'`;

function mkdatadir(fx: Fixture, marker?: string): void {
  fs.mkdirSync(path.join(fx.datadir, 'mysql'), { recursive: true });
  fs.writeFileSync(path.join(fx.datadir, 'mysql.ibd'), '');
  if (marker !== undefined) fs.writeFileSync(path.join(fx.datadir, '.platform-kit-replica'), marker);
}

/** mysqld invocations that started a server (not --initialize-insecure). */
function serverStarts(res: Result) {
  return callsOf(res.calls, 'mysqld').filter((c) => !c.argv.includes('--initialize-insecure'));
}

/** Nothing is left running or lying around in /tmp once the script is done. */
function expectCleanExit(fx: Fixture): void {
  expect(fs.readdirSync(path.join(fx.root, 'stub-state')).filter((f) => f.startsWith('running'))).toEqual([]);
  expect(fs.readdirSync(fx.tmp).filter((f) => f.startsWith('pk-bootstrap.'))).toEqual([]);
}

describe('bootstrap.sh, primary (ordinal 0)', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = makeFixture('mysql-0');
    writeConfig(fx);
  });
  afterEach(() => fx.cleanup());

  test('first start: initialises in a staging directory, creates the accounts, renames into place', () => {
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(0);
    const staging = `${fx.datadir}.partial`;
    const cnf = path.join(fx.configDir, 'my.cnf');

    const mysqld = callsOf(res.calls, 'mysqld');
    expect(mysqld).toHaveLength(2);
    expect(mysqld[0].argv).toEqual([`--defaults-file=${cnf}`, `--datadir=${staging}`, '--initialize-insecure']);
    expect(mysqld[1].argv[0]).toBe(`--defaults-file=${cnf}`);
    expect(opt(mysqld[1].argv, 'datadir')).toBe(staging);
    expect(mysqld[1].argv).toContain('--skip-networking');
    const socket = opt(mysqld[1].argv, 'socket')!;
    expect(socket.startsWith(`${fx.tmp}/pk-bootstrap.`)).toBe(true);

    const mysql = callsOf(res.calls, 'mysql');
    expect(mysql).toHaveLength(1);
    expect(mysql[0].argv[0]).toBe('--defaults-extra-file=/dev/fd/3');
    expect(opt(mysql[0].argv, 'socket')).toBe(socket);
    // Fresh --initialize-insecure server: root@localhost has no password yet.
    expect(clientCredentials(mysql[0])).toEqual({ user: 'root', password: undefined });
    const sql = mysql[0].stdin;
    expect(sql).toContain('SET SESSION sql_log_bin = 0;');
    expect(sql).toContain(`ALTER USER 'root'@'localhost' IDENTIFIED BY ${ROOT_SQL};`);
    expect(sql).toContain(`CREATE USER 'root'@'%' IDENTIFIED BY ${ROOT_SQL};`);
    expect(sql).toContain("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;");
    expect(sql).toContain(`CREATE USER 'repl'@'%' IDENTIFIED BY ${REPL_SQL};`);
    expect(sql).toContain("GRANT REPLICATION SLAVE, BACKUP_ADMIN ON *.* TO 'repl'@'%';");
    expect(sql).toContain("CREATE USER 'exporter'@'%' IDENTIFIED BY 'Exporter-Pw-7f3a9c' WITH MAX_USER_CONNECTIONS 3;");
    expect(sql).toContain("GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'%';");
    expect(sql).toContain("CREATE USER 'backup'@'%' IDENTIFIED BY 'Backup;Pw=9%x';");
    expect(sql).toContain("GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, PROCESS, FLUSH_TABLES ON *.* TO 'backup'@'%';");
    expect(sql).not.toContain('CLONE');
    expect(sql).not.toContain('CHANGE REPLICATION SOURCE');

    // Waited for the server with ping, stopped it with shutdown using the new root password.
    const admin = callsOf(res.calls, 'mysqladmin');
    // (ping repeats until the server answers; how often depends on the machine's load)
    const commands = admin.map((c) => c.argv[c.argv.length - 1]);
    expect(commands[commands.length - 1]).toBe('shutdown');
    expect(commands.slice(0, -1).length).toBeGreaterThanOrEqual(1);
    expect(commands.slice(0, -1).every((c) => c === 'ping')).toBe(true);
    expect(admin.every((c) => opt(c.argv, 'socket') === socket)).toBe(true);
    expect(clientCredentials(admin[admin.length - 1])).toEqual({ user: 'root', password: ROOT });

    expect(fs.existsSync(path.join(fx.datadir, 'mysql'))).toBe(true);
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.existsSync(path.join(fx.datadir, '.platform-kit-replica'))).toBe(false);
    expectCleanExit(fx);
    expectNoPasswordInArgv(res.calls);
    expect(logLines(res, 'bootstrap')).toEqual(
      expect.arrayContaining([
        `[bootstrap] primary mysql-0: first start: initialising a new data directory in ${staging}`,
        '[bootstrap] primary mysql-0: creating accounts root@localhost, root@%, repl@%, exporter@%, backup@%',
        `[bootstrap] primary mysql-0: data directory ${fx.datadir} initialised; mysqld can start as the primary`,
      ]),
    );
  });

  test('restart with data: no initialise, no SQL, exit 0', () => {
    mkdatadir(fx);
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(0);
    expect(res.calls).toEqual([]);
    expect(logLines(res, 'bootstrap')).toEqual([
      `[bootstrap] primary mysql-0: data directory ${fx.datadir} is already initialised; leaving it untouched`,
    ]);
  });

  test('refuses to initialise over a non-empty directory that is not a data directory', () => {
    fs.mkdirSync(fx.datadir);
    fs.writeFileSync(path.join(fx.datadir, 'precious.txt'), 'keep me');
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('is not a MySQL data directory (no mysql/ or mysql.ibd); refusing to initialise over it');
    expect(fs.readFileSync(path.join(fx.datadir, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(callsOf(res.calls, 'mysqld')).toEqual([]);
  });

  test('a temporary server that dies is reported; the next run moves the staging directory aside', () => {
    const failed = fx.run('bootstrap.sh', [], { STUB_MYSQLD_START_FAIL: '1' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('[bootstrap] ERROR: primary mysql-0: the temporary mysqld exited during startup (status 1)');
    expect(fs.existsSync(fx.datadir)).toBe(false);
    expect(fs.existsSync(`${fx.datadir}.partial`)).toBe(true);

    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(0);
    expect(res.stderr).toContain(
      `found ${fx.datadir}.partial left by an interrupted bootstrap; moving it aside to ${fx.datadir}.failed-init`,
    );
    expect(fs.existsSync(path.join(`${fx.datadir}.failed-init`, 'mysql'))).toBe(true);
    expect(fs.existsSync(path.join(fx.datadir, 'mysql'))).toBe(true);
    expectCleanExit(fx);
  });

  test('fails clearly when config.sh has not run', () => {
    fs.rmSync(path.join(fx.configDir, 'my.cnf'));
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('my.cnf is missing; config.sh must run before bootstrap.sh');
  });

  test('refuses a replication password over 32 characters before it starts anything (MySQL error 3056 otherwise)', () => {
    fs.writeFileSync(path.join(fx.credentialsDir, 'replication-password'), `${'x'.repeat(33)}\n`);
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("credential 'replication-password' is 33 characters long; MySQL accepts at most 32 here");
    expect(callsOf(res.calls, 'mysqld')).toEqual([]);
    // the same limit as the TypeScript side (npm run secrets)
    expect(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'mysql', 'scripts', 'lib.sh'), 'utf8')).toContain(`export PK_MAX_REPLICATION_PASSWORD=${MAX_REPLICATION_PASSWORD_LENGTH}`);
  });

  test('fails clearly when a credential file is missing', () => {
    fs.rmSync(path.join(fx.credentialsDir, 'exporter-password'));
    const res = fx.run('bootstrap.sh');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`credential file ${fx.credentialsDir}/exporter-password is missing or unreadable`);
    expect(callsOf(res.calls, 'mysqld')).toEqual([]);
  });
});

describe('bootstrap.sh, replica (ordinal 2)', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = makeFixture('mysql-2');
    writeConfig(fx);
  });
  afterEach(() => fx.cleanup());

  const primaryUp = { STUB_UP_HOSTS: 'mysql-0.mysql' };

  function expectReplicationConfigured(res: Result): void {
    const sql = sqlOf(res.calls);
    expect(sql).toContain('CHANGE REPLICATION SOURCE TO');
    expect(sql).toContain("SOURCE_HOST = 'mysql-0.mysql',");
    expect(sql).toContain('SOURCE_PORT = 3306,');
    expect(sql).toContain("SOURCE_USER = 'repl',");
    expect(sql).toContain(`SOURCE_PASSWORD = ${REPL_SQL},`);
    expect(sql).toContain('SOURCE_AUTO_POSITION = 1,');
    expect(sql).toContain('SOURCE_SSL = 1,');
    expect(sql).toContain('GET_SOURCE_PUBLIC_KEY = 1,');
    expect(sql).toContain('SOURCE_CONNECT_RETRY = 10,');
    // The temporary server that applied it did not start replication threads.
    const configure = serverStarts(res).find((c) => opt(c.argv, 'datadir') === fx.datadir)!;
    expect(configure.argv).toEqual(expect.arrayContaining(['--skip-replica-start', '--skip-networking']));
    // The configuring session connects as root with the root password (cloned from the primary).
    const change = callsOf(res.calls, 'mysql').find((c) => c.stdin.includes('CHANGE REPLICATION SOURCE'))!;
    expect(clientCredentials(change)).toEqual({ user: 'root', password: ROOT });
    expect(fs.readFileSync(path.join(fx.datadir, '.platform-kit-replica'), 'utf8')).toBe('mysql-0.mysql\n');
  }

  test('first start: waits for the primary, clones it, configures GTID replication, writes the marker', () => {
    const res = fx.run('bootstrap.sh', [], { ...primaryUp, STUB_UP_AFTER: '2' });
    expect(res.status).toBe(0);
    const staging = `${fx.datadir}.partial`;

    // Waited: two failed pings, 5 s apart, then success.
    const log = logLines(res, 'bootstrap');
    expect(log.filter((l) => l.includes('waiting for primary'))).toEqual([
      '[bootstrap] replica mysql-2: waiting for primary mysql-0.mysql:3306 (attempt 1/60)',
      '[bootstrap] replica mysql-2: waiting for primary mysql-0.mysql:3306 (attempt 2/60)',
      '[bootstrap] replica mysql-2: waiting for primary mysql-0.mysql:3306 (attempt 3/60)',
    ]);
    const pings = callsOf(res.calls, 'mysqladmin').filter((c) => opt(c.argv, 'host') !== undefined);
    expect(pings).toHaveLength(3);
    for (const ping of pings) {
      expect(opt(ping.argv, 'host')).toBe('mysql-0.mysql');
      expect(opt(ping.argv, 'port')).toBe('3306');
      expect(clientCredentials(ping)).toEqual({ user: 'repl', password: REPL });
    }
    expect(callsOf(res.calls, 'sleep').filter((c) => c.argv[0] === '5')).toHaveLength(2);

    // Scratch server in MYSQL_SCRATCH_DIR, initialised and started writable.
    const mysqld = callsOf(res.calls, 'mysqld');
    expect(opt(mysqld[0].argv, 'datadir')).toBe(fx.scratch);
    expect(mysqld[0].argv).toContain('--initialize-insecure');
    expect(opt(mysqld[1].argv, 'datadir')).toBe(fx.scratch);
    expect(mysqld[1].argv).toContain('--super-read-only=OFF');

    // Clone from the primary into the staging directory, over TLS.
    const clone = callsOf(res.calls, 'mysql').find((c) => c.stdin.includes('CLONE INSTANCE'))!;
    expect(clone.stdin).toContain("SET GLOBAL clone_valid_donor_list = 'mysql-0.mysql:3306';");
    expect(clone.stdin).toContain("CLONE INSTANCE FROM 'repl'@'mysql-0.mysql':3306");
    expect(clone.stdin).toContain(`IDENTIFIED BY ${REPL_SQL}`);
    expect(clone.stdin).toContain(`DATA DIRECTORY = '${staging}'`);
    expect(clone.stdin).toContain('REQUIRE SSL;');
    expect(opt(clone.argv, 'socket')).toBe(opt(mysqld[1].argv, 'socket'));

    // Clone before configuration; the configuration runs on the cloned data directory.
    const sql = sqlOf(res.calls);
    expect(sql.indexOf('CLONE INSTANCE')).toBeLessThan(sql.indexOf('CHANGE REPLICATION SOURCE'));
    expect(serverStarts(res).map((c) => opt(c.argv, 'datadir'))).toEqual([fx.scratch, fx.datadir]);
    expectReplicationConfigured(res);

    expect(fs.existsSync(path.join(fx.datadir, 'mysql'))).toBe(true);
    expect(fs.existsSync(path.join(fx.datadir, 'auto.cnf'))).toBe(false); // own server_uuid
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.existsSync(fx.scratch)).toBe(false);
    expectCleanExit(fx);
    expectNoPasswordInArgv(res.calls);
    expect(log).toEqual(
      expect.arrayContaining([
        `[bootstrap] replica mysql-2: cloning from mysql-0.mysql:3306 into ${staging}`,
        '[bootstrap] replica mysql-2: configuring replication from mysql-0.mysql:3306 (user repl, GTID auto-position, TLS)',
        '[bootstrap] replica mysql-2: bootstrap complete; mysqld will replicate from mysql-0.mysql:3306',
      ]),
    );
  });

  test('restart with data and marker: no clone, no CHANGE REPLICATION SOURCE', () => {
    mkdatadir(fx, 'mysql-0.mysql\n');
    const res = fx.run('bootstrap.sh', [], primaryUp);
    expect(res.status).toBe(0);
    expect(res.calls).toEqual([]);
    expect(logLines(res, 'bootstrap')).toEqual([
      '[bootstrap] replica mysql-2: data directory present and replication configured (source mysql-0.mysql); ' +
        'resuming replication without re-cloning',
    ]);
  });

  test('data without marker (interrupted after the clone): configures replication only', () => {
    mkdatadir(fx);
    const res = fx.run('bootstrap.sh', [], primaryUp);
    expect(res.status).toBe(0);
    expect(sqlOf(res.calls)).not.toContain('CLONE');
    expect(callsOf(res.calls, 'mysqld').some((c) => c.argv.includes('--initialize-insecure'))).toBe(false);
    expect(callsOf(res.calls, 'mysqladmin').some((c) => opt(c.argv, 'host') !== undefined)).toBe(false);
    expectReplicationConfigured(res);
    expect(res.stderr).toContain('is missing (bootstrap was interrupted after the clone); configuring replication only');
    expectCleanExit(fx);
    expectNoPasswordInArgv(res.calls);
  });

  test('primary never answers: retries PRIMARY_WAIT_ATTEMPTS times, then fails without cloning', () => {
    const res = fx.run('bootstrap.sh', [], { PRIMARY_WAIT_ATTEMPTS: '4', PRIMARY_WAIT_SECONDS: '3' });
    expect(res.status).toBe(1);
    expect(logLines(res, 'bootstrap').filter((l) => l.includes('waiting for primary'))).toEqual(
      [1, 2, 3, 4].map((i) => `[bootstrap] replica mysql-2: waiting for primary mysql-0.mysql:3306 (attempt ${i}/4)`),
    );
    expect(callsOf(res.calls, 'mysqladmin')).toHaveLength(4);
    expect(callsOf(res.calls, 'sleep').map((c) => c.argv)).toEqual([['3'], ['3'], ['3']]);
    expect(callsOf(res.calls, 'mysqld')).toEqual([]);
    expect(sqlOf(res.calls)).not.toContain('CLONE');
    expect(res.stderr).toMatch(
      /\[bootstrap\] ERROR: replica mysql-2: primary mysql-0\.mysql:3306 did not answer after 4 attempts 3s apart/,
    );
    expect(res.stderr).toContain("Unknown MySQL server host 'mysql-0.mysql'");
    expect(res.stderr).toContain('Check that pod mysql-0 is running and ready');
    expect(fs.existsSync(fx.datadir)).toBe(false);
    expectNoPasswordInArgv(res.calls);
  });

  test('a half-written data directory is moved aside, then the replica clones again', () => {
    fs.mkdirSync(fx.datadir);
    fs.writeFileSync(path.join(fx.datadir, 'ibdata1'), 'partial');
    const res = fx.run('bootstrap.sh', [], primaryUp);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain(
      `data directory ${fx.datadir} is half-written (no mysql/ or mysql.ibd, e.g. a failed clone); ` +
        `moving it aside to ${fx.datadir}.failed-clone and cloning again`,
    );
    expect(fs.readFileSync(path.join(`${fx.datadir}.failed-clone`, 'ibdata1'), 'utf8')).toBe('partial');
    expect(sqlOf(res.calls)).toContain('CLONE INSTANCE');
    expectReplicationConfigured(res);
  });

  test('a failed clone leaves no data directory: the partial clone is moved aside and the error reported', () => {
    const res = fx.run('bootstrap.sh', [], { ...primaryUp, STUB_CLONE_FAIL: '1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('Clone Donor Error');
    expect(res.stderr).toContain('[bootstrap] ERROR: replica mysql-2: CLONE INSTANCE from mysql-0.mysql:3306 failed');
    expect(fs.existsSync(fx.datadir)).toBe(false);
    expect(fs.existsSync(`${fx.datadir}.partial`)).toBe(false);
    expect(fs.existsSync(path.join(`${fx.datadir}.failed-clone`, 'undo_001.#clone'))).toBe(true);
    expect(sqlOf(res.calls)).not.toContain('CHANGE REPLICATION SOURCE');
    expectCleanExit(fx); // the scratch server was stopped on the way out

    // The next attempt starts over and keeps only the latest failure around.
    const retry = fx.run('bootstrap.sh', [], primaryUp);
    expect(retry.status).toBe(0);
    expect(fs.existsSync(path.join(fx.datadir, '.platform-kit-replica'))).toBe(true);
  });
});

test('no password ever appears on a command line (primary and replica bootstrap)', () => {
  const primary = makeFixture('mysql-0');
  const replica = makeFixture('mysql-1');
  try {
    for (const fx of [primary, replica]) {
      writeConfig(fx);
      const res = fx.run('bootstrap.sh', [], { STUB_UP_HOSTS: 'mysql-0.mysql' });
      expect(res.status).toBe(0);
    }
    const calls = [...primary.calls(), ...replica.calls()];
    expect(calls.length).toBeGreaterThan(10);
    expectNoPasswordInArgv(calls);
    // ...and the credentials did reach the clients, through the option file on fd 3.
    const received = calls.map((c) => clientCredentials(c).password).filter((p) => p !== undefined);
    expect(received).toEqual(expect.arrayContaining([ROOT, REPL]));
  } finally {
    primary.cleanup();
    replica.cleanup();
  }
});
