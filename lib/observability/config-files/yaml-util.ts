import { isNode } from 'yaml';
import { everyReaderDocument } from '../../output/yaml-render';

/** Options used for every generated YAML file: no line folding, so long regexes stay on one line. */
const STRINGIFY_OPTIONS = { lineWidth: 0, minContentWidth: 0 } as const;

/** A comment attached to the node at `path` (keys and list indexes), rendered above that node. */
export interface YamlComment {
  readonly path: ReadonlyArray<string | number>;
  readonly comment: string;
}

/**
 * Render a plain object as YAML with a header comment and optional per-node comments.
 * Key order is the object's insertion order, so output is deterministic for a given input. Strings that a YAML 1.1
 * reader (Prometheus', Loki's and Alertmanager's yaml.v2) would take as booleans or numbers are quoted, and repeated
 * objects are written out in full (no anchors).
 */
export function toYaml(value: unknown, header?: string, comments: readonly YamlComment[] = []): string {
  const doc = everyReaderDocument(value);
  if (header) {
    doc.commentBefore = commentText(header);
  }
  for (const { path, comment } of comments) {
    const node = doc.getIn(path as Array<string | number>, true);
    if (!isNode(node)) {
      throw new Error(`yaml comment target not found: ${path.join('.')}`);
    }
    node.commentBefore = commentText(comment);
  }
  return doc.toString(STRINGIFY_OPTIONS);
}

/** `yaml` prefixes every comment line with `#`; a leading space keeps the comments readable. */
function commentText(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? ` ${line}` : ''))
    .join('\n');
}
