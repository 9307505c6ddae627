/**
 * Test harness for the MySQL shell scripts in lib/mysql/scripts.
 *
 * Each fixture is a fresh temporary directory that stands in for the pod's filesystem
 * (PV mount, Secret, config emptyDir, /tmp, backup volume). Scripts run under bash with
 * PATH starting at ./stubs, whose fake mysql, mysqladmin, mysqld, mysqldump, hostname and
 * sleep record every invocation (argv, stdin, the --defaults-extra-file content) in
 * $STUB_LOG and behave according to STUB_* variables (see the comment in each stub).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const SCRIPTS_DIR = path.resolve(__dirname, '../../../lib/mysql/scripts');
export const STUBS_DIR = path.resolve(__dirname, 'stubs');
const BASH = fs.existsSync('/bin/bash') ? '/bin/bash' : '/usr/bin/bash';

/** Passwords with characters that need escaping both in option files and in SQL literals. */
export const PASSWORDS: Record<string, string> = {
  'root-password': 'Root#Pw"with\\backslash',
  'replication-password': "Repl'Pw$1 spaced",
  'exporter-password': 'Exporter-Pw-7f3a9c',
  'backup-password': 'Backup;Pw=9%x',
};

export interface Call {
  /** Stub name: mysql, mysqladmin, mysqld, mysqldump, hostname or sleep. */
  cmd: string;
  argv: string[];
  stdin: string;
  /** Content of the option file passed with --defaults-extra-file, '' if none. */
  defaults: string;
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: Call[];
}

export interface Fixture {
  root: string;
  /** The PV mount point (parent of the data directory). */
  pv: string;
  datadir: string;
  configDir: string;
  credentialsDir: string;
  baseConfig: string;
  tmp: string;
  scratch: string;
  backupDir: string;
  env: Record<string, string>;
  /** Runs bash <script> <args> with the fixture's environment plus `env`. */
  run(script: string, args?: string[], env?: Record<string, string>): Result;
  /** Every recorded stub call so far. */
  calls(): Call[];
  cleanup(): void;
}

export const BASE_CONFIG = [
  '[mysqld]',
  'datadir = /var/lib/mysql/data',
  'socket = /var/run/mysqld/mysqld.sock',
  'gtid_mode = ON',
  'enforce_gtid_consistency = ON',
  'log_bin = binlog',
  'plugin-load-add = mysql_clone.so',
  'skip-name-resolve',
  '',
].join('\n');

export function makeFixture(podName: string): Fixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pk-mysql-'));
  const dir = (...parts: string[]) => {
    const p = path.join(root, ...parts);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const pv = dir('pv');
  const configDir = dir('config');
  const credentialsDir = dir('credentials');
  const tmp = dir('tmp');
  const backupDir = dir('backup');
  const state = dir('stub-state');
  const baseConfig = path.join(dir('base'), 'my.cnf');
  fs.writeFileSync(baseConfig, BASE_CONFIG);
  for (const [key, value] of Object.entries(PASSWORDS)) {
    // Secrets written by tools often end with a newline; the scripts must strip it.
    fs.writeFileSync(path.join(credentialsDir, key), `${value}\n`);
  }
  const logFile = path.join(root, 'stub.log');
  fs.writeFileSync(logFile, '');

  const env: Record<string, string> = {
    PATH: `${STUBS_DIR}:/usr/bin:/bin`,
    HOME: root,
    LANG: 'C',
    TMPDIR: tmp,
    POD_NAME: podName,
    MYSQL_DATADIR: path.join(pv, 'data'),
    MYSQL_CREDENTIALS_DIR: credentialsDir,
    MYSQL_CONFIG_DIR: configDir,
    MYSQL_BASE_CONFIG: baseConfig,
    MYSQL_SCRATCH_DIR: path.join(tmp, 'mysql-scratch'),
    MYSQL_SOCKET: path.join(root, 'run', 'mysqld.sock'),
    BACKUP_DIR: backupDir,
    STUB_LOG: logFile,
    STUB_STATE: state,
  };

  const calls = (): Call[] => parseLog(fs.readFileSync(logFile, 'utf8'));
  return {
    root,
    pv,
    datadir: env.MYSQL_DATADIR,
    configDir,
    credentialsDir,
    baseConfig,
    tmp,
    scratch: env.MYSQL_SCRATCH_DIR,
    backupDir,
    env,
    calls,
    run(script, args = [], extraEnv = {}) {
      const before = calls().length;
      const res = spawnSync(BASH, [path.join(SCRIPTS_DIR, script), ...args], {
        env: { ...env, ...extraEnv },
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (res.error) throw res.error;
      return { status: res.status, stdout: res.stdout, stderr: res.stderr, calls: calls().slice(before) };
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function parseLog(text: string): Call[] {
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [cmd, argv = '', stdin = '', defaults = ''] = line.split('\t');
      const args = b64(argv).split('\0');
      args.pop(); // printf '%s\0' terminates every argument, the last one included
      return { cmd, argv: args, stdin: b64(stdin), defaults: b64(defaults) };
    });
}

/** Runs config.sh for the fixture's pod, as the first init container would (bootstrap.sh needs its my.cnf). */
export function writeConfig(fx: Fixture): void {
  const res = fx.run('config.sh');
  if (res.status !== 0) throw new Error(`config.sh failed: ${res.stderr}`);
}

/** Calls of one stub. */
export function callsOf(calls: Call[], cmd: string): Call[] {
  return calls.filter((c) => c.cmd === cmd);
}

/** All SQL sent to the mysql client, in order. */
export function sqlOf(calls: Call[]): string {
  return callsOf(calls, 'mysql').map((c) => c.stdin).join('\n');
}

/** Value of --name=value in an argv, undefined when absent. */
export function opt(argv: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  const hit = argv.find((a) => a.startsWith(prefix));
  return hit === undefined ? undefined : hit.slice(prefix.length);
}

/** Lines the script logged to stderr with its tag, e.g. "[bootstrap] ...". */
export function logLines(res: Result, tag: string): string[] {
  return res.stderr.split('\n').filter((l) => l.startsWith(`[${tag}] `));
}

/** Throws when any password appears in any recorded argv (visible in ps). */
export function expectNoPasswordInArgv(calls: Call[]): void {
  for (const call of calls) {
    for (const [key, password] of Object.entries(PASSWORDS)) {
      for (const arg of call.argv) {
        if (arg.includes(password)) {
          throw new Error(`${key} appears in the argv of ${call.cmd}: ${JSON.stringify(call.argv)}`);
        }
      }
    }
  }
}

/**
 * Parses a MySQL option file the way mysys/my_default.cc does for the part we use:
 * [group] headers, `key=value` lines, a value wrapped in matching quotes loses them,
 * and \\ \" \' \n \t \r \b \s escapes are decoded.
 */
export function parseOptionFile(text: string): Record<string, Record<string, string>> {
  const groups: Record<string, Record<string, string>> = {};
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1].trim();
      groups[current] = groups[current] ?? {};
      continue;
    }
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    let value = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (value.length > 1 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
      value = value.slice(1, -1);
    }
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', s: ' ', '"': '"', "'": "'", '\\': '\\' };
    let out = '';
    for (let i = 0; i < value.length; i++) {
      if (value[i] === '\\' && i < value.length - 1) {
        const next = value[++i];
        out += map[next] ?? `\\${next}`;
      } else {
        out += value[i];
      }
    }
    groups[current] = groups[current] ?? {};
    groups[current][key] = out;
  }
  return groups;
}

/** The [client] user and password a stub call received through --defaults-extra-file. */
export function clientCredentials(call: Call): { user?: string; password?: string } {
  const client = parseOptionFile(call.defaults).client ?? {};
  return { user: client.user, password: client.password };
}
