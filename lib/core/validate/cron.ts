import { CronPattern } from 'croner';
import { rule } from './rule';

/**
 * Cron schedules as a CronJob's `spec.schedule` takes them. The API server parses them with robfig/cron's standard
 * parser: five fields (minute hour day-of-month month day-of-week) or a macro, names only for months and days,
 * day-of-week 0-6, no seconds field and none of the Quartz extensions (L, W, #), no TZ=/CRON_TZ= prefix (that is
 * `timeZone`). croner (a maintained parser) checks each field's ranges and steps; the lines below refuse what croner
 * would accept but Kubernetes does not.
 */
// The macros of crontab(5); robfig's "@every <duration>" is left out (an interval that drifts from the wall clock).
const MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const FIELD = /^[0-9A-Za-z*?,/-]+$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function isCronSchedule(value: string): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (MACRO.test(text)) return true;
  const fields = text.split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => FIELD.test(f))) return false;
  // Names only where robfig takes them (months, days); any other letter (L, W, a typo) is refused.
  const names = [undefined, undefined, undefined, MONTHS, DAYS];
  if (fields.some((f, i) => /[A-Za-z]/.test(f.replace(/[A-Za-z]+/g, (word) => (names[i]?.includes(word.toUpperCase()) ? '0' : word))))) return false;
  // robfig: day-of-week is 0-6 (croner also takes 7 for Sunday); step values after "/" are not days.
  if (fields[4].split(',').some((part) => part.split('/')[0].split('-').some((n) => /^\d+$/.test(n) && Number(n) > 6))) return false;
  try {
    // "?" means "any" to robfig; croner gives it another meaning (the current time), so check it as "*".
    new CronPattern(fields.map((f) => f.replace(/\?/g, '*')).join(' '));
    return true;
  } catch {
    return false;
  }
}

export const CRON_SCHEDULE = rule(isCronSchedule, 'is not a cron schedule; write five fields "minute hour day-of-month month day-of-week" within their ranges (e.g. "30 2 * * *"; day-of-week is 0-6 or SUN-SAT) or a macro such as "@daily"');
