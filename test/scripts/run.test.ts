import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tempDir } from '../support/helpers';

/**
 * scripts/run.js (the launcher behind npm run synth) in a scratch project: the real launcher, the real tsconfig and
 * typescript, two source files.
 */
function project(): string {
  const dir = tempDir('platform-kit-launcher-');
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'run.js'), path.join(dir, 'scripts', 'run.js'));
  fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'greeting.ts'), "export const greeting: string = 'hello';\n");
  fs.writeFileSync(path.join(dir, 'main.ts'), "import { greeting } from './lib/greeting';\nconsole.log(`${greeting} ${process.argv.slice(2).join(' ')} compiled=${process.env.PLATFORM_KIT_COMPILED_FILES}`);\n");
  return dir;
}

const launch = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(dir, 'scripts', 'run.js'), 'main.js', ...args], { cwd: dir, encoding: 'utf8' });

/** Saves a source file after its JavaScript was built (the JavaScript's mtime is put back, whatever the clock's granularity). */
function edit(file: string, content?: string): void {
  if (content !== undefined) fs.writeFileSync(file, content);
  const js = file.replace(`${path.sep}lib${path.sep}`, `${path.sep}build${path.sep}lib${path.sep}`).replace(/\.ts$/, '.js');
  if (fs.existsSync(js)) fs.utimesSync(js, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
}

describe('scripts/run.js: compile only what changed, then run', () => {
  jest.setTimeout(60_000);

  test('first run compiles everything, an unchanged tree compiles nothing, an edit compiles that one file', () => {
    const dir = project();
    expect(launch(dir, 'a', 'b').stdout).toBe('hello a b compiled=2\n');
    expect(launch(dir).stdout).toBe('hello  compiled=0\n');
    edit(path.join(dir, 'lib', 'greeting.ts'), "export const greeting: string = 'hi';\n");
    expect(launch(dir).stdout).toBe('hi  compiled=1\n');
  });

  test('modules run from the V8 code cache give the same results, an edited module is compiled afresh, and =0 turns it off', () => {
    const dir = project();
    const cache = path.join(dir, 'build', '.code-cache');
    expect(launch(dir, 'x').stdout).toBe('hello x compiled=2\n');
    const entries = fs.readdirSync(cache).length;
    expect(entries).toBe(2); // main.js and greeting.js (the compiler loads before the cache is installed)
    expect(launch(dir, 'x').stdout).toBe('hello x compiled=0\n');
    edit(path.join(dir, 'lib', 'greeting.ts'), "export const greeting: string = 'hey';\n");
    expect(launch(dir, 'x').stdout).toBe('hey x compiled=1\n');
    expect(fs.readdirSync(cache).length).toBe(entries); // one file per module path: replaced, not added
    fs.rmSync(cache, { recursive: true });
    const off = spawnSync(process.execPath, [path.join(dir, 'scripts', 'run.js'), 'main.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PLATFORM_KIT_CODE_CACHE: '0' } });
    expect(off.stdout).toBe('hey  compiled=0\n');
    expect(fs.existsSync(cache)).toBe(false);
  });

  test('a syntax error stops the run with the file and line, and runs nothing', () => {
    const dir = project();
    launch(dir);
    edit(path.join(dir, 'lib', 'greeting.ts'), "export const greeting = 'hi\n");
    const run = launch(dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/error: lib\/greeting\.ts:1:\d+: Unterminated string literal/);
  });

  test('JavaScript left from a deleted source is removed, so a stale import fails instead of running old code', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'lib', 'gone.ts'), 'export const x = 1;\n');
    launch(dir);
    expect(fs.existsSync(path.join(dir, 'build', 'lib', 'gone.js'))).toBe(true);
    fs.rmSync(path.join(dir, 'lib', 'gone.ts'));
    launch(dir);
    expect(fs.existsSync(path.join(dir, 'build', 'lib', 'gone.js'))).toBe(false);
  });
});
