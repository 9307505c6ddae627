import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT, tempDir } from '../support/helpers';

/** The sources writeOutput needs at run time (type-only imports are dropped by the transpiler). */
const SOURCES = ['lib/output/write.ts', 'lib/output/exchange.ts', 'lib/output/lock.ts', 'lib/output/marker.ts', 'lib/output/ownership.ts', 'lib/output/fs-errors.ts', 'lib/cli-args.ts', 'lib/core/errors.ts'];

let compiled: string | undefined;

/**
 * A directory holding writeOutput as plain JavaScript, so tests can run it in child processes they kill or race
 * (jest's transform exists only inside jest). Transpiled once per test file, like the synth launcher does.
 */
export function compiledWriter(): string {
  if (compiled) return compiled;
  const dir = tempDir('platform-kit-writer-');
  for (const source of SOURCES) {
    const js = ts.transpileModule(fs.readFileSync(path.join(ROOT, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const dest = path.join(dir, source.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, js);
  }
  compiled = dir;
  return dir;
}

/**
 * A child program: `node <script> <out> <tag> [loop] [swap]` writes a 200-file tree tagged `tag` into `out` (forever,
 * alternating tags `tag`/`tag-b`, when `loop` is 'loop'), after printing `ready`; `swap` is WriteOptions.swap.
 */
export function writerScript(): string {
  const dir = compiledWriter();
  const script = path.join(dir, 'child.js');
  fs.writeFileSync(script, `
const { writeOutput } = require('./lib/output/write.js');
const [out, tag, loop, swap] = process.argv.slice(2);
${treeSource}
process.stdout.write('ready\\n');
let i = 0;
do { writeOutput(out, tree(i++ % 2 === 0 ? tag : tag + '-b'), { swap: swap || undefined }); } while (loop === 'loop');
`);
  return script;
}

/** The tree a child writes for `tag` (the same function in the test and in the child). */
const treeSource = `function tree(tag) {
  const files = [];
  for (let i = 0; i < 200; i++) files.push({ path: 'unit-' + (i % 7) + '/' + String(i).padStart(3, '0') + '.yaml', content: '# ' + tag + ' ' + i + '\\n' + 'x: '.repeat(200) + '\\n', objects: [] });
  files.push({ path: tag + '.yaml', content: tag + '\\n', objects: [] });
  return files;
}`;

// eslint-disable-next-line no-new-func
export const tree: (tag: string) => Array<{ path: string; content: string; objects: [] }> = new Function(`${treeSource}; return tree;`)();
