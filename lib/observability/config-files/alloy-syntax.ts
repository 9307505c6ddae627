/**
 * A tiny, dependency-free writer for Grafana Alloy configuration syntax (formerly "River").
 *
 * The syntax is: blocks `name "label" { ... }`, attributes `key = value`, `//` comments, double
 * quoted strings with Go-style escapes, lists `[a, b]`, objects `{ key = value }`, and bare
 * expressions such as component exports (`loki.write.default.receiver`) and standard-library
 * calls (`sys.env("NODE_NAME")`). Only what the platform's configs need is modelled.
 */

/** A bare Alloy expression, written verbatim (component references, function calls, operators). */
export interface AlloyExpr {
  readonly expr: string;
}

export type AlloyValue = string | number | boolean | AlloyExpr | readonly AlloyValue[] | AlloyObject;

/** An Alloy object literal, written `{ key = value, ... }`. */
export interface AlloyObject {
  readonly object: ReadonlyArray<readonly [string, AlloyValue]>;
}

export interface AlloyAttribute {
  readonly kind: 'attr';
  readonly name: string;
  readonly value: AlloyValue;
}

export interface AlloyBlock {
  readonly kind: 'block';
  readonly name: string;
  readonly label?: string;
  readonly comment?: string;
  readonly body: readonly AlloyStatement[];
}

export interface AlloyComment {
  readonly kind: 'comment';
  readonly text: string;
}

export type AlloyStatement = AlloyAttribute | AlloyBlock | AlloyComment;

export const expr = (e: string): AlloyExpr => ({ expr: e });
export const attr = (name: string, value: AlloyValue): AlloyAttribute => ({ kind: 'attr', name, value });
export const comment = (text: string): AlloyComment => ({ kind: 'comment', text });
export const obj = (...entries: Array<readonly [string, AlloyValue]>): AlloyObject => ({ object: entries });

export function block(
  name: string,
  label: string | undefined,
  body: readonly AlloyStatement[],
  blockComment?: string,
): AlloyBlock {
  if (label !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)) {
    throw new Error(`alloy: invalid component label "${label}"`);
  }
  return { kind: 'block', name, label, body, comment: blockComment };
}

/** Quote a string as an Alloy string literal. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        out += ch;
    }
  }
  return out + '"';
}

function isExpr(v: AlloyValue): v is AlloyExpr {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'expr' in v;
}

function isObject(v: AlloyValue): v is AlloyObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'object' in v;
}

function renderValue(v: AlloyValue, indent: string): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('alloy: non-finite number');
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isExpr(v)) return v.expr;
  if (isObject(v)) {
    if (v.object.length === 0) return '{}';
    const inner = indent + '  ';
    const width = Math.max(...v.object.map(([k]) => renderKey(k).length));
    const lines = v.object.map(([k, val]) => `${inner}${renderKey(k).padEnd(width)} = ${renderValue(val, inner)},`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  const items = v as readonly AlloyValue[];
  return `[${items.map((i) => renderValue(i, indent)).join(', ')}]`;
}

function renderKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : quote(k);
}

function renderComment(text: string, indent: string): string[] {
  return text.split('\n').map((line) => (line.length > 0 ? `${indent}// ${line}` : `${indent}//`));
}

function renderStatements(stmts: readonly AlloyStatement[], indent: string): string[] {
  const out: string[] = [];
  let prev: AlloyStatement['kind'] | undefined;
  let i = 0;
  while (i < stmts.length) {
    const s = stmts[i];
    // A blank line separates a block from what follows it, and precedes each comment/block group.
    const needsGap = prev !== undefined && (prev === 'block' || (s.kind !== 'attr' && prev !== 'comment'));
    if (needsGap) out.push('');
    if (s.kind === 'attr') {
      // Align `=` across consecutive attributes, the way `alloy fmt` does.
      const run: AlloyAttribute[] = [];
      while (i < stmts.length && stmts[i].kind === 'attr') {
        run.push(stmts[i] as AlloyAttribute);
        i++;
      }
      const width = Math.max(...run.map((a) => a.name.length));
      for (const a of run) out.push(`${indent}${a.name.padEnd(width)} = ${renderValue(a.value, indent)}`);
      prev = 'attr';
      continue;
    }
    if (s.kind === 'comment') out.push(...renderComment(s.text, indent));
    else out.push(...renderBlock(s, indent));
    prev = s.kind;
    i++;
  }
  return out;
}

function renderBlock(b: AlloyBlock, indent: string): string[] {
  const out: string[] = [];
  if (b.comment) out.push(...renderComment(b.comment, indent));
  const head = b.label !== undefined ? `${b.name} ${quote(b.label)}` : b.name;
  if (b.body.length === 0) {
    out.push(`${indent}${head} {}`);
    return out;
  }
  out.push(`${indent}${head} {`);
  out.push(...renderStatements(b.body, indent + '  '));
  out.push(`${indent}}`);
  return out;
}

/** Render a whole configuration file: top-level statements separated by blank lines. */
export function renderAlloy(header: string, stmts: readonly AlloyStatement[]): string {
  const parts: string[] = [renderComment(header, '').join('\n')];
  for (const s of stmts) {
    if (s.kind === 'block') parts.push(renderBlock(s, '').join('\n'));
    else if (s.kind === 'comment') parts.push(renderComment(s.text, '').join('\n'));
    else parts.push(renderStatements([s], '').join('\n'));
  }
  return parts.join('\n\n') + '\n';
}
