/**
 * Small builders for platform.schema.json. Every object is closed (`additionalProperties: false`) because typos in
 * keys are the most common mistake in a hand-edited YAML file; every optional key carries its default.
 */
import type { NfsDumpSettings } from './common.generated';

export type JsonSchema = Record<string, unknown>;

export function object(properties: Record<string, JsonSchema>, opts: { required?: string[]; description?: string; default?: unknown } = {}): JsonSchema {
  return {
    type: 'object',
    ...(opts.description ? { description: opts.description } : {}),
    properties,
    additionalProperties: false,
    ...(opts.required && opts.required.length > 0 ? { required: opts.required } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  };
}

export function str(description: string, opts: { format?: string; default?: string; enum?: readonly string[]; examples?: string[] } = {}): JsonSchema {
  return {
    type: 'string',
    description,
    ...(opts.format ? { format: opts.format } : {}),
    ...(opts.enum ? { enum: [...opts.enum] } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
    ...(opts.examples ? { examples: opts.examples } : {}),
  };
}

export function int(description: string, opts: { minimum?: number; maximum?: number; default?: number } = {}): JsonSchema {
  return {
    type: 'integer',
    description,
    ...(opts.minimum !== undefined ? { minimum: opts.minimum } : {}),
    ...(opts.maximum !== undefined ? { maximum: opts.maximum } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  };
}

export function bool(description: string, defaultValue: boolean): JsonSchema {
  return { type: 'boolean', description, default: defaultValue };
}

export function array(items: JsonSchema, description: string, opts: { default?: unknown[]; minItems?: number; uniqueItems?: boolean } = {}): JsonSchema {
  return {
    type: 'array',
    description,
    items,
    ...(opts.minItems !== undefined ? { minItems: opts.minItems } : {}),
    ...(opts.uniqueItems ? { uniqueItems: true } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
  };
}

export function map(values: JsonSchema, description: string, defaultValue?: Record<string, unknown>): JsonSchema {
  return {
    type: 'object',
    description,
    additionalProperties: values,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
  };
}

/** A CPU/memory pair whose fields default individually (a CPU without default stays optional). */
export function cpuMemory(description: string, defaults: { cpu?: string; memory: string }): JsonSchema {
  return object(
    {
      cpu: str('CPU (Kubernetes quantity)', { format: 'quantity', default: defaults.cpu }),
      memory: str('Memory (Kubernetes quantity)', { format: 'quantity', default: defaults.memory }),
    },
    { description, default: {} },
  );
}

/** Requests and limits of one container, each field defaulting on its own. */
export function resourcesSchema(description: string, defaults: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } }): JsonSchema {
  return object(
    {
      requests: cpuMemory('Requests (what the scheduler reserves and the quota counts).', defaults.requests),
      limits: cpuMemory('Limits (memory above the limit is OOM-killed; CPU above it is throttled).', defaults.limits),
    },
    { description, default: {} },
  );
}

/**
 * A dump of a database onto its own NFS export by a CronJob (MySQL's mysqldump, Harbor's pg_dump): whether, when (cron
 * schedule in an IANA time zone), how many days are kept, the export and the size of its PersistentVolume. One owner
 * for the keys and their types, so the generated types share NfsDumpSettings (lib/config/common.generated.ts); each use
 * says in its own words what is dumped, and may check the schedule in the schema (`scheduleFormat`) or in its checks.
 * `extra` adds the use's own keys after these (e.g. the dump container's resources). The defaults have the generated
 * shape (type-only import: the shape is generated from this function).
 */
export function nfsDumpSchema(
  description: string,
  defaults: NfsDumpSettings,
  docs: { readonly enabled: string; readonly schedule: string; readonly retentionDays: string; readonly exportPath: string; readonly size: string },
  opts: { readonly scheduleFormat?: 'cron'; readonly scheduleExamples?: string[]; readonly timeZoneExamples?: string[]; readonly extra?: Record<string, JsonSchema> } = {},
): JsonSchema {
  return object(
    {
      enabled: bool(docs.enabled, defaults.enabled),
      schedule: str(docs.schedule, { format: opts.scheduleFormat, default: defaults.schedule, examples: opts.scheduleExamples }),
      timeZone: str('Time zone of the schedule (IANA name).', { default: defaults.timeZone, examples: opts.timeZoneExamples }),
      retentionDays: int(docs.retentionDays, { minimum: 0, default: defaults.retentionDays }),
      exportPath: str(docs.exportPath, { format: 'absolute-path', default: defaults.exportPath }),
      size: str(docs.size, { format: 'quantity', default: defaults.size }),
      ...opts.extra,
    },
    { default: {}, description },
  );
}

/** An image pinned to a tag; with defaults every field is optional, without them both are required. */
export function imageSchema(description: string, defaults?: { repository: string; tag: string }): JsonSchema {
  return object(
    {
      repository: str('Image repository, with the registry host for a mirror (air-gapped clusters), e.g. "registry.lab.example/prom/prometheus".', { format: 'image-repository', ...(defaults ? { default: defaults.repository } : {}) }),
      tag: str('Exact image tag ("latest" is refused).', { format: 'image-tag', ...(defaults ? { default: defaults.tag } : {}) }),
    },
    { description, ...(defaults ? { default: {} } : { required: ['repository', 'tag'] }) },
  );
}
