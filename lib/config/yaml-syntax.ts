import { Alias, Document, isAlias, isCollection, isMap, isPair, isScalar, Node, Parser, visit, YAMLError } from 'yaml';
import { LineIndex } from './source-lines';

/**
 * YAML syntax errors in plain words. The parser's own messages ("Nested mappings are not allowed in compact
 * mappings") name its grammar, not the mistake; each code gets the sentence a person editing platform.yaml needs,
 * followed by the offending line and a caret under the column.
 */
const PLAIN: Record<string, string | ((e: YAMLError, text: string) => string)> = {
  BAD_INDENT: 'the indentation is off: indent this line like the other entries at its level, and close every "{" and "["',
  MISSING_CHAR: 'a character is missing: a "-" before a list item, a ":" after a key, or a closing quote or bracket',
  TAB_AS_INDENT: 'a tab is used for indentation; YAML allows only spaces',
  BAD_DQ_ESCAPE: 'a "\\" in a double-quoted string starts an unknown escape; use single quotes, or write "\\\\" for a backslash',
  BLOCK_AS_IMPLICIT_KEY: 'a value contains ": " (a colon and a space), which starts a nested mapping; put the value in quotes',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line; put it on one line (or the line above lacks its ":" or closing quote)',
  BAD_SCALAR_START: (e) => `a plain value cannot start with ${/character (\S+)/.exec(e.message)?.[1] ?? 'this character'}; put the value in quotes`,
  UNEXPECTED_TOKEN: 'unexpected text here: check the indentation and that every bracket and quote is closed',
  MULTIPLE_DOCS: 'the file holds more than one YAML document ("---"); platform.yaml is one document',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters (a missing ":" or quote above?)',
  BLOCK_IN_FLOW: 'an indented block inside "{ }" or "[ ]"; write the flow collection on one line, or use indentation only',
  BAD_ALIAS: 'an alias ("*name") is malformed',
  ALIAS_PROPS: 'an alias ("*name") cannot carry an anchor or a tag',
  MULTIPLE_ANCHORS: 'a value has two anchors ("&name"); keep one',
  MULTIPLE_TAGS: 'a value has two tags ("!tag"); keep one',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place; write it right before the value',
  TAG_RESOLVE_FAILED: 'a tag ("!!int", "!!str"…) does not fit its value; remove the tag',
  NON_STRING_KEY: 'a key is a list or mapping; keys must be plain names',
  BAD_DIRECTIVE: 'a "%" directive line is not valid here; remove it',
};

/** `line 9, column 4: <plain words>` followed by the source line and a caret, indented to sit under a list item. */
export function describeYamlError(e: YAMLError, text: string, lines: LineIndex): string {
  const { line, col } = lines.linePos(e.pos[0]);
  const plain = PLAIN[e.code];
  const words = typeof plain === 'function' ? plain(e, text) : plain ?? e.message.split('\n')[0];
  return `line ${line}, column ${col}: ${words}\n${excerpt(text, line, col)}`;
}

/** The source line with a caret under `col`, long lines cut around it. */
export function excerpt(text: string, line: number, col: number): string {
  // Tabs as spaces so the caret lines up; control characters (a binary file) as "?" so the terminal stays sane.
  // eslint-disable-next-line no-control-regex
  const source = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '').replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  const start = Math.max(0, col - 60);
  const shown = `${start > 0 ? '…' : ''}${source.slice(start, start + 100)}${source.length > start + 100 ? '…' : ''}`;
  const caretAt = col - 1 - start + (start > 0 ? 1 : 0);
  const gutter = String(line);
  return `      ${gutter} | ${shown}\n      ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, caretAt))}^`;
}

/**
 * Keys written twice in one mapping (with their offsets), as `line N, column C: key "x" appears twice…` and the source line. The yaml
 * package's own check (`uniqueKeys`) compares each key with every earlier one, which made an 8,000-key `config:` map
 * take seconds; a set per mapping is linear.
 */
export function duplicateKeys(doc: Document, text: string, lines: LineIndex): Array<{ at: number; message: string }> {
  const problems: Array<{ at: number; message: string }> = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key) || key.value === '<<') continue;
        const name = String(key.value);
        if (seen.has(name) && key.range) {
          const { line, col } = lines.linePos(key.range[0]);
          problems.push({ at: key.range[0], message: `line ${line}, column ${col}: key ${JSON.stringify(name)} appears twice in the same mapping; keep one of them\n${excerpt(text, line, col)}` });
        }
        seen.add(name);
      }
    },
  });
  return problems;
}

/** A character YAML forbids in a file (C0 controls other than tab, LF and CR; DEL), by its usual name. */
const CONTROL_NAMES: Record<number, string> = { 0: 'a NUL byte', 0x1b: 'an escape character', 0x7f: 'a DEL character', 0x0c: 'a form feed', 0x0b: 'a vertical tab', 0x08: 'a backspace' };

/**
 * Control characters, which YAML does not allow anywhere in a file (the parser here takes a NUL in a value without a
 * word and writes it to dist/): each line that has one, with a caret under the first.
 */
export function controlCharacters(text: string, lines: LineIndex): Array<{ at: number; message: string }> {
  const problems: Array<{ at: number; message: string }> = [];
  // eslint-disable-next-line no-control-regex
  const pattern = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
  let lastLine = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const { line, col } = lines.linePos(m.index);
    if (line === lastLine) continue;
    lastLine = line;
    const code = m[0].charCodeAt(0);
    const name = CONTROL_NAMES[code] ?? 'a control character';
    problems.push({ at: m.index, message: `line ${line}, column ${col}: ${name} (U+${hex4(code)}), which YAML does not allow in a file; delete it (shown as "?" below)\n${excerpt(text, line, col)}` });
  }
  return problems;
}

/** How deep lists and mappings may nest. The deepest path of the embedded platform.yaml is 6 levels; a file past 64 is generated or broken, and the YAML parser recurses per level (about 1,000 levels overflow its stack). */
export const MAX_NESTING = 64;

/** Unicode spaces that look like a space in an editor but are content to YAML, by name. */
const UNICODE_SPACES: Record<number, string> = {
  0x00a0: 'a non-breaking space', 0x1680: 'an Ogham space mark', 0x200b: 'a zero-width space', 0x202f: 'a narrow non-breaking space',
  0x205f: 'a medium mathematical space', 0x3000: 'an ideographic space', 0xfeff: 'a zero-width no-break space (a byte-order mark inside the file)',
};

type CstToken = ReturnType<Parser['parse']> extends Generator<infer T> ? T : never;

/**
 * Problems found on the parser's token tree (before the document is composed, which recurses once per nesting level):
 * nesting deeper than {@link MAX_NESTING}, and Unicode spaces in a line's indentation. The tree is walked with a stack
 * of its own, so no depth overflows here. A non-breaking space in the indentation otherwise shows only as a cascade of
 * "the indentation is off" on the lines below it, none of which names the line or the character.
 */
export function tokenProblems(tokens: readonly CstToken[], text: string, lines: LineIndex): Array<{ at: number; message: string }> {
  const quoted: Array<[number, number]> = [];
  const stack: Array<{ token: CstToken | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > MAX_NESTING) {
          const { line, col } = lines.linePos(token.offset);
          return [{ at: token.offset, message: `line ${line}, column ${col}: lists and mappings nest more than ${MAX_NESTING} levels deep here; a platform description never needs that many, so this is a generated or broken file: flatten it, or check that every "[" and "{" is closed where you meant\n${excerpt(text, line, col)}` }];
        }
        for (const item of token.items) {
          stack.push({ token: item.key as CstToken | null | undefined, depth: depth + 1 });
          stack.push({ token: item.value as CstToken | undefined, depth: depth + 1 });
        }
        break;
      }
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        quoted.push([token.offset, token.offset + token.source.length]);
        break;
      default:
        break;
    }
  }
  return unicodeIndentation(text, lines, quoted.sort((a, b) => a[0] - b[0]));
}

/** Lines whose indentation (the blanks and "- " before the first other character) holds a Unicode space, outside quoted and block scalars. */
function unicodeIndentation(text: string, lines: LineIndex, quoted: ReadonlyArray<[number, number]>): Array<{ at: number; message: string }> {
  const problems: Array<{ at: number; message: string }> = [];
  const pattern = /^(?:[ \t]|-(?=[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]))*([\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff])/gm;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const at = m.index + m[0].length - 1;
    if (at === 0 && m[1] === '\ufeff') continue; // the byte-order mark at the start of the file
    if (insideAny(quoted, at)) continue;
    const code = m[1].charCodeAt(0);
    const name = UNICODE_SPACES[code] ?? 'a Unicode space';
    const { line, col } = lines.linePos(at);
    problems.push({ at, message: `line ${line}, column ${col}: ${name} (U+${hex4(code)}) is used for indentation; replace it with ordinary spaces\n${excerpt(text, line, col)}` });
  }
  return problems;
}

function insideAny(ranges: ReadonlyArray<[number, number]>, at: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (ranges[mid][1] <= at) low = mid + 1;
    else if (ranges[mid][0] > at) high = mid - 1;
    else return true;
  }
  return false;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Aliases toJS refused, with their lines: every alias whose anchor is not set above it (the parser says only
 * "Unresolved alias"), and the alias at which the expansion count passes `maxAliasCount` — found by the count the yaml
 * package keeps (Alias.toJSON: uses of an anchor × the aliases inside it), replayed in document order.
 */
export function aliasProblems(doc: Document, text: string, lines: LineIndex, maxAliasCount: number): Array<{ at: number; message: string }> {
  const anchored: Node[] = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node) || ((isScalar(node) || isCollection(node)) && node.anchor)) anchored.push(node as Node);
    },
  });
  const at = (node: Node) => {
    const offset = node.range?.[0] ?? 0;
    return { offset, ...lines.linePos(offset) };
  };
  const last = new Map<string, Node>();
  const unresolved: Array<{ at: number; message: string }> = [];
  const counts = new Map<Node, { count: number; aliasCount: number }>();
  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const source = sourceOf(node);
      const data = source && counts.get(source);
      return data ? data.count * data.aliasCount : 0;
    }
    if (isCollection(node)) return Math.max(0, ...node.items.map((item) => aliasCount(item)));
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };
  const sources = new Map<Node, Node | undefined>();
  const sourceOf = (alias: Alias) => sources.get(alias);
  for (const node of anchored) {
    if (!isAlias(node)) {
      last.set(node.anchor!, node);
      counts.set(node, { count: 1, aliasCount: 0 });
      continue;
    }
    const source = last.get(node.source);
    sources.set(node, source);
    const { offset, line, col } = at(node);
    if (!source) {
      const later = anchored.find((n) => !isAlias(n) && n.anchor === node.source);
      const words = later
        ? `an alias refers to no anchor above it: "*${node.source}" (its anchor "&${node.source}" is further down, on line ${at(later).line}); move "&${node.source}" up to the first place the value is written, above this line`
        : `an alias refers to no anchor: "*${node.source}"; define "&${node.source}" on a value above before using "*${node.source}"`;
      unresolved.push({ at: offset, message: `line ${line}, column ${col}: ${words}\n${excerpt(text, line, col)}` });
      continue;
    }
    const data = counts.get(source)!;
    data.count += 1;
    if (data.aliasCount === 0) data.aliasCount = aliasCount(source);
    if (unresolved.length === 0 && data.count * data.aliasCount > maxAliasCount) {
      return [{ at: offset, message: `line ${line}, column ${col}: the file uses aliases ("*name") so heavily that it would expand enormously (a "billion laughs" file); write the values out, or use fewer aliases\n${excerpt(text, line, col)}` }];
    }
  }
  return unresolved;
}
