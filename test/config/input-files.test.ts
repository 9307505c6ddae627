import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli';
import { firstInvalidUtf8 } from '../../lib/config/encoding';
import { loadConfigFile, parseConfig } from '../../lib/config/load';
import { MAX_NESTING } from '../../lib/config/yaml-syntax';
import { MINIMAL_CLUSTER, problemsOf, ROOT, tempDir, userErrorMessage } from '../support/helpers';

/** The message loadConfigFile throws for a file. */
const fileMessageOf = (file: string) => userErrorMessage(() => loadConfigFile(file));

/** The message parseConfig throws for a text. */
const messageOf = (yaml: string) => userErrorMessage(() => parseConfig(yaml));

/** A file of `bytes` in a fresh directory. */
function fileOf(bytes: string | Buffer): string {
  const file = path.join(tempDir(), 'platform.yaml');
  fs.writeFileSync(file, bytes);
  return file;
}

/** runCli on a config: exit code and stderr. */
function cli(config: string): { exit: number; err: string } {
  const err: string[] = [];
  const exit = runCli(['--config', config, '--out', path.join(tempDir(), 'dist')], { out: () => undefined, err: (l) => err.push(l) });
  return { exit, err: err.join('\n') };
}

const EMBEDDED = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8');

describe('nesting deeper than a platform description needs', () => {
  test.each([
    ['flow lists', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['flow mappings', (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`],
  ])('%s 3,000 deep: a plain refusal with the line and column, exit 1 (was a stack overflow, exit 2)', (_name, nest) => {
    // GIVEN the embedded platform.yaml with a deeply nested value on its own line below it
    const lineNo = EMBEDDED.split('\n').length;
    const file = fileOf(`${EMBEDDED.replace(/\n$/, '')}\nx: ${nest(3000)}\n`);
    // WHEN synthesizing
    const { exit, err } = cli(file);
    // THEN the line is named, with the limit, and nothing says "bug"
    expect(exit).toBe(1);
    expect(err).toMatch(new RegExp(`line ${lineNo}, column \\d+: lists and mappings nest more than ${MAX_NESTING} levels deep here; a platform description never needs that many`));
    expect(err).toMatch(/\n\s+\| +\^/);
    expect(err).not.toMatch(/looks like a bug|Maximum call stack/);
  });

  test('block mappings 3,000 deep are refused at the line that goes past the limit', () => {
    // GIVEN k0: … k2999: each indented one more space (lines 1 to 3000)
    const yaml = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n';
    // THEN the first key past the limit is named (the top mapping is level 1, so k64 opens level 65)
    expect(messageOf(yaml)).toMatch(new RegExp(`^platform\\.yaml: not valid YAML \\(1 error\\)\\n\\s+- line ${MAX_NESTING + 1}, column ${MAX_NESTING + 1}: lists and mappings nest more than ${MAX_NESTING} levels`));
  });

  test.each([500, 1000])('%d levels do not crash either', (n) => {
    expect(messageOf(`${MINIMAL_CLUSTER}x: ${'['.repeat(n)}${']'.repeat(n)}\n`)).toMatch(/line 6, column \d+: lists and mappings nest more than/);
  });

  test(`${MAX_NESTING} levels are still read (the limit is not off by one)`, () => {
    // GIVEN the top mapping (level 1) and a value nested 63 more levels THEN the schema, not the depth check, answers
    expect(problemsOf(`${MINIMAL_CLUSTER}x: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`)).toEqual([expect.stringMatching(/^x: unknown key "x"/)]);
    expect(messageOf(`${MINIMAL_CLUSTER}x: ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}\n`)).toMatch(/nest more than/);
  });

  test('aliases of aliases cannot build a deep value on few lines: the chain is refused with its line, not a crash', () => {
    // GIVEN 1,000 lines, each a list holding the one above (1,000 levels once expanded)
    const lines = ['a0: &a0 [x]', ...Array.from({ length: 1000 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`)];
    // THEN the yaml package's alias count stops it early (each alias counts the ones inside its anchor), and the line is named
    expect(messageOf(`${lines.join('\n')}\n`)).toMatch(/^platform\.yaml: not valid YAML \(1 error\)\n\s+- line \d, column \d+: the file uses aliases \("\*name"\) so heavily/);
  });
});

describe('files that are not UTF-8', () => {
  test('a Latin-1 byte is refused with its line, column, value and the fix (was silently "�" in dist/)', () => {
    // GIVEN the embedded platform.yaml with a Latin-1 "é" in a comment on line 2
    const lines = EMBEDDED.split('\n');
    lines.splice(1, 0, '# caf\u00e9');
    const file = fileOf(Buffer.from(lines.join('\n'), 'latin1'));
    const { exit, err } = cli(file);
    // THEN
    expect(exit).toBe(1);
    expect(err).toMatch(/platform\.yaml: not UTF-8 text\n\s+- line 2, column 6: byte 0xE9 is not valid UTF-8 \(probably saved as Latin-1 or Windows-1252, where it is "é"\); save the file as UTF-8\n\s+2 \| # caf\uFFFD\n\s+\|      \^/);
    expect(err).not.toMatch(/looks like a bug/);
  });

  test('the column counts characters, not bytes, before the bad byte', () => {
    // GIVEN "ü" (two bytes in UTF-8) and then a lone 0xFF on line 1
    const file = fileOf(Buffer.concat([Buffer.from('a: "ü'), Buffer.from([0xff]), Buffer.from('"\n')]));
    expect(fileMessageOf(file)).toMatch(/line 1, column 6: byte 0xFF is not valid UTF-8 \(probably .* where it is "ÿ"\)/);
  });

  test.each([
    ['little-endian with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(EMBEDDED, 'utf16le')]), 'little-endian'],
    ['big-endian with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(EMBEDDED, 'utf16le').swap16()]), 'big-endian'],
    ['little-endian without a byte-order mark', Buffer.from(EMBEDDED, 'utf16le'), 'little-endian'],
  ])('UTF-16 %s is named as UTF-16', (_name, bytes, kind) => {
    const { exit, err } = cli(fileOf(bytes));
    expect(exit).toBe(1);
    expect(err).toMatch(new RegExp(`not UTF-8 text\\n\\s+- the file is saved as UTF-16 \\(${kind}\\); save it as UTF-8`));
  });

  test.each([
    ['a UTF-8 byte-order mark', `\uFEFF${EMBEDDED}`],
    ['CRLF line endings', EMBEDDED.replace(/\n/g, '\r\n')],
  ])('%s keeps working, with the same config as the plain file', (_name, text) => {
    expect(loadConfigFile(fileOf(text))).toEqual(parseConfig(EMBEDDED));
  });

  test('a binary file (a program) is called binary, not "probably Latin-1"', () => {
    const message = fileMessageOf(process.execPath);
    expect(message).toMatch(/: not a text file\n\s+- the file holds binary data .*; pass the platform\.yaml text file with --config <file>\.$/);
    expect(message).not.toMatch(/Latin-1/);
  });

  test('the UTF-8 check refuses what RFC 3629 refuses and passes the rest', () => {
    const ok = Buffer.from('plain ü € 😀 \uFFFD');
    expect(firstInvalidUtf8(ok)).toBe(-1);
    // overlong "/", a surrogate, above U+10FFFF, a lone continuation byte, a cut sequence at the end
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]]) {
      expect(firstInvalidUtf8(Buffer.concat([Buffer.from('ab'), Buffer.from(bad)]))).toBe(2);
    }
  });
});

describe('characters YAML does not allow', () => {
  test('a NUL byte in a value is refused with its line and a caret (was written to dist/)', () => {
    const message = messageOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\u0000b\n`);
    expect(message).toMatch(/^platform\.yaml: not valid YAML \(1 error\)\n\s+- line 7, column 12: a NUL byte \(U\+0000\), which YAML does not allow in a file; delete it \(shown as "\?" below\)\n\s+7 \|   - name: a\?b\n\s+\|            \^$/);
  });

  test.each([['\u0001', 'a control character (U+0001)'], ['\u001b', 'an escape character (U+001B)'], ['\u007f', 'a DEL character (U+007F)']])('%j is named', (char, name) => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants: []\n# x${char}\n`)).toMatch(new RegExp(`line 7, column 4: ${name.replace(/[()+]/g, '\\$&')}`));
  });

  test('tab, LF and CR are not refused', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}tenants: []\t# a tab\r\n`)).toEqual([]);
  });
});

describe('Unicode spaces in the indentation', () => {
  test('a non-breaking space is named on its own line, instead of the cascade of "indentation is off" below it', () => {
    // GIVEN the embedded platform.yaml with the indentation of a nested key's first space a non-breaking space
    const lines = EMBEDDED.split('\n');
    const at = lines.findIndex((l, i) => i > 0 && /^ {2}\S/.test(l) && /^\S/.test(lines[i - 1]));
    expect(at).toBeGreaterThan(0);
    lines[at] = `\u00a0${lines[at].slice(1)}`;
    const message = messageOf(lines.join('\n'));
    // THEN one problem, on that line, with a caret under column 1
    expect(message).toMatch(new RegExp(`^platform\\.yaml: not valid YAML \\(1 error\\)\\n\\s+- line ${at + 1}, column 1: a non-breaking space \\(U\\+00A0\\) is used for indentation; replace it with ordinary spaces\\n\\s+${at + 1} \\| .*\\n\\s+\\| \\^$`));
  });

  test.each([
    ['\u3000', 'an ideographic space (U+3000)'],
    ['\u2003', 'a Unicode space (U+2003)'],
    ['\u200b', 'a zero-width space (U+200B)'],
    ['\ufeff', 'a zero-width no-break space (a byte-order mark inside the file) (U+FEFF)'],
  ])('%j after a list dash is named too', (space, name) => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants:\n  -${space}name: a\n`)).toMatch(new RegExp(`line 7, column 4: ${name.replace(/[()+]/g, '\\$&')} is used for indentation`));
  });

  test('a non-breaking space inside quotes or a block scalar, or within a value, is content and stays allowed', () => {
    const app = 'apps:\n  - name: web\n    tenant: a\n    image: { repository: nginx, tag: "1.27" }\n    config:\n';
    const config = parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n${app}      A: "x\n       \u00a0y"\n      B: |\n        \u00a0indented\n      C: one\u00a0two\n`);
    expect(config.apps[0].config).toEqual({ A: 'x \u00a0y', B: '\u00a0indented\n', C: 'one\u00a0two' });
  });
});

describe('aliases, with their lines', () => {
  test('an alias without an anchor names its line and column', () => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants: *team\n`)).toMatch(/^platform\.yaml: not valid YAML \(1 error\)\n\s+- line 6, column 10: an alias refers to no anchor: "\*team"; define "&team" on a value above before using "\*team"\n\s+6 \| tenants: \*team\n\s+\|          \^$/);
  });

  test('an alias above its anchor names both lines', () => {
    const message = messageOf(`${MINIMAL_CLUSTER}mysql:\n  clients: *c\ntenants:\n  - name: c\nx: &c [c]\n`);
    expect(message).toMatch(/line 7, column 12: an alias refers to no anchor above it: "\*c" \(its anchor "&c" is further down, on line 10\); move "&c" up/);
  });

  test('an alias bomb names the line where the expansion passes the limit', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(',')}]`);
    expect(messageOf(`${levels.join('\n')}\n`)).toMatch(/not valid YAML \(1 error\)\n\s+- line 4, column 8: the file uses aliases \("\*name"\) so heavily that it would expand enormously \(a "billion laughs" file\)[^\n]*\n\s+4 \| d: &d \[\*c/);
  });
});

describe('--config that is not a regular file', () => {
  test.each(['/dev/zero', '/dev/urandom'])('%s is refused up front (was read forever)', (device) => {
    const { exit, err } = cli(device);
    expect(exit).toBe(1);
    expect(err).toMatch(new RegExp(`${device}: cannot read the platform description\\n\\s+- not a regular file but a device; pass the platform\\.yaml file itself`));
  });

  test('a FIFO is refused without waiting for a writer', () => {
    const fifo = path.join(tempDir(), 'platform.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(fileMessageOf(fifo)).toMatch(/platform\.yaml: cannot read the platform description\n\s+- not a regular file but a named pipe \(FIFO\)/);
  });

  test('a symbolic link to a regular file is read', () => {
    const link = path.join(tempDir(), 'link.yaml');
    fs.symlinkSync(path.join(ROOT, 'platform.yaml'), link);
    expect(loadConfigFile(link)).toEqual(parseConfig(EMBEDDED));
  });
});

describe('values shown as written', () => {
  const app = (config: string) => `${MINIMAL_CLUSTER}tenants:\n  - name: a\napps:\n  - name: web\n    tenant: a\n    image: { repository: nginx, tag: "1.27" }\n    config:\n${config}`;

  test.each([
    ['0x1F', 'MASK: 0x1F'],
    ['1e3', 'MASK: 1e3'],
    ['1.30', 'MASK: 1.30'],
    ['.inf', 'MASK: .inf'],
    ['0o17', 'MASK: 0o17'],
    ['True', 'MASK: True'],
  ])('%s is shown as written, with the fix to quote it', (written, line) => {
    const expected = `apps[0].config.MASK: ${written} is a ${written === 'True' ? 'boolean' : 'number'}, expected a string (put the value in quotes to keep it as written, e.g. "1.10") (line 13)`;
    expect(problemsOf(app(`      ${line}\n`))).toEqual([expected]);
  });

  test('an image tag 1.30 is shown as 1.30, not 1.3', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}tenants: []\nmysql:\n  image: { tag: 1.30 }\n`)).toEqual([
      'mysql.image.tag: 1.30 is a number, expected a string (put the value in quotes to keep it as written, e.g. "1.10") (line 8)',
    ]);
  });

  test('a number reached through an alias is shown as YAML read it (no scalar is written at that path)', () => {
    expect(problemsOf(app('      A: &n 0x1F\n      MASK: *n\n'))).toEqual([
      expect.stringMatching(/^apps\[0\]\.config\.A: 0x1F is a number/),
      expect.stringMatching(/^apps\[0\]\.config\.MASK: 31 is a number/),
    ]);
  });
});
