import { BINLOG_EXPIRE_SECONDS, bufferPoolBytes, MIN_MYSQLD_MEMORY_LIMIT, renderMyCnf } from '../../lib/mysql/server-config';
import { BASE_CONFIG } from './scripts/harness';

const MI = 2 ** 20;

/** `key = value` lines of the [mysqld] section (last one wins, as in MySQL option files). */
function options(cnf: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of cnf.split('\n')) {
    const m = /^([a-z_-]+)(?:\s*=\s*(.*))?$/.exec(line.trim());
    if (m) out.set(m[1].replace(/-/g, '_'), m[2] ?? '');
  }
  return out;
}

describe('innodb_buffer_pool_size from the memory limit', () => {
  test.each([
    ['384Mi', 64], ['512Mi', 192], ['600Mi', 256], ['1Gi', 704], ['2Gi', 1728],
  ])('limit %s gives a %i MiB pool (limit - 320Mi, whole 32Mi chunks)', (limit, pool) => {
    // GIVEN a memory limit THEN the pool is the limit minus 320Mi, rounded down to 32Mi
    expect(bufferPoolBytes(limit)).toBe(pool * MI);
  });

  test('refuses a limit below 384Mi, naming the fix', () => {
    // GIVEN a 256Mi limit THEN the sizing refuses it
    expect(MIN_MYSQLD_MEMORY_LIMIT).toBe(384 * MI);
    expect(() => bufferPoolBytes('256Mi')).toThrow(/mysqld memory limit "256Mi" is below 384Mi: .*raise the limit/);
  });
});

describe('the base my.cnf', () => {
  // GIVEN the default sizing (512Mi limit)
  const cnf = renderMyCnf({ memoryLimit: '512Mi', port: 3306 });
  const o = options(cnf);

  test('has the settings the scripts and the replication design rely on', () => {
    // THEN the contract of lib/mysql/scripts holds: paths, GTIDs, clone plugin, name resolution off
    expect(cnf.startsWith('#')).toBe(true);
    expect(cnf).toMatch(/^\[mysqld\]$/m);
    expect(o.get('datadir')).toBe('/var/lib/mysql/data');
    expect(o.get('socket')).toBe('/var/run/mysqld/mysqld.sock');
    expect(o.get('pid_file')).toBe('/var/run/mysqld/mysqld.pid');
    expect(o.get('tmpdir')).toBe('/tmp');
    expect(o.get('gtid_mode')).toBe('ON');
    expect(o.get('enforce_gtid_consistency')).toBe('ON');
    expect(o.get('plugin_load_add')).toBe('mysql_clone.so');
    expect(o.has('skip_name_resolve')).toBe(true);
    expect(o.get('port')).toBe('3306');
    expect(o.get('mysqlx')).toBe('OFF');
    expect(o.get('relay_log_recovery')).toBe('ON');
    expect(o.get('binlog_expire_logs_seconds')).toBe(String(BINLOG_EXPIRE_SECONDS));
  });

  test('keeps log paths relative to the datadir (bootstrap runs servers on other data directories)', () => {
    // THEN binlog and relay log are bare names, and the error log goes to stderr
    expect(o.get('log_bin')).toBe('binlog');
    expect(o.get('relay_log')).toBe('relay-bin');
    expect(o.has('log_error')).toBe(false);
  });

  test('sizes InnoDB from the memory limit', () => {
    // THEN the pool follows the limit, in whole chunks
    expect(o.get('innodb_buffer_pool_size')).toBe('192M');
    expect(o.get('innodb_buffer_pool_chunk_size')).toBe('32M');
    expect(options(renderMyCnf({ memoryLimit: '1Gi', port: 3307 })).get('innodb_buffer_pool_size')).toBe('704M');
    expect(options(renderMyCnf({ memoryLimit: '1Gi', port: 3307 })).get('port')).toBe('3307');
  });

  test('sets everything the scripts test harness assumes of the base config', () => {
    // The script tests run against a stand-in base config; the real one must not lack any of its options.
    for (const key of options(BASE_CONFIG).keys()) expect([key, o.has(key)]).toEqual([key, true]);
  });
});
