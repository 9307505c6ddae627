import * as fs from 'fs';
import * as path from 'path';
import { MINIMAL_CLUSTER, tempDir, treeHash } from '../support/helpers';
import { secrets, synth } from './npm-run';

const CONFIG = `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`;

/** A project root holding platform.yaml and a docs/ subdirectory, the user's shell in docs/. */
function project(): { root: string; docs: string } {
  const root = fs.realpathSync(tempDir());
  fs.writeFileSync(path.join(root, 'platform.yaml'), CONFIG);
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, 'docs', 'guide.md'), 'mine\n');
  return { root, docs: path.join(root, 'docs') };
}

describe('paths typed in a subdirectory are the shell\'s (npm runs the script in the project root, INIT_CWD is the shell)', () => {
  test('cd docs && npm run check -- --config ../platform.yaml reads the project\'s platform.yaml', () => {
    const { root, docs } = project();
    const run = synth(['--check', '--config', '../platform.yaml'], { shell: docs, project: root });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`objects from ../platform.yaml (${path.join(root, 'platform.yaml')}) pass every check`);
  });

  test('--out out-x from docs/ writes docs/out-x, not the root\'s out-x, and says where', () => {
    const { root, docs } = project();
    const run = synth(['--config', '../platform.yaml', '--out', 'out-x'], { shell: docs, project: root });
    expect(run.code).toBe(0);
    expect(fs.existsSync(path.join(docs, 'out-x', '.platform-kit-output'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'out-x'))).toBe(false);
    expect(run.out).toContain(`written to out-x/ (${path.join(docs, 'out-x')}/) from ../platform.yaml`);
  });

  test('the defaults stay the project\'s own: platform.yaml and dist/ in the root, whatever the shell\'s directory', () => {
    const { root, docs } = project();
    const run = synth(['--plan'], { shell: docs, project: root });
    expect(run.code).toBe(3);
    expect(run.out).toContain('what a synth would change in dist/');
    expect(synth([], { shell: docs, project: root }).code).toBe(0);
    expect(fs.existsSync(path.join(root, 'dist', '.platform-kit-output'))).toBe(true);
    expect(fs.readdirSync(docs)).toEqual(['guide.md']);
  });

  test('a relative --config that is missing names the absolute path and the directory it was looked for in', () => {
    const { root, docs } = project();
    const run = synth(['--config', 'platform.yaml'], { shell: docs, project: root });
    expect(run.code).toBe(1);
    expect(run.err).toContain(`error: ${path.join(docs, 'platform.yaml')}: cannot read the platform description`);
    expect(run.err).toContain(`(--config platform.yaml was looked for in ${docs}, the directory you ran npm in: a path you type is relative to it)`);
    expect(run.err).not.toMatch(/looks like a bug/);
  });

  test('npm run secrets -- --config ../platform.yaml from docs/ reads the project\'s platform.yaml', () => {
    const { root, docs } = project();
    const run = secrets(['--config', '../platform.yaml'], { shell: docs, project: root });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('the directories that are never an output, when the shell is not the project root', () => {
  test.each([
    ['.', 'it is the working directory'],
    ['..', 'it contains the working directory'],
  ])('--out %s from docs/ is refused (%s), nothing touched', (out, why) => {
    const { root, docs } = project();
    const before = treeHash(root);
    const run = synth(['--config', '../platform.yaml', '--out', out], { shell: docs, project: root });
    expect(run.code).toBe(1);
    expect(run.err).toContain(why);
    expect(run.err).toContain('Nothing was written');
    expect(treeHash(root)).toBe(before);
  });

  test('the project root is refused when the shell is elsewhere (npm --prefix), and so is a directory above it', () => {
    // GIVEN a project root one level down in a folder of its own, and the shell in an unrelated directory
    const container = fs.realpathSync(tempDir());
    const root = path.join(container, 'project');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'platform.yaml'), CONFIG);
    const shell = fs.realpathSync(tempDir());
    const before = treeHash(container);
    const inRoot = synth(['--out', root], { shell, project: root });
    expect(inRoot.code).toBe(1);
    expect(inRoot.err).toContain('it is the project directory (where npm runs Platform Kit). Nothing was written.');
    const above = synth(['--out', container, '--check'], { shell, project: root });
    expect(above.code).toBe(1);
    expect(above.err).toContain(`it contains the project directory ${root}.`);
    expect(treeHash(container)).toBe(before);
  });
});
