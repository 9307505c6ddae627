/**
 * Structured logs: one JSON object per line on stdout (`time`, `level`, `msg`, then fields), so a log collector
 * parses them without a pattern. Lines below the configured level are dropped.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** An Error becomes its message (stack traces stay out of the logs unless LOG_LEVEL=debug). */
function plain(value: unknown, debug: boolean): unknown {
  if (value instanceof Error) return debug ? { message: value.message, stack: value.stack } : value.message;
  return value;
}

export function jsonLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l), now: () => Date = () => new Date()): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (at: LogLevel, msg: string, fields: Fields = {}) => {
    if (LOG_LEVELS.indexOf(at) < threshold) return;
    const record: Fields = { time: now().toISOString(), level: at, msg };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) record[k] = plain(v, level === 'debug');
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
