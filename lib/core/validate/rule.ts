import { show } from '../errors';

/**
 * One rule a value must follow: the test, and the sentence a user reads when a value fails it (what is allowed,
 * with an example), so that every caller — the config loader, Ajv's formats, a construct's props check — reports
 * the same fix in the same words.
 */
export interface Rule {
  readonly validate: (value: string) => boolean;
  /** Read after the value: `"x" <explain>`. */
  readonly explain: string;
}

/** A rule from its test and its explanation. */
export function rule(validate: (value: string) => boolean, explain: string): Rule {
  return { validate, explain };
}

/** `field: "value" <explain>` when the value breaks the rule, else `undefined`. */
export function problemOf(rule: Rule, value: unknown, field: string): string | undefined {
  return typeof value === 'string' && rule.validate(value) ? undefined : `${field}: ${show(value)} ${rule.explain}`;
}

/**
 * For construct props: throws the same message the config loader reports, else returns the value, so a construct
 * resolves and checks a prop in one step (`this.name = requireValid(DNS_LABEL, props.name, `${at}: name`)`).
 */
export function requireValid(rule: Rule, value: unknown, field: string): string {
  const problem = problemOf(rule, value, field);
  if (problem !== undefined) throw new Error(problem);
  return value as string;
}
