import * as fs from 'fs';
import * as path from 'path';
import { BASE_CONFIG, Fixture, logLines, makeFixture, parseOptionFile } from './harness';

// Each case starts several bash processes; leave room for a loaded CI machine.
jest.setTimeout(30_000);

/** The generated [mysqld] block: everything after the base configuration. */
function generatedBlock(fx: Fixture): string {
  const text = fs.readFileSync(path.join(fx.configDir, 'my.cnf'), 'utf8');
  expect(text.startsWith(BASE_CONFIG)).toBe(true);
  return text.slice(BASE_CONFIG.length);
}

describe('config.sh', () => {
  let fx: Fixture;
  afterEach(() => fx.cleanup());

  test('ordinal 0 (primary): server-id 100, report_host, no read-only settings', () => {
    fx = makeFixture('mysql-0');
    const res = fx.run('config.sh');
    expect(res.status).toBe(0);
    const block = generatedBlock(fx);
    const mysqld = parseOptionFile(block).mysqld;
    expect(mysqld['server-id']).toBe('100');
    expect(mysqld.report_host).toBe('mysql-0.mysql');
    expect(mysqld.report_port).toBe('3306');
    expect(block).not.toMatch(/read_only/);
    expect(logLines(res, 'config')).toEqual([
      `[config] primary mysql-0: wrote ${fx.configDir}/my.cnf (server-id=100, report_host=mysql-0.mysql, writable)`,
    ]);
  });

  test('ordinal 2 (replica): server-id 102 and read_only + super_read_only', () => {
    fx = makeFixture('mysql-2');
    const res = fx.run('config.sh', [], { MYSQL_SERVICE: 'mysql-hl' });
    expect(res.status).toBe(0);
    const mysqld = parseOptionFile(generatedBlock(fx)).mysqld;
    expect(mysqld).toEqual({
      'server-id': '102',
      report_host: 'mysql-2.mysql-hl',
      report_port: '3306',
      read_only: 'ON',
      super_read_only: 'ON',
    });
    expect(res.stderr).toContain('[config] replica mysql-2: wrote');
  });

  test('keeps the base configuration first, so the generated values win', () => {
    fx = makeFixture('mysql-1');
    fs.writeFileSync(fx.baseConfig, `${BASE_CONFIG}server-id = 1\n`);
    expect(fx.run('config.sh').status).toBe(0);
    const text = fs.readFileSync(path.join(fx.configDir, 'my.cnf'), 'utf8');
    expect(text.indexOf('server-id = 1\n')).toBeLessThan(text.indexOf('server-id = 101'));
    // The last occurrence of an option wins in MySQL option files.
    expect(parseOptionFile(text).mysqld['server-id']).toBe('101');
  });

  test('is idempotent and leaves no temporary files behind', () => {
    fx = makeFixture('mysql-1');
    expect(fx.run('config.sh').status).toBe(0);
    const first = fs.readFileSync(path.join(fx.configDir, 'my.cnf'), 'utf8');
    expect(fx.run('config.sh').status).toBe(0);
    expect(fs.readFileSync(path.join(fx.configDir, 'my.cnf'), 'utf8')).toBe(first);
    expect(fs.readdirSync(fx.configDir)).toEqual(['my.cnf']);
  });

  test('falls back to the host name when POD_NAME is unset', () => {
    fx = makeFixture('unused');
    const res = fx.run('config.sh', [], { POD_NAME: '', STUB_HOSTNAME: 'mysql-3' });
    expect(res.status).toBe(0);
    expect(parseOptionFile(generatedBlock(fx)).mysqld['server-id']).toBe('103');
    expect(res.calls.map((c) => c.cmd)).toContain('hostname');
  });

  test.each([
    ['web-1', "does not belong to StatefulSet 'mysql'"],
    ['mysql', 'is not of the form mysql-<ordinal>'],
    ['mysql-x', "'x' after the last '-' is not a StatefulSet ordinal"],
    ['mysql-01', "'01' after the last '-' is not a StatefulSet ordinal"],
    ['mysql-extra-1', "does not belong to StatefulSet 'mysql'"],
  ])('rejects POD_NAME %s', (pod, message) => {
    fx = makeFixture(pod);
    const res = fx.run('config.sh');
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('[config] ERROR:');
    expect(res.stderr).toContain(message);
    expect(fs.existsSync(path.join(fx.configDir, 'my.cnf'))).toBe(false);
  });

  test('fails clearly when the base configuration is missing', () => {
    fx = makeFixture('mysql-0');
    fs.rmSync(fx.baseConfig);
    const res = fx.run('config.sh');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`[config] ERROR: base configuration ${fx.baseConfig} is missing or unreadable`);
  });
});
