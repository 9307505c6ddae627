import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli';
import { MINIMAL_CLUSTER, tempDir, treeHash } from '../support/helpers';

// fs functions cannot be spied on (their properties are not configurable), and the tests run as root (chmod cannot
// make EACCES), so the module is mocked: one call named by `failing` fails with the code under test, every other
// call is the real one.
let failing: { fn: 'mkdirSync' | 'openSync' | 'readdirSync' | 'accessSync'; when: (p: string) => boolean; code: string } | undefined;
jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  const wrap = (fn: 'mkdirSync' | 'openSync' | 'readdirSync' | 'accessSync') => (p: unknown, ...rest: unknown[]) => {
    if (failing?.fn === fn && failing.when(String(p))) {
      throw Object.assign(new Error(`${failing.code}: boom, ${fn} '${String(p)}'`), { code: failing.code, path: String(p) });
    }
    return actual[fn](p, ...rest);
  };
  return { ...actual, mkdirSync: wrap('mkdirSync'), openSync: wrap('openSync'), readdirSync: wrap('readdirSync'), accessSync: wrap('accessSync') };
});

const CONFIG = `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`;
const CODES = [['EACCES', 'permission denied'], ['ENOSPC', 'no space left on the device'], ['EROFS', 'the filesystem is read-only'],
  ['ENOTDIR', 'a file is in the way of a folder'], ['EEXIST', 'a file is in the way'], ['EISDIR', 'a folder is in the way of a file']];

function run(args: string[]): { code: number; err: string } {
  const err: string[] = [];
  const code = runCli(args, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

function setup(): { dir: string; config: string; out: string } {
  const dir = tempDir();
  const config = path.join(dir, 'platform.yaml');
  fs.writeFileSync(config, CONFIG);
  return { dir, config, out: path.join(dir, 'new', 'deeper', 'dist') };
}

afterEach(() => {
  failing = undefined;
});

describe('a filesystem error while writing is a plain message and exit 1, never the "looks like a bug" text', () => {
  test.each(CODES)('%s making the output\'s parent folders', (code, words) => {
    // GIVEN an output whose parent folders cannot be made
    const { dir, config, out } = setup();
    failing = { fn: 'mkdirSync', when: (p) => p === path.dirname(out), code };
    // WHEN
    const result = run(['--config', config, '--out', out]);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain(`error: could not write the output to ${out}\n  - ${words} (${code} at ${path.dirname(out)}). Nothing was written`);
    expect(result.err).not.toMatch(/looks like a bug/);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  // (EEXIST there is another synth's lock, waited for: write.test.ts)
  test.each(CODES.filter(([c]) => c !== 'EEXIST'))('%s creating the lock file: the parent folders this run made are removed again', (code, words) => {
    const { dir, config, out } = setup();
    failing = { fn: 'openSync', when: (p) => p.endsWith('.synth-dist.lock'), code };
    const result = run(['--config', config, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`could not write the output to ${out}\n  - ${words} (${code} at ${path.join(path.dirname(out), '.synth-dist.lock')})`);
    expect(result.err).not.toMatch(/looks like a bug/);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('a parent folder that existed before is kept when the write fails', () => {
    const { dir, config } = setup();
    const out = path.join(dir, 'dist');
    failing = { fn: 'openSync', when: (p) => p.endsWith('.synth-dist.lock'), code: 'EACCES' };
    expect(run(['--config', config, '--out', out]).code).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('an output directory that cannot be read is a plain message for synth, --plan and --check', () => {
    const { dir, config } = setup();
    const out = path.join(dir, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'a.yaml'), 'x\n');
    const before = treeHash(dir);
    failing = { fn: 'readdirSync', when: (p) => p === out, code: 'EACCES' };
    for (const mode of [[], ['--plan'], ['--check']]) {
      const result = run(['--config', config, '--out', out, ...mode]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`error: cannot inspect the output directory ${out}\n  - permission denied (EACCES at ${out}). Nothing was written.`);
    }
    failing = undefined;
    expect(treeHash(dir)).toBe(before);
  });

  test('a read-only place for the output is refused by synth, --plan and --check alike, before anything is written', () => {
    const { dir, config } = setup();
    const out = path.join(dir, 'sub', 'dist');
    failing = { fn: 'accessSync', when: (p) => p === dir, code: 'EROFS' };
    for (const mode of [[], ['--plan'], ['--check']]) {
      const result = run(['--config', config, '--out', out, ...mode]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`nothing can be written in ${dir}: the filesystem is read-only (EROFS at ${dir}). Nothing was written. Make ${dir} writable`);
    }
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('an error that is not the filesystem\'s is still reported as a possible bug (exit 2)', () => {
    const { config, out } = setup();
    failing = { fn: 'openSync', when: (p) => p.endsWith('.synth-dist.lock'), code: 'not-an-errno' };
    const result = run(['--config', config, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/looks like a bug in Platform Kit/);
  });
});
