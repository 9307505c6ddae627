import { Document, isMap, isScalar, Node, visit, YAMLError } from 'yaml';
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
