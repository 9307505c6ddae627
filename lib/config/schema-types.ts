import type { PlatformPart } from '../parts/platform-part';
import * as path from 'path';
import { CLUSTER_CONFIG_TYPE, clusterSchema } from './cluster';
import { cpuMemory, JsonSchema, nfsDumpSchema, resourcesSchema } from './schema-helpers';

/**
 * The TypeScript types of a platform.yaml section, derived from its JSON schema so the schema is the one source of
 * both the validation and the type (`npm run schema` writes them; a test fails when a committed file differs).
 *
 * The types describe the section *as loaded*: after Ajv's `useDefaults`, a property with a `default` is always
 * present, so it is required in the type just like a property listed in `required`.
 *
 * This is our own small generator for exactly the JSON-schema subset `schema-helpers.ts` produces (objects with
 * `properties`/`required`/`additionalProperties`, maps, arrays, string/integer/number/boolean/null, `enum`, `const`,
 * `oneOf`/`anyOf`, `default`). A keyword that would change the type and that it does not know (`$ref`, `allOf`,
 * `patternProperties`…) makes it throw rather than emit a type looser or narrower than the validation.
 *
 * Shapes that many sections repeat (a container's requests and limits, a CPU/memory pair) are written once, in
 * `lib/config/common.generated.ts` (SHARED_CONFIG_TYPES), and a section's file imports and references them: a node
 * whose schema has the same shape as a shared type's (the same keywords and properties, each present or not alike;
 * descriptions and defaults aside, which only feed the docs) becomes that type's name. The per-use docs stay on the
 * property that references it, whose `@default` is then the whole value as loaded (the shared type has no defaults).
 */

/** Where a section's generated types go and what they are called. */
export interface ConfigTypeSpec {
  /** The generated file, relative to the project root (`lib/apps/config.generated.ts`). */
  readonly file: string;
  /** Name of the section's own type (`AppsConfig`). */
  readonly name: string;
  /**
   * Names of nested types, by path in the section: `nodes[]` (the items of `nodes`), `velero.objectStore`,
   * `secretEnv{}` (the values of the map `secretEnv`), `nodes[].role`. A name given to several paths is emitted
   * once, and the paths must give the same type. Everything else is written inline.
   * @default - none: every nested type is inline
   */
  readonly names?: Readonly<Record<string, string>>;
  /** Where the schema is defined, for the file's header (`lib/apps/config.ts`). @default - not named */
  readonly schemaSource?: string;
  /**
   * The module the file imports the shared types from (`ContainerResources`…).
   * @default - the relative path to lib/config/common.generated for a file under lib/, else 'platform-kit' (lib/index.ts exports them)
   */
  readonly commonTypesFrom?: string;
}

/**
 * The type spec of a part in `lib/<folder>/`: its generated file `lib/<folder>/config.generated.ts`, its schema in
 * `lib/<folder>/config.ts` (or `schemaSource`), and the names of its nested types.
 */
export function sectionTypeIn(folder: string, name: string, names?: Readonly<Record<string, string>>, schemaSource = `lib/${folder}/config.ts`): ConfigTypeSpec {
  return { file: `lib/${folder}/config.generated.ts`, name, ...(names ? { names } : {}), schemaSource };
}

/** A type written once for every section whose schema has its shape. */
export interface SharedConfigType {
  readonly name: string;
  /** A schema of the shape, from the helper that builds it; its description is the type's doc, its defaults do not count. */
  readonly schema: JsonSchema;
  /**
   * A section's named object type that has every property of this one and more extends it (`interface X extends
   * Shared { … }`). Opt-in: a node's cpu and memory are not a CpuMemory to document, a dump's settings are.
   */
  readonly extendable?: boolean;
}

/** Placeholder quantities: only that each field has a default counts for the shape (it makes the field present). */
const ANY_QUANTITY = { cpu: '0', memory: '0' };
const NO_DEFAULTS = 'Each use gives every field a default, documented on the property that uses the type.';

/** The shapes written once in lib/config/common.generated.ts, in the order they are declared there. */
export const SHARED_CONFIG_TYPES: { readonly file: string; readonly types: readonly SharedConfigType[] } = {
  file: 'lib/config/common.generated.ts',
  types: [
    { name: 'ContainerResources', schema: resourcesSchema(`Requests and limits of one container (resourcesSchema in lib/config/schema-helpers.ts). ${NO_DEFAULTS}`, { requests: ANY_QUANTITY, limits: ANY_QUANTITY }) },
    { name: 'CpuMemory', schema: cpuMemory(`A CPU and a memory quantity (cpuMemory in lib/config/schema-helpers.ts). ${NO_DEFAULTS}`, ANY_QUANTITY) },
    {
      name: 'NfsDumpSettings',
      schema: nfsDumpSchema(
        `A dump of a database onto its own NFS export by a CronJob (nfsDumpSchema in lib/config/schema-helpers.ts). ${NO_DEFAULTS}`,
        { enabled: true, schedule: '', timeZone: '', retentionDays: 0, exportPath: '', size: '' },
        {
          enabled: 'Take the dumps.',
          schedule: 'Cron schedule, in timeZone.',
          retentionDays: 'Days of dumps kept; 0 keeps every dump.',
          exportPath: 'NFS export holding the dumps (an export of its own).',
          size: 'Capacity of the dumps\' PersistentVolume.',
        },
      ),
      extendable: true,
    },
  ],
};

/** Keywords that constrain values without changing their TypeScript type (they stay the validator's business). */
const ANNOTATIONS = new Set([
  'description', 'default', 'examples', 'title', 'format', '$schema', '$id', '$comment', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'readOnly', 'writeOnly', 'deprecated',
]);
/** Keywords that shape the type, which the generator reads. */
const SHAPES = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'anyOf']);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const INDENT = '  ';

/** The doc of one property: its description and its default (either may be absent). */
interface Doc {
  readonly description?: string;
  readonly default?: unknown;
  readonly pad: string;
}

interface Declaration {
  readonly name: string;
  readonly paths: string[];
  /** The body with a placeholder for each property's doc, so uses of one name compare by structure alone. */
  readonly body: string;
  readonly isInterface: boolean;
  /** The shared type the interface extends (it has all of that type's properties, and more). */
  readonly base?: string;
  /** Per use: the type's own description and the docs of its placeholders. */
  readonly uses: Array<{ readonly description?: string; readonly docs: readonly Doc[] }>;
}

const PLACEHOLDER = /\u0000(\d+)\u0000/g;

/**
 * The source of the generated file of one section (`key` is its platform.yaml key, for the header). A node with the
 * shape of one of `shared` is written as that type's name, imported from `spec.commonTypesFrom`.
 */
export function renderSchemaTypes(key: string, schema: JsonSchema, spec: ConfigTypeSpec, shared: readonly SharedConfigType[] = SHARED_CONFIG_TYPES.types): string {
  const { blocks, imports } = declarationsOf(key, schema, spec, shared, { withDefaults: true });
  const header = wrap(
    `Generated by \`npm run schema\` (lib/config/schema-types.ts) from the JSON schema of platform.yaml's \`${key}\` section`
    + `${spec.schemaSource ? ` (${spec.schemaSource})` : ''}. Do not edit: change the schema and run \`npm run schema\`; a test fails when`
    + ' this file differs from what the schema gives. The types describe the section as loaded: a property with a default is always present.',
    '// ',
  );
  const from = spec.commonTypesFrom ?? commonTypesModule(spec.file);
  const importLine = imports.length > 0 ? `import type { ${imports.join(', ')} } from '${from}';\n\n` : '';
  return `${header}\n\n${importLine}${blocks.join('\n')}`;
}

/** The source of lib/config/common.generated.ts: each shared type, declared once (one may use another). */
export function renderSharedTypes(shared: readonly SharedConfigType[] = SHARED_CONFIG_TYPES.types): string {
  const header = wrap(
    'Generated by `npm run schema` (lib/config/schema-types.ts) from the JSON schema of the shapes that several sections of'
    + ' platform.yaml share (SHARED_CONFIG_TYPES there). Do not edit: change the helper that builds the shape and run `npm run schema`;'
    + ' a test fails when this file differs. A section\'s generated file references these types wherever its schema has their shape.',
    '// ',
  );
  const blocks = shared.flatMap((t) => declarationsOf(t.name, t.schema, { file: SHARED_CONFIG_TYPES.file, name: t.name }, shared, { self: t.name, withDefaults: false }).blocks);
  return `${header}\n\n${blocks.join('\n')}`;
}

/** How a generated file at `file` imports the shared types. */
function commonTypesModule(file: string): string {
  if (!file.startsWith('lib/')) return 'platform-kit';
  const relative = path.posix.relative(path.posix.dirname(file), SHARED_CONFIG_TYPES.file.replace(/\.ts$/, ''));
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** Keywords that only feed the docs: a shape is compared without them (a default only counts as making a field present). */
const DOCS_ONLY = new Set(['description', 'default', 'examples', 'title', '$comment']);

/**
 * A schema node as the type sees it: without the `ignored` keywords (by default the doc-only ones: a shared type is
 * one validation rule too), each property with whether it is present. Extending a type compares without every
 * annotation (ANNOTATIONS): a schedule checked as `format: cron` here and by a check there is a string in both.
 */
function shapeOf(node: JsonSchema, ignored: ReadonlySet<string> = DOCS_ONLY): unknown {
  const required = new Set((node.required ?? []) as string[]);
  return Object.keys(node).sort().filter((k) => !ignored.has(k) && k !== 'required').map((k) => {
    const v = node[k];
    if (k === 'properties') return [k, Object.entries(v as Record<string, JsonSchema>).map(([p, child]) => [p, required.has(p) || child.default !== undefined, shapeOf(child, ignored)])];
    if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object' && v !== null && !Array.isArray(v)) return [k, shapeOf(v as JsonSchema, ignored)];
    if ((k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) return [k, v.map((x) => shapeOf(x as JsonSchema, ignored))];
    return [k, v];
  });
}

/**
 * The value of `node` as loaded when platform.yaml leaves it out: its default, with the defaults of its properties
 * filled in (Ajv's `useDefaults` goes on into the default it inserted).
 */
function loadedDefault(node: JsonSchema): unknown {
  const value = node.default;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || node.properties === undefined) return value;
  const filled: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [prop, child] of Object.entries(node.properties as Record<string, JsonSchema>)) {
    if (filled[prop] === undefined) {
      const d = loadedDefault(child);
      if (d !== undefined) filled[prop] = d;
    }
  }
  return filled;
}

/** The declarations of one generated type (and the nested types it names), and the shared types they reference. */
function declarationsOf(
  key: string, schema: JsonSchema, spec: ConfigTypeSpec, shared: readonly SharedConfigType[],
  opts: { readonly self?: string; readonly withDefaults: boolean },
): { blocks: string[]; imports: string[] } {
  const sharedByShape = new Map<string, string>();
  for (const t of shared) {
    const shape = JSON.stringify(shapeOf(t.schema));
    const other = sharedByShape.get(shape);
    if (other !== undefined) throw new Error(`the shared types ${other} and ${t.name} have the same shape; keep one.`);
    sharedByShape.set(shape, t.name);
  }
  const imports = new Set<string>();
  /** The shared type `node` is written as (none for the root of the shared type being declared). */
  const sharedOf = (node: JsonSchema, path: string): string | undefined => {
    if (opts.self !== undefined && path === '') return undefined;
    const name = sharedByShape.get(JSON.stringify(shapeOf(node)));
    if (name !== undefined && opts.self === undefined) imports.add(name);
    return name;
  };
  /** The shared type a named object extends: one whose every property it has (same shape, same presence), and more. */
  const baseOf = (node: JsonSchema): string | undefined => {
    if (opts.self !== undefined || !isPlainObject(node)) return undefined;
    const own = (node.properties ?? {}) as Record<string, JsonSchema>;
    const present = (n: JsonSchema, prop: string) => ((n.required ?? []) as string[]).includes(prop) || (n.properties as Record<string, JsonSchema>)[prop].default !== undefined;
    const base = shared.find((t) => {
      if (t.extendable !== true) return false;
      const theirs = Object.keys((t.schema.properties ?? {}) as object);
      return isPlainObject(t.schema) && theirs.length < Object.keys(own).length && theirs.every((prop) => own[prop] !== undefined
        && JSON.stringify(shapeOf(own[prop], ANNOTATIONS)) === JSON.stringify(shapeOf((t.schema.properties as Record<string, JsonSchema>)[prop], ANNOTATIONS))
        && present(node, prop) === present(t.schema, prop));
    });
    if (base !== undefined) imports.add(base.name);
    return base?.name;
  };
  const names = new Map(Object.entries(spec.names ?? {}));
  names.set('', spec.name);
  const declarations = new Map<string, Declaration>();
  const order: string[] = [];
  const reached = new Set<string>();
  /** The docs of the named type being written (its body holds placeholders for them). */
  let docs: Doc[] = [];

  /** The type of `node` at `path`, written at indentation `depth` (a named node becomes a reference). */
  function typeOf(node: JsonSchema, path: string, depth: number): string {
    const name = names.get(path);
    const common = sharedOf(node, path);
    if (name === undefined) return common ?? inlineType(node, path, depth);
    reached.add(path);
    // A name given to a shared shape is an alias of the shared type (it keeps the section's own name stable).
    const isInterface = common === undefined && isPlainObject(node);
    // Declarations are written in the order first met, a type before the types it uses.
    if (!order.includes(name)) order.push(name);
    const outer = docs;
    docs = [];
    const base = isInterface ? baseOf(node) : undefined;
    const inherited = base === undefined ? undefined : new Set(Object.keys((shared.find((t) => t.name === base)!.schema.properties ?? {}) as object));
    const body = common ?? (isInterface ? objectBody(node, path, 0, inherited) : inlineType(node, path, 0));
    const use = { description: typeof node.description === 'string' ? node.description : undefined, docs };
    docs = outer;
    const existing = declarations.get(name);
    if (existing === undefined) {
      declarations.set(name, { name, paths: [path], body, isInterface, ...(base !== undefined ? { base } : {}), uses: [use] });
    } else {
      if (existing.body !== body || existing.isInterface !== isInterface || existing.base !== base) {
        throw new Error(`${key}: the type name ${name} is given to "${existing.paths[0] || '(the section)'}" and "${path}", whose schemas give different types; give them different names.`);
      }
      existing.paths.push(path);
      existing.uses.push(use);
    }
    return name;
  }

  function inlineType(node: JsonSchema, path: string, depth: number): string {
    const at = path || '(the section)';
    for (const keyword of Object.keys(node)) {
      if (!ANNOTATIONS.has(keyword) && !SHAPES.has(keyword)) {
        throw new Error(`${key}: ${at} uses "${keyword}", which the type generator (lib/config/schema-types.ts) does not know; teach it the keyword's type.`);
      }
    }
    if (node.const !== undefined) return literal(node.const);
    if (Array.isArray(node.enum)) return union(node.enum.map(literal));
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const variants = node[keyword];
      if (Array.isArray(variants)) {
        if (node.type !== undefined || node.properties !== undefined) {
          throw new Error(`${key}: ${at} combines "${keyword}" with "type"/"properties"; put them in each variant.`);
        }
        return union(variants.map((v, i) => typeOf(v as JsonSchema, `${path}|${i}`, depth)));
      }
    }
    const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : [];
    if (types.length === 0) throw new Error(`${key}: ${at} has no "type"; every schema node states its type.`);
    return union(types.map((type) => {
      switch (type) {
        case 'string': return 'string';
        case 'integer':
        case 'number': return 'number';
        case 'boolean': return 'boolean';
        case 'null': return 'null';
        case 'array': {
          if (node.items === undefined || Array.isArray(node.items) || typeof node.items !== 'object') {
            throw new Error(`${key}: ${at} is an array without one "items" schema; tuples are not supported.`);
          }
          const item = typeOf(node.items as JsonSchema, `${path}[]`, depth);
          return `readonly ${/^[\w.]+$/.test(item) || item.startsWith('{') || item.startsWith('Readonly<') ? item : `(${item})`}[]`;
        }
        case 'object': return objectType(node, path, depth);
        default: throw new Error(`${key}: ${at} has type "${type}", which is not a JSON-schema type.`);
      }
    }));
  }

  function objectType(node: JsonSchema, path: string, depth: number): string {
    const extra = node.additionalProperties;
    const hasProperties = node.properties !== undefined && Object.keys(node.properties as object).length > 0;
    if (extra !== undefined && extra !== false && extra !== true && typeof extra === 'object') {
      if (hasProperties) throw new Error(`${key}: ${path || '(the section)'} has both "properties" and an "additionalProperties" schema; the generator writes one or the other.`);
      return `Readonly<Record<string, ${typeOf(extra as JsonSchema, `${path}{}`, depth)}>>`;
    }
    if (extra !== false) {
      // An open object: anything may be there besides the listed properties (our helpers always close objects).
      return hasProperties ? `${objectBody(node, path, depth).slice(0, -1)}${INDENT.repeat(depth + 1)}readonly [key: string]: unknown;\n${INDENT.repeat(depth)}}` : 'Readonly<Record<string, unknown>>';
    }
    return objectBody(node, path, depth);
  }

  /** `{ … }` with one line (and its doc) per property but the `inherited` ones, indented for `depth`. */
  function objectBody(node: JsonSchema, path: string, depth: number, inherited?: ReadonlySet<string>): string {
    const properties = Object.fromEntries(Object.entries((node.properties ?? {}) as Record<string, JsonSchema>).filter(([prop]) => !inherited?.has(prop)));
    const required = new Set((node.required ?? []) as string[]);
    for (const r of required) {
      if (!(r in properties) && !inherited?.has(r)) throw new Error(`${key}: ${path || '(the section)'} requires "${r}", which is not among its properties.`);
    }
    if (Object.keys(properties).length === 0) return '{}';
    const pad = INDENT.repeat(depth + 1);
    const lines = Object.entries(properties).map(([prop, child]) => {
      const childPath = path === '' ? prop : `${path}.${prop}`;
      const present = required.has(prop) || child.default !== undefined;
      const name = IDENTIFIER.test(prop) ? prop : literal(prop);
      // A property of a shared type documents its whole loaded value: the shared type cannot say each use's defaults.
      // So does one whose named type extends a shared type (the inherited fields have their defaults only here).
      const inheritsDocs = sharedOf(child, childPath) !== undefined || (names.has(childPath) && baseOf(child) !== undefined);
      const shown = !opts.withDefaults ? undefined : inheritsDocs ? loadedDefault(child) : child.default;
      docs.push({ description: typeof child.description === 'string' ? child.description : undefined, default: shown, pad });
      return `\u0000${docs.length - 1}\u0000${pad}readonly ${name}${present ? '' : '?'}: ${typeOf(child, childPath, depth + 1)};\n`;
    });
    return `{\n${lines.join('')}${INDENT.repeat(depth)}}`;
  }

  const root = typeOf(schema, '', 0);
  if (root !== spec.name) throw new Error(`${key}: the section's type ${spec.name} was not emitted.`);
  const unused = [...names.keys()].filter((p) => !reached.has(p));
  if (unused.length > 0) throw new Error(`${key}: names for ${unused.map((p) => `"${p}"`).join(', ')}, which are not paths of the schema; fix the path or remove the name.`);

  const blocks = order.map((name) => {
    const d = declarations.get(name)!;
    // A name used at several paths keeps a description or default only where every use has the same.
    const same = <T>(values: readonly T[]): T | undefined => (values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) ? values[0] : undefined);
    const body = d.body.replace(PLACEHOLDER, (_m, i: string) => {
      const all = d.uses.map((u) => u.docs[Number(i)]);
      const defaults = all.map((doc) => doc.default);
      const shared = same(defaults);
      const differs = shared === undefined && defaults.some((v) => v !== undefined);
      return docComment(same(all.map((doc) => doc.description)), shared, all[0].pad, differs);
    });
    const description = same(d.uses.map((u) => u.description));
    const doc = docComment(d.uses.length > 1 ? `${description ?? ''}${description ? ' ' : ''}Used at ${d.paths.map((p) => `\`${key}${p.startsWith('[') ? '' : '.'}${p}\``).join(', ')}.` : description, undefined, '', false);
    return d.isInterface ? `${doc}export interface ${name} ${d.base !== undefined ? `extends ${d.base} ` : ''}${body}\n` : `${doc}export type ${name} = ${body};\n`;
  });
  return { blocks, imports: [...imports].sort() };
}

/** Words of `text` in comment lines of at most 118 characters. */
function wrap(text: string, prefix: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && prefix.length + line.length + 1 + word.length > 118) {
      lines.push(`${prefix}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(`${prefix}${line}`);
  return lines.join('\n');
}

function isPlainObject(node: JsonSchema): boolean {
  return node.type === 'object' && node.additionalProperties === false && node.enum === undefined && node.const === undefined;
}

function union(members: readonly string[]): string {
  const unique = [...new Set(members)];
  return unique.length === 1 ? unique[0] : unique.join(' | ');
}

/** A value as TypeScript writes it: a literal type for `enum`/`const`, and the `@default` of a doc comment. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${IDENTIFIER.test(k) ? k : literal(k)}: ${literal(v)}`).join(', ')} }`;
  }
  throw new Error(`${String(value)} has no JSON form`);
}

function docComment(description: unknown, defaultValue: unknown, pad: string, defaultDiffers: boolean): string {
  const text = typeof description === 'string' ? description.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ') : undefined;
  const tag = defaultValue !== undefined ? `@default ${literal(defaultValue).replace(/\*\//g, '*\\/')}`
    : defaultDiffers ? '@default - differs by use (platform.schema.json has each)' : undefined;
  if (text === undefined && tag === undefined) return '';
  if (tag === undefined) return `${pad}/** ${text} */\n`;
  return text === undefined ? `${pad}/** ${tag} */\n` : `${pad}/**\n${pad} * ${text}\n${pad} * ${tag}\n${pad} */\n`;
}

/** Every generated type file of a list of parts: the shared types', the cluster's, and each part's that declares a `configType`. */
export function generatedTypeFiles(parts: readonly PlatformPart<any, any>[]): Array<{ readonly file: string; readonly content: string }> {
  return [
    { file: SHARED_CONFIG_TYPES.file, content: renderSharedTypes() },
    { file: CLUSTER_CONFIG_TYPE.file, content: renderSchemaTypes('cluster', clusterSchema, CLUSTER_CONFIG_TYPE) },
    ...parts.flatMap((p) => (p.configType ? [{ file: p.configType.file, content: renderSchemaTypes(p.key, p.schema, p.configType) }] : [])),
  ];
}
