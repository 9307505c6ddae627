import { Document, isMap, isScalar, isSeq, Node } from 'yaml';

/**
 * Line and column of an offset in the text. (yaml's LineCounter is not used: it learns only the newlines the lexer
 * reports, so after a multi-line plain scalar its line numbers drift.)
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  linePos(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - this.starts[low] + 1 };
  }
}

/** A key of a config path: a mapping key or a list index. */
export type PathKey = string | number;

/**
 * Finds where a config path is written in platform.yaml, so every message can say which line to change. A path that
 * is not in the file (a default) points at its nearest written ancestor.
 */
export class SourceLines {
  /** `text`: the source, for {@link writtenAs}. @default - writtenAs finds nothing */
  constructor(private readonly doc: Document, private readonly lines: LineIndex, private readonly text?: string) {}

  /** The scalar at `path` as written in the file (`0x1F`, `1.30`), or undefined when the path is no scalar written there (an alias, a default). */
  writtenAs(path: readonly PathKey[]): string | undefined {
    if (this.text === undefined || path.length === 0) return undefined;
    const node = this.doc.getIn(path, true);
    if (!isScalar(node) || !node.range) return undefined;
    const written = this.text.slice(node.range[0], node.range[1]).trim();
    return written === '' ? undefined : written;
  }

  /** The line of the key that holds `path` (`tenants[1].quota.cpu` → the line of `cpu:`), or of its nearest written ancestor. */
  lineOf(path: readonly PathKey[]): number | undefined {
    for (let n = path.length; n > 0; n--) {
      const line = this.exactLine(path.slice(0, n));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  private exactLine(path: readonly PathKey[]): number | undefined {
    const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    // A mapping entry: the key's own line (an unknown key is reported where it is written, not at its parent).
    if (isMap(parent)) {
      const pair = parent.items.find((p) => keyText(p.key) === String(last));
      const node = (pair?.key ?? undefined) as Node | undefined;
      return node?.range ? this.lines.linePos(node.range[0]).line : undefined;
    }
    if (isSeq(parent) && typeof last === 'number') {
      const node = parent.items[last] as Node | undefined;
      return node?.range ? this.lines.linePos(node.range[0]).line : undefined;
    }
    return undefined;
  }
}

function keyText(key: unknown): string | undefined {
  if (key === null || key === undefined) return undefined;
  if (typeof key === 'object' && 'value' in (key as object)) return String((key as { value: unknown }).value);
  return String(key);
}

/** `tenants[1].quota.cpu` → `['tenants', 1, 'quota', 'cpu']`. */
export function parseFieldPath(text: string): PathKey[] {
  const keys: PathKey[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) keys.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  return keys;
}

/** The config path a message starts with (`apps[0].tenant: …` → `apps[0].tenant`), if any. */
export function leadingFieldPath(message: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9_-]*(?:\[\d+\]|\.[A-Za-z0-9_-]+)*):/.exec(message)?.[1];
}
