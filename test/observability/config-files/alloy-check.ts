/**
 * A structural checker for Grafana Alloy configuration text (no Alloy grammar is published on npm):
 * strings and comments are tokenised, brackets must balance, and every component export that is
 * referenced (`<component>.<label>.receiver|targets|output|exports`) must be defined in the file.
 */
export interface AlloyCheck {
  readonly errors: string[];
  /** `<component name>.<label>` of every top-level labelled block. */
  readonly components: string[];
  /** Names of top-level unlabelled blocks (e.g. `logging`). */
  readonly blocks: string[];
  /** `<component name>.<label>.<export>` of every reference found outside strings and comments. */
  readonly references: string[];
  /** The text with comments blanked and string contents masked (same length as the input). */
  readonly code: string;
}

const CLOSE: Record<string, string> = { '}': '{', ']': '[', ')': '(' };

export function checkAlloy(text: string): AlloyCheck {
  const errors: string[] = [];
  const masked: string[] = [];
  const depthAt: number[] = [];
  const stack: Array<{ ch: string; at: number }> = [];
  let i = 0;
  const line = (at: number) => text.slice(0, at).split('\n').length;

  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        masked.push(' ');
        depthAt.push(stack.length);
        i++;
      }
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        errors.push(`unterminated block comment at line ${line(i)}`);
        break;
      }
      for (; i < end + 2; i++) {
        masked.push(text[i] === '\n' ? '\n' : ' ');
        depthAt.push(stack.length);
      }
      continue;
    }
    if (c === '"' || c === '`') {
      const start = i;
      masked.push(c);
      depthAt.push(stack.length);
      i++;
      let closed = false;
      while (i < text.length) {
        const s = text[i];
        if (c === '"' && s === '\\') {
          if (!/["\\nrt]/.test(text[i + 1] ?? '')) errors.push(`bad escape \\${text[i + 1]} at line ${line(i)}`);
          masked.push('_', '_');
          depthAt.push(stack.length, stack.length);
          i += 2;
          continue;
        }
        if (c === '"' && s === '\n') break;
        if (s === c) {
          masked.push(c);
          depthAt.push(stack.length);
          i++;
          closed = true;
          break;
        }
        masked.push(s === '\n' ? '\n' : '_');
        depthAt.push(stack.length);
        i++;
      }
      if (!closed) errors.push(`unterminated string starting at line ${line(start)}`);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') {
      depthAt.push(stack.length);
      stack.push({ ch: c, at: i });
    } else if (c in CLOSE) {
      const open = stack.pop();
      if (!open || open.ch !== CLOSE[c]) errors.push(`unbalanced "${c}" at line ${line(i)}`);
      depthAt.push(stack.length);
    } else {
      depthAt.push(stack.length);
    }
    masked.push(c);
    i++;
  }
  for (const open of stack) errors.push(`unclosed "${open.ch}" from line ${line(open.at)}`);

  const code = masked.join('');
  const components: string[] = [];
  const blocks: string[] = [];
  // Top-level block headers: `name "label" {` or `name {`, found on the original text at depth 0.
  const header = /^([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)[ \t]+(?:"([^"\\\n]*)"[ \t]*)?\{/gm;
  for (const mm of text.matchAll(header)) {
    const at = mm.index ?? 0;
    if (depthAt[at] !== 0 || code[at] === ' ') continue;
    if (mm[2] !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(mm[2])) errors.push(`invalid label "${mm[2]}"`);
      const id = `${mm[1]}.${mm[2]}`;
      if (components.includes(id)) errors.push(`duplicate component ${id}`);
      components.push(id);
    } else {
      blocks.push(mm[1]);
    }
  }
  const references: string[] = [];
  for (const mm of code.matchAll(/\b([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+)\.(receiver|targets|output|exports)\b/g)) {
    references.push(`${mm[1]}.${mm[2]}`);
    if (!components.includes(mm[1])) errors.push(`reference to undefined component ${mm[1]} (${mm[0]})`);
  }
  return { errors, components, blocks, references, code };
}
