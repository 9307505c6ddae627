/**
 * A mistake the user can fix (bad config, a check that fails on the synthesized objects).
 * `main.ts` prints these without a stack trace; anything else is a bug in Platform Kit and keeps its trace.
 */
export class UserError extends Error {
  public readonly problems: readonly string[];

  /** `details`: context printed after the problems (e.g. the capacity table). */
  constructor(heading: string, problems: readonly string[], details: readonly string[] = []) {
    super([heading, ...screenful(problems).map((p) => `  - ${p}`), ...details].join('\n'));
    this.name = 'UserError';
    this.problems = problems;
  }
}

/** Lines of problems one message prints: a garbage file gives a screenful, not thousands of lines. */
export const MAX_PROBLEM_LINES = 20;

/** The first problems that fit in {@link MAX_PROBLEM_LINES} (at least one), then `…and N more`. */
function screenful(problems: readonly string[]): string[] {
  const shown: string[] = [];
  let lines = 0;
  for (const p of problems) {
    const height = p.split('\n').length;
    if (shown.length > 0 && lines + height > MAX_PROBLEM_LINES) break;
    shown.push(p);
    lines += height;
  }
  const rest = problems.length - shown.length;
  return rest > 0 ? [...shown, `…and ${rest} more (fix these first, then run again)`] : shown;
}

/** Collects problems so that all of them are reported at once, not just the first. */
export class ProblemList {
  private readonly items: string[] = [];

  add(problem: string): void {
    this.items.push(problem);
  }

  get all(): readonly string[] {
    return this.items;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Throws a {@link UserError} with every problem collected, if there is any. */
  throwIfAny(heading: string): void {
    if (!this.isEmpty) {
      throw new UserError(`${heading}: ${this.items.length} problem${this.items.length === 1 ? '' : 's'}`, this.items);
    }
  }
}

/** JSON-ish rendering of a bad value for messages: strings quoted, objects compact. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A list of values for a message, quoted, cut after `max` with a count of the rest: `"a", "b" and 198 more`. */
export function showList(values: readonly unknown[], max = 8): string {
  if (values.length === 0) return '(none defined)';
  const shown = values.slice(0, max).map((v) => show(v)).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}
