import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { callsOf, clientCredentials, expectNoPasswordInArgv, Fixture, makeFixture, opt, PASSWORDS } from './harness';

// Each case starts several bash processes; leave room for a loaded CI machine.
jest.setTimeout(30_000);

const HOSTS = 'mysql-1.mysql mysql-0.mysql';
const NAME = /^mysql-(.+)-(\d{8}T\d{6}Z)\.sql\.gz$/;

function files(fx: Fixture): string[] {
  return fs.readdirSync(fx.backupDir).sort();
}

/** Creates a file in the backup directory with an mtime `ageDays` days in the past. */
function oldFile(fx: Fixture, name: string, ageDays: number): string {
  const p = path.join(fx.backupDir, name);
  fs.writeFileSync(p, 'old');
  const t = new Date(Date.now() - ageDays * 86_400_000);
  fs.utimesSync(p, t, t);
  return name;
}

describe('backup.sh', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = makeFixture('unused');
  });
  afterEach(() => {
    expectNoPasswordInArgv(fx.calls());
    fx.cleanup();
  });

  test('dumps from the first host that answers, renames the file and prunes old backups', () => {
    const expired = oldFile(fx, 'mysql-mysql-1.mysql-20240101T000000Z.sql.gz', 8);
    const recent = oldFile(fx, 'mysql-mysql-1.mysql-20240105T000000Z.sql.gz', 6);
    const stale = oldFile(fx, 'mysql-mysql-1.mysql-20240104T000000Z.sql.gz.partial', 2);
    const unrelated = oldFile(fx, 'notes.txt', 30);

    const res = fx.run('backup.sh', [], { BACKUP_HOSTS: HOSTS, STUB_UP_HOSTS: 'mysql-1.mysql mysql-0.mysql' });
    expect(res.status).toBe(0);

    const created = files(fx).filter((f) => ![recent, unrelated].includes(f));
    expect(created).toHaveLength(1);
    const match = NAME.exec(created[0])!;
    expect(match[1]).toBe('mysql-1.mysql');
    expect(files(fx)).toEqual([created[0], recent, unrelated].sort());
    expect(files(fx)).not.toContain(expired);
    expect(files(fx)).not.toContain(stale);

    const dump = execFileSync('gzip', ['-dc', path.join(fx.backupDir, created[0])], { encoding: 'utf8' });
    expect(dump.trimEnd().split('\n').pop()).toMatch(/^-- Dump completed/);

    // Only the replica was pinged, then dumped with the documented options.
    const pings = callsOf(res.calls, 'mysqladmin');
    expect(pings.map((c) => opt(c.argv, 'host'))).toEqual(['mysql-1.mysql']);
    const [mysqldump] = callsOf(res.calls, 'mysqldump');
    expect(mysqldump.argv[0]).toBe('--defaults-extra-file=/dev/fd/3');
    expect(opt(mysqldump.argv, 'host')).toBe('mysql-1.mysql');
    expect(opt(mysqldump.argv, 'port')).toBe('3306');
    expect(mysqldump.argv).toEqual(
      expect.arrayContaining([
        '--single-transaction',
        '--all-databases',
        '--routines',
        '--events',
        '--triggers',
        '--set-gtid-purged=ON',
        '--flush-privileges',
      ]),
    );
    // mysqldump has no --connect-timeout option (mysqladmin and mysql do).
    expect(mysqldump.argv.some((a) => a.startsWith('--connect-timeout'))).toBe(false);
    expect(clientCredentials(mysqldump)).toEqual({ user: 'backup', password: PASSWORDS['backup-password'] });

    expect(res.stderr).toContain(`[backup] dumping all databases from mysql-1.mysql:3306 into ${fx.backupDir}/${created[0]}`);
    expect(res.stderr).toContain(`[backup] backup complete: ${fx.backupDir}/${created[0]}`);
    expect(res.stderr).toContain(`[backup] removing backup older than 7 days: ${fx.backupDir}/${expired}`);
    expect(res.stderr).toContain(`[backup] removing stale partial backup ${fx.backupDir}/${stale}`);
  });

  test('falls back to the second host when the first does not answer', () => {
    const res = fx.run('backup.sh', [], { BACKUP_HOSTS: HOSTS, STUB_UP_HOSTS: 'mysql-0.mysql' });
    expect(res.status).toBe(0);
    expect(callsOf(res.calls, 'mysqladmin').map((c) => opt(c.argv, 'host'))).toEqual(['mysql-1.mysql', 'mysql-0.mysql']);
    expect(opt(callsOf(res.calls, 'mysqldump')[0].argv, 'host')).toBe('mysql-0.mysql');
    expect(res.stderr).toContain('[backup] host mysql-1.mysql:3306 does not answer');
    expect(res.stderr).toContain('trying the next host');
    const [file] = files(fx);
    expect(NAME.exec(file)![1]).toBe('mysql-0.mysql');
  });

  test('a failing mysqldump exits non-zero, leaves no .sql.gz and prunes nothing', () => {
    const kept = oldFile(fx, 'mysql-mysql-1.mysql-20240101T000000Z.sql.gz', 30);
    const res = fx.run('backup.sh', [], { BACKUP_HOSTS: HOSTS, STUB_UP_HOSTS: 'mysql-1.mysql', STUB_MYSQLDUMP_FAIL: '1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('Lost connection to MySQL server');
    expect(res.stderr).toContain(
      '[backup] ERROR: dump from mysql-1.mysql failed (mysqldump exit 2, gzip exit 0); no backup written',
    );
    expect(files(fx)).toEqual([kept]);
  });

  test('a dump without the "-- Dump completed" trailer is rejected', () => {
    const res = fx.run('backup.sh', [], {
      BACKUP_HOSTS: HOSTS,
      STUB_UP_HOSTS: 'mysql-1.mysql',
      STUB_MYSQLDUMP_TRUNCATED: '1',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("does not end with the '-- Dump completed' trailer");
    expect(files(fx)).toEqual([]);
  });

  test('no host answering is an error that names the hosts', () => {
    const res = fx.run('backup.sh', [], { BACKUP_HOSTS: HOSTS });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('[backup] ERROR: no host answered: tried mysql-1.mysql mysql-0.mysql on port 3306');
    expect(callsOf(res.calls, 'mysqldump')).toEqual([]);
    expect(files(fx)).toEqual([]);
  });

  test('BACKUP_RETENTION_DAYS=0 keeps every backup', () => {
    const ancient = oldFile(fx, 'mysql-mysql-0.mysql-20200101T000000Z.sql.gz', 400);
    const res = fx.run('backup.sh', [], { BACKUP_RETENTION_DAYS: '0', STUB_UP_HOSTS: 'mysql-0.mysql' });
    expect(res.status).toBe(0);
    expect(files(fx)).toContain(ancient);
    expect(files(fx)).toHaveLength(2);
  });

  test('a missing backup directory fails before contacting any host', () => {
    fs.rmSync(fx.backupDir, { recursive: true });
    const res = fx.run('backup.sh', [], { STUB_UP_HOSTS: 'mysql-0.mysql' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`backup directory ${fx.backupDir} does not exist or is not writable`);
    expect(res.calls).toEqual([]);
    fs.mkdirSync(fx.backupDir);
  });
});
