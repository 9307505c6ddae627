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
  fs.copyFileSync(path.join(ROOT, 'tsconfig.native.json'), path.join(dir, 'tsconfig.native.json'));
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

  test('a type error stops the run: nothing is emitted and nothing runs', () => {
    const dir = project();
    expect(launch(dir).status).toBe(0);
    edit(path.join(dir, 'lib', 'greeting.ts'), "export const greeting: number = 'hi';\n");
    const run = launch(dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/lib\/greeting\.ts\(1,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(run.stderr).toMatch(/the TypeScript sources have type errors \(above\); nothing was synthesized/);
    expect(fs.readFileSync(path.join(dir, 'build', 'lib', 'greeting.js'), 'utf8')).toContain("'hello'");
  });

  test('--generator (npm run schema): a type error is reported but the entry still runs, since what it writes may fix it', () => {
    // GIVEN a source importing a generated file that does not exist yet (a new part before its first `npm run schema`)
    const dir = project();
    fs.writeFileSync(path.join(dir, 'lib', 'uses-generated.ts'), "import type { T } from './t.generated';\nexport const t: T | undefined = undefined;\n");
    // WHEN launched as a generator THEN the error is printed as a warning and the entry runs
    const run = spawnSync(process.execPath, [path.join(dir, 'scripts', 'run.js'), '--generator', 'main.js', 'x'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/lib\/uses-generated\.ts\(1,\d+\): error TS2307: Cannot find module '.\/t.generated'/);
    expect(run.stderr).toMatch(/warning: the TypeScript sources have type errors \(above\); writing the generated files anyway/);
    expect(run.stdout).toMatch(/^hello x compiled=3$/m);
    // AND without the flag the same tree still stops
    edit(path.join(dir, 'lib', 'uses-generated.ts'));
    expect(launch(dir).status).toBe(1);
  });

  test('a syntax error stops the run with the file and line, and runs nothing', () => {
    const dir = project();
    launch(dir);
    edit(path.join(dir, 'lib', 'greeting.ts'), "export const greeting = 'hi\n");
    const run = launch(dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/lib\/greeting\.ts\(1,\d+\): error TS1002: Unterminated string literal/);
    expect(run.stdout).not.toMatch(/^hi/m);
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
