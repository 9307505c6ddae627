import { problemOf, rule } from './rule';

/**
 * IANA time zone names as a CronJob's `spec.timeZone` takes them: the API server loads the name from its time zone
 * database (Go's embedded tzdata) and refuses any it does not know — a typo like "Europe/Londn" is a refused object
 * at apply time. Node's Intl carries the same IANA database, links such as "US/Eastern" included, so a name it
 * cannot load is one the API server cannot load either. "Local" (the API server's own zone) is refused there too.
 */
/** The defaults' zones: known without starting ICU's time zone data (about 20 ms on the first lookup). */
const ALWAYS_KNOWN = new Set(['Etc/UTC', 'UTC']);

export function isTimeZone(value: string): boolean {
  if (ALWAYS_KNOWN.has(value)) return true;
  if (typeof value !== 'string' || value.trim() !== value || value === '' || /^local$/i.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const TIME_ZONE = rule(isTimeZone, 'is not an IANA time zone name the API server knows (e.g. "Etc/UTC", "Europe/London", "Asia/Shanghai"; `timedatectl list-timezones` lists them)');

/** Zone names that start like `value` (same area, same first letters of the place): the likely intended ones. */
export function timeZoneGuesses(value: string): string[] {
  const slash = value.indexOf('/');
  if (slash < 0) return [];
  const start = value.slice(0, slash + 4).toLowerCase();
  return Intl.supportedValuesOf('timeZone').filter((z) => z.toLowerCase().startsWith(start)).slice(0, 3);
}

/** `field: "value" is not an IANA time zone…; did you mean "…"?`, or undefined for a known zone. */
export function timeZoneProblem(value: unknown, field: string): string | undefined {
  const problem = problemOf(TIME_ZONE, value, field);
  if (problem === undefined) return undefined;
  const guesses = typeof value === 'string' ? timeZoneGuesses(value) : [];
  return `${problem}${guesses.length > 0 ? `; did you mean ${guesses.map((g) => JSON.stringify(g)).join(' or ')}?` : '.'}`;
}
