import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli';
import { MARKER_NAME } from '../../lib/output/marker';
import { checkOwnership } from '../../lib/output/ownership';
import { MINIMAL_CLUSTER, tempDir, treeHash } from '../support/helpers';

const CONFIG = `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`;

/** A project-like directory: the config, a source file, a .git folder, an existing output. */
function project(): { dir: string; config: string } {
  const dir = tempDir();
  const config = path.join(dir, 'platform.yaml');
  fs.writeFileSync(config, CONFIG);
  fs.mkdirSync(path.join(dir, 'notes'));
  fs.writeFileSync(path.join(dir, 'notes', 'todo.md'), 'mine\n');
  return { dir, config };
}

function synth(args: string[]): { code: number; text: string } {
  const lines: string[] = [];
  const code = runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, text: lines.join('\n') };
}

/**
 * Runs synth as `npm run synth` typed in `cwd` would: npm runs it in the project directory (`project`, default `cwd`)
 * and records the user's directory in INIT_CWD (the test's own process; both restored after).
 */
function synthIn(cwd: string, args: string[], project = cwd): { code: number; text: string } {
  const before = process.cwd();
  const initCwd = process.env.INIT_CWD;
  process.chdir(project);
  process.env.INIT_CWD = cwd;
  try {
    return synth(args);
  } finally {
    process.chdir(before);
    if (initCwd === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = initCwd;
  }
}

describe('an output directory is Platform Kit\'s or it is refused, with nothing touched', () => {
  test('--out . (the working directory, which holds the config) is refused and the tree stays byte-identical', () => {
    const { dir } = project();
    const before = treeHash(dir);
    const run = synthIn(dir, ['--config', 'platform.yaml', '--out', '.']);
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/refusing to write the output to .*\n.*it is the working directory\. Nothing was written\./);
    expect(treeHash(dir)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['notes', 'platform.yaml']);
  });

  test('--out of the config file\'s directory is refused and the tree stays byte-identical', () => {
    const { dir, config } = project();
    const before = treeHash(dir);
    const run = synth(['--config', config, '--out', dir]);
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/it holds the config file .*platform\.yaml\. Nothing was written/);
    expect(treeHash(dir)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['notes', 'platform.yaml']); // no lock or staging directory either
  });

  test('a directory containing the config file further down is refused', () => {
    const { dir } = project();
    const nested = path.join(dir, 'configs');
    fs.mkdirSync(nested);
    fs.writeFileSync(path.join(nested, 'p.yaml'), CONFIG);
    const before = treeHash(dir);
    const run = synth(['--config', path.join(nested, 'p.yaml'), '--out', dir]);
    expect(run.text).toMatch(/it contains the config file .*configs\/p\.yaml/);
    expect(run.code).toBe(1);
    expect(treeHash(dir)).toBe(before);
  });

  test('a directory above the working directory is refused', () => {
    const { dir, config } = project();
    const before = treeHash(dir);
    const run = synthIn(path.join(dir, 'notes'), ['--config', config, '--out', '..']);
    expect(run.text).toMatch(/it contains the working directory/);
    expect(treeHash(dir)).toBe(before);
  });

  test('a non-empty foreign directory is refused and stays byte-identical, its parent too (no lock file left)', () => {
    const { config } = project();
    const parent = tempDir();
    const foreign = path.join(parent, 'somedir');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'report.pdf'), 'binary');
    fs.writeFileSync(path.join(foreign, 'deploy.yaml'), 'kind: ConfigMap\n');
    const before = treeHash(parent);
    const run = synth(['--config', config, '--out', foreign]);
    expect(run.code).toBe(1);
    expect(run.text).toMatch(/it is not empty \(deploy\.yaml, report\.pdf\) and holds no \.platform-kit-output marker/);
    expect(treeHash(parent)).toBe(before);
    expect(fs.readdirSync(parent)).toEqual(['somedir']);
  });

  test('a git repository root is refused even when it carries the marker', () => {
    const { config } = project();
    const repo = tempDir();
    fs.mkdirSync(path.join(repo, '.git'));
    fs.writeFileSync(path.join(repo, MARKER_NAME), 'x');
    const before = treeHash(repo);
    expect(synth(['--config', config, '--out', repo]).text).toMatch(/it is the root of a git repository/);
    expect(treeHash(repo)).toBe(before);
  });

  test('a symlink at the path is refused, and neither the link nor what it points at is touched', () => {
    const { config } = project();
    const parent = tempDir();
    const real = path.join(parent, 'real');
    writeMarked(real);
    fs.symlinkSync(real, path.join(parent, 'dist'));
    const before = treeHash(real);
    const run = synth(['--config', config, '--out', path.join(parent, 'dist')]);
    expect(run.text).toMatch(/it is a symlink \(to .*real\)/);
    expect(fs.lstatSync(path.join(parent, 'dist')).isSymbolicLink()).toBe(true);
    expect(treeHash(real)).toBe(before);
  });

  test('an existing file at the path is never replaced', () => {
    const { config } = project();
    const target = path.join(tempDir(), 'dist');
    fs.writeFileSync(target, 'my file\n');
    expect(synth(['--config', config, '--out', target]).text).toMatch(/a file exists there, and Platform Kit never replaces a file/);
    expect(fs.readFileSync(target, 'utf8')).toBe('my file\n');
  });

  test.each([['synth', []], ['--plan', ['--plan']], ['--check', ['--check']]])(
    '%s: --out below an existing file is refused up front, naming the file, exit 1, nothing touched',
    (_name, mode) => {
      // GIVEN a regular file where a folder of the output path would have to be
      const { config } = project();
      const parent = tempDir();
      const afile = path.join(parent, 'afile');
      fs.writeFileSync(afile, 'mine\n');
      const before = treeHash(parent);
      for (const out of [path.join(afile, 'sub'), path.join(afile, 'sub', 'deeper')]) {
        // WHEN
        const run = synth(['--config', config, '--out', out, ...mode]);
        // THEN
        expect(run.code).toBe(1);
        expect(run.text).toContain(`${afile} is a file, not a folder, so no directory can be made below it. Nothing was written. Move ${afile} away`);
        expect(run.text).not.toMatch(/EEXIST|looks like a bug|to add/);
      }
      expect(treeHash(parent)).toBe(before);
      expect(fs.readdirSync(parent)).toEqual(['afile']);
    },
  );

  test('a symlink to a file among the parents is a file in the way too; a symlink to a folder is not', () => {
    const parent = tempDir();
    fs.writeFileSync(path.join(parent, 'afile'), 'x\n');
    fs.symlinkSync(path.join(parent, 'afile'), path.join(parent, 'link'));
    fs.mkdirSync(path.join(parent, 'folder'));
    fs.symlinkSync(path.join(parent, 'folder'), path.join(parent, 'dirlink'));
    expect(() => checkOwnership(path.join(parent, 'link', 'dist'))).toThrow(`${path.join(parent, 'link')} is a file, not a folder`);
    expect(checkOwnership(path.join(parent, 'dirlink', 'new', 'dist'))).toBe('missing');
  });

  test('the filesystem root and the home directory are refused', () => {
    expect(() => checkOwnership('/')).toThrow(/it is the filesystem root/);
    const home = tempDir();
    expect(() => checkOwnership(home, { home, cwd: '/' })).toThrow(/it is your home directory/);
  });
});

describe('directories Platform Kit may replace', () => {
  test('missing, empty and marked directories; a marked one loses files that are no longer generated', () => {
    const { config } = project();
    const parent = tempDir();
    expect(checkOwnership(path.join(parent, 'new'), { configFile: config })).toBe('missing');
    fs.mkdirSync(path.join(parent, 'empty'));
    expect(checkOwnership(path.join(parent, 'empty'), { configFile: config })).toBe('empty');
    const marked = path.join(parent, 'marked');
    writeMarked(marked);
    fs.writeFileSync(path.join(marked, 'stale.yaml'), 'old\n');
    expect(synth(['--config', config, '--out', marked]).code).toBe(0);
    expect(fs.existsSync(path.join(marked, 'stale.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(marked, MARKER_NAME))).toBe(true);
  });

  test('an unmarked directory holding only files with Platform Kit\'s generated header (the dist/ before markers) is adopted', () => {
    const { config } = project();
    const out = path.join(tempDir(), 'dist');
    fs.mkdirSync(path.join(out, 'platform', '10-tenancy'), { recursive: true });
    fs.writeFileSync(path.join(out, 'platform', '10-tenancy', '10-old.yaml'), '# Generated by Platform Kit (`npm run synth`) from platform.yaml. Do not edit\n---\nkind: X\n');
    expect(checkOwnership(out, { configFile: config })).toBe('adopted');
    expect(synth(['--config', config, '--out', out]).code).toBe(0);
    expect(fs.existsSync(path.join(out, MARKER_NAME))).toBe(true);
  });

  test('one file without the header among generated ones is enough to refuse adoption', () => {
    const { config } = project();
    const out = path.join(tempDir(), 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, '10-a.yaml'), '# Generated by Platform Kit (`npm run synth`)\n');
    fs.writeFileSync(path.join(out, 'hand-written.yaml'), 'kind: ConfigMap\n');
    const before = treeHash(out);
    expect(synth(['--config', config, '--out', out]).code).toBe(1);
    expect(treeHash(out)).toBe(before);
  });
});

function writeMarked(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, MARKER_NAME), 'marker\n');
  fs.writeFileSync(path.join(dir, 'a.yaml'), 'a\n');
}
