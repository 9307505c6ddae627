import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { renderSchemaTypes } from '../../lib';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every ```ts block of README.md and docs/*.md, with where it starts. */
function examples(): Array<{ file: string; line: number; code: string }> {
  const files = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return files.flatMap((file) => {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    const found: Array<{ file: string; line: number; code: string }> = [];
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i]);
      if (!open) continue;
      const indent = open[1].length;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
      found.push({ file, line: i + 1, code: body.join('\n') });
      i = j;
    }
    return found;
  });
}

/** The file name a block declares with a first line `// file: <name>.ts`. */
function fileOf(code: string): string | undefined {
  return /^\/\/ file: ([\w.-]+\.ts)\n/.exec(code)?.[1];
}

describe('TypeScript examples in the docs', () => {
  const blocks = examples();

  test('there are examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  test('each compiles against the public API (platform-kit = lib/index.ts) with no error', () => {
    // GIVEN every block as its own module, importing the package by name
    const dir = path.join(ROOT, 'build', 'doc-examples');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const names = blocks.map((b, i) => {
      // A block that starts with `// file: <name>.ts` is that file, so another block can import it (README's
      // "Adding a part" shows the config.generated.ts its part imports).
      const named = fileOf(b.code);
      const name = path.join(dir, named ?? `${b.file.replace(/[/.]/g, '_')}_${b.line}_${i}.ts`);
      // Each block is a module of its own (an `export {}` keeps top-level names from colliding).
      fs.writeFileSync(name, `${b.code}\nexport {};\n`);
      return name;
    });
    const program = ts.createProgram(names, {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true,
      baseUrl: ROOT, paths: { 'platform-kit': ['lib/index.ts'] }, types: ['node'],
    });
    // WHEN type-checked THEN no block has an error (each message says which doc and line it came from)
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file && names.includes(path.normalize(d.file.fileName))).map((d) => {
      const block = blocks[names.indexOf(path.normalize(d.file!.fileName))];
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${block.file}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(errors).toEqual([]);
  });

  test('a generated file a doc shows is what `npm run schema` writes for the part the doc defines', () => {
    // GIVEN each `// file: config.generated.ts` block and the block that imports it (the part that declares it)
    const shown = blocks.filter((b) => fileOf(b.code) !== undefined);
    expect(shown.length).toBeGreaterThanOrEqual(1);
    for (const generated of shown) {
      const importer = blocks.find((b) => b.file === generated.file && b.code.includes(`from './${fileOf(generated.code)!.replace(/\.ts$/, '')}'`));
      expect(importer).toBeDefined();
      // WHEN the part's block runs (platform-kit is lib/index.ts; the generated module holds only types)
      const js = ts.transpileModule(importer!.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const exports: Record<string, any> = {};
      const load = (m: string): unknown => (m === 'platform-kit' ? require('../../lib') : m.startsWith('./') ? {} : require(m));
      new Function('require', 'exports', js)(load, exports);
      const part = Object.values(exports).find((v) => v && typeof v === 'object' && 'configType' in v);
      // THEN the generator gives exactly the block (after its `// file:` line; the file ends in a newline)
      expect(renderSchemaTypes(part.key, part.schema, part.configType)).toBe(`${generated.code.split('\n').slice(1).join('\n')}\n`);
    }
  });
});
