import * as fs from 'fs';
import * as path from 'path';
import { HELP } from '../../lib/cli';
import { MINIMAL_CLUSTER, tempDir, treeHash } from '../support/helpers';
import { secrets, synth } from './npm-run';

const CONFIG = `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`;

function project(): { dir: string; config: string } {
  const dir = tempDir();
  const config = path.join(dir, 'platform.yaml');
  fs.writeFileSync(config, CONFIG);
  return { dir, config };
}

describe('a flag given twice is refused, never last-wins', () => {
  test.each([
    [['--config', 'a.yaml', '--config', 'b.yaml'], '--config is given twice (a.yaml, b.yaml); give it once'],
    [['--out', 'r1', '--plan', '--out', 'r2'], '--out is given twice (r1, r2); give it once'],
  ])('%j', (args, message) => {
    // GIVEN a directory in which both values would be usable
    const { dir } = project();
    const before = treeHash(dir);
    // WHEN
    const run = synth(args, { shell: dir });
    // THEN one plain error naming both values, exit 1, nothing touched
    expect(run.code).toBe(1);
    expect(run.err).toContain(message);
    expect(run.err).not.toMatch(/looks like a bug/);
    expect(treeHash(dir)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['platform.yaml']);
  });

  test('npm run secrets refuses it too', () => {
    const run = secrets(['--config', 'a.yaml', '--config', 'b.yaml']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^error: --config is given twice \(a\.yaml, b\.yaml\); give it once\nusage: npm run secrets/);
  });
});

describe('an unknown flag is an error wherever it stands, --help included', () => {
  test.each([[['-h', '--bogus']], [['--bogus', '-h']], [['--help', '--plan', '--bogus']]])('synth %j: exit 1, no help', (args) => {
    const run = synth(args);
    expect(run).toEqual({ code: 1, out: '', err: expect.stringMatching(/"--bogus" is not an option; usage: /) });
  });

  test.each([[['-h', '--bogus']], [['--bogus', '-h']]])('secrets %j: exit 1, no help', (args) => {
    const run = secrets(args);
    expect(run).toEqual({ code: 1, out: '', err: expect.stringMatching(/^error: "--bogus" is not an option\nusage: npm run secrets/) });
  });

  test('--help with only known flags still prints the help, exit 0', () => {
    expect(synth(['--plan', '--help'])).toEqual({ code: 0, out: HELP.join('\n'), err: '' });
    expect(secrets(['--kubectl', '-h'])).toEqual({ code: 0, out: expect.stringMatching(/^usage: npm run secrets/), err: '' });
  });
});

describe('a path without its flag (npm took the flag: `npm run synth --config x.yaml` lacks the `--`)', () => {
  const hint = (script: string, flag: string, arg: string) => `"${arg}" is not an option; did you mean \`npm run ${script} -- ${flag} ${arg}\`? npm needs \`--\` before the flags it should pass on`;

  test.each([['C/typo.yaml'], ['x.yml'], ['other.json']])('synth: %s (a config-like name, missing) gets the hint with --config', (arg) => {
    const { dir } = project();
    const run = synth([arg], { shell: dir });
    expect(run.code).toBe(1);
    expect(run.err).toContain(hint('synth', '--config', arg));
  });

  test('an existing file gets the hint with --config, an existing directory with --out', () => {
    const { dir } = project();
    fs.mkdirSync(path.join(dir, 'out-x'));
    fs.writeFileSync(path.join(dir, 'notes'), 'x\n');
    expect(synth(['notes'], { shell: dir }).err).toContain(hint('synth', '--config', 'notes'));
    expect(synth(['out-x'], { shell: dir }).err).toContain(hint('synth', '--out', 'out-x'));
  });

  test('the flag npm took (npm_config_out=true) and the script run (npm run plan) are the ones suggested', () => {
    const { dir } = project();
    const run = synth(['new-dir.json'], { shell: dir, env: { npm_lifecycle_event: 'plan', npm_config_out: 'true' } });
    expect(run.err).toContain(hint('plan', '--out', 'new-dir.json'));
    // a script that is not this command's (npm test running jest) is never suggested
    expect(synth(['a.yaml'], { shell: dir, env: { npm_lifecycle_event: 'test' } }).err).toContain(hint('synth', '--config', 'a.yaml'));
  });

  test('a word that is no path gets no hint', () => {
    const { dir } = project();
    const run = synth(['plan'], { shell: dir });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/"plan" is not an option; usage: /);
    expect(run.err).not.toMatch(/did you mean/);
  });

  test('npm run secrets gets the hint too', () => {
    const { dir } = project();
    const run = secrets(['C/typo.yaml'], { shell: dir });
    expect(run.code).toBe(1);
    expect(run.err).toContain(hint('secrets', '--config', 'C/typo.yaml'));
  });
});

describe('values that are there but empty', () => {
  test('--config "" says it needs a file name, --out "" a directory name; exit 1', () => {
    expect(synth(['--config', ''])).toEqual({ code: 1, out: '', err: expect.stringContaining('--config needs a file name; usage: ') });
    expect(synth(['--out', ''])).toEqual({ code: 1, out: '', err: expect.stringContaining('--out needs a directory name; usage: ') });
    expect(secrets(['--config', ''])).toEqual({ code: 1, out: '', err: expect.stringMatching(/^error: --config needs a file name\n/) });
  });
});

describe('a trailing slash on --out', () => {
  test('the summary and the plan name the directory once: dist/, never dist//', () => {
    // GIVEN a project and --out typed with a trailing slash, run from the project root
    const { dir } = project();
    // WHEN planning, then synthesizing
    const plan = synth(['--out', 'dist/', '--plan'], { shell: dir });
    const run = synth(['--out', 'dist/'], { shell: dir });
    // THEN
    expect(plan.out).toMatch(/what a synth would change in dist\/ \(nothing/);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/manifest files written to dist\/ from platform\.yaml$/);
    expect(`${plan.out}\n${run.out}`).not.toMatch(/\/\//);
    expect(fs.existsSync(path.join(dir, 'dist', '.platform-kit-output'))).toBe(true);
  });
});

describe('npm run synth --check without `--`: npm keeps the flag, and the run would write', () => {
  test.each(['check', 'plan'])('npm_config_%s=true with no flag of ours is refused, and nothing is written', (mode) => {
    // GIVEN a project whose dist/ does not exist yet
    const { dir } = project();
    const before = treeHash(dir);
    // WHEN npm took --<mode> for itself and passed no arguments
    const run = synth([], { shell: dir, env: { [`npm_config_${mode}`]: 'true', npm_lifecycle_event: 'synth' } });
    // THEN
    expect(run.code).toBe(1);
    expect(run.err).toContain(`npm took --${mode} for itself`);
    expect(run.err).toContain(`npm run synth -- --${mode}`);
    expect(treeHash(dir)).toBe(before);
  });

  test('with the flag passed on (`--`), the same npm variable is harmless', () => {
    const { dir } = project();
    const run = synth(['--check'], { shell: dir, env: { npm_config_check: 'true' } });
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: expect.not.stringContaining('npm took') });
  });
});
