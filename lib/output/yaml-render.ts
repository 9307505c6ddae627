import { Document, visit } from 'yaml';

/**
 * Plain scalars a YAML 1.2 reader takes for numbers but YAML 1.1 does not (so the 1.1 schema below leaves them
 * unquoted): `0o17` is an octal int in 1.2, `=` is the 1.1 "value" key. Quoted, they stay the strings they are.
 */
const YAML_12_NON_STRING = /^([-+]?0o[0-7]+|=)$/;

/**
 * The reference rendering, the `yaml` library (slow: about 0.25 ms an object, seconds at 1,000 tenants): one
 * manifest as YAML that every reader takes as written. kubectl (go-yaml) and PyYAML read YAML 1.1, where `yes`,
 * `no`, `on`, `off`, `y`, `n`, `1_000`, `012`, `1:20` and dates are not strings; a string that looks like one is
 * quoted (the library's 1.1 schema decides which), and so is what only a 1.2 reader would misread. No folding of
 * long lines, no anchors for repeated objects.
 */
export function renderYamlSlow(manifest: unknown): string {
  return yamlForEveryReader(manifest);
}

/** Any value (a manifest, or a config file Platform Kit embeds) as YAML that YAML 1.1 and 1.2 readers take as written. */
export function yamlForEveryReader(value: unknown): string {
  return everyReaderDocument(value).toString({ lineWidth: 0 });
}

/**
 * `value` as a YAML document that YAML 1.1 and 1.2 readers both take as written (see {@link renderYamlSlow}). Also
 * for the config files Platform Kit embeds (prometheus.yml, Harbor's, the kubelet's, Velero's policy): their readers
 * are Go's yaml.v2 and sigs.k8s.io/yaml, YAML 1.1, where an unquoted tenant named `on` is the boolean true.
 */
export function everyReaderDocument(value: unknown): Document {
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && YAML_12_NON_STRING.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc;
}

/**
 * A manifest as YAML, byte for byte what {@link renderYamlSlow} gives (a test holds the two together on every object of
 * the default platform and on tricky values), about ten times faster. It writes only what it is sure of: maps,
 * lists, integers, booleans, null and strings that are plain in every YAML reader (no quoting question — nothing a
 * YAML 1.1 or 1.2 reader could take as a number, boolean or null, no indicator characters). Any other single-line
 * string is rendered by the reference on its own; an object holding anything else (multi-line text, fractions,
 * unusual keys) is rendered whole by the reference.
 */
export function renderYaml(manifest: unknown): string {
  const out: string[] = [];
  try {
    if (isMap(manifest) && Object.keys(manifest).length > 0) writeMap(manifest, '', out);
    else return renderYamlSlow(manifest);
  } catch (e) {
    if (e === UNSURE) return renderYamlSlow(manifest);
    throw e;
  }
  return out.join('');
}

const UNSURE = Symbol('unsure');

/** Plain in YAML 1.1 and 1.2 alike: starts with a letter or `/`, then characters without YAML meaning here. */
const SAFE_PLAIN = /^[A-Za-z/][A-Za-z0-9_./=@+()-]*(?: [A-Za-z0-9_./=@+()-]+)*$/;
/** Words some YAML reader takes as a boolean or null (YAML 1.1: y, n, yes, no, on, off). */
const AMBIGUOUS_WORD = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
/** Keys plain everywhere (label keys, file names in ConfigMaps): like SAFE_PLAIN without spaces, digits first allowed. */
const SAFE_KEY = /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/;

function scalar(value: unknown): string {
  if (typeof value === 'string') {
    if (SAFE_PLAIN.test(value) && !AMBIGUOUS_WORD.test(value)) return value;
    if (value.includes('\n') || value.includes('\r')) throw UNSURE;
    return renderYamlSlow(value).replace(/\n$/, '');
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
    throw UNSURE;
  }
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  throw UNSURE;
}

function key(k: string): string {
  if (SAFE_KEY.test(k) && !AMBIGUOUS_WORD.test(k) && !/^[0-9]/.test(k)) return k;
  throw UNSURE;
}

function writeMap(map: Record<string, unknown>, indent: string, out: string[], first = false): void {
  let isFirst = first;
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    // The first pair of a map inside a list item follows the `- ` on the same line.
    out.push(isFirst ? '' : indent, key(k), ':');
    isFirst = false;
    writeValue(v, `${indent}  `, out);
  }
  if (isFirst) throw UNSURE; // a map with only undefined values
}

/** After `key:` — a scalar on the same line, a collection on the next lines. */
function writeValue(v: unknown, inner: string, out: string[]): void {
  if (isMap(v)) {
    if (Object.values(v).every((x) => x === undefined)) {
      out.push(' {}\n');
    } else {
      out.push('\n');
      writeMap(v, inner, out);
    }
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push(' []\n');
    } else {
      out.push('\n');
      writeList(v, inner, out);
    }
  } else {
    out.push(' ', scalar(v), '\n');
  }
}

function writeList(list: readonly unknown[], indent: string, out: string[]): void {
  for (const item of list) {
    out.push(indent, '-');
    if (isMap(item) && Object.values(item).some((x) => x !== undefined)) {
      out.push(' ');
      writeMap(item, `${indent}  `, out, true);
    } else if (isMap(item)) {
      out.push(' {}\n');
    } else if (Array.isArray(item)) {
      throw UNSURE; // lists of lists do not occur in manifests; leave them to the reference
    } else {
      out.push(' ', scalar(item), '\n');
    }
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
