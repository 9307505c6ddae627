/**
 * Kubernetes label selector semantics (`metav1.LabelSelector`), on plain JSON.
 *
 * - `matchLabels` and every `matchExpressions` entry are ANDed.
 * - `{}` (no requirements) matches every label set.
 * - In: the key is present and its value is one of `values`.
 *   NotIn: the key is absent, or its value is not one of `values`.
 *   Exists / DoesNotExist: the key is present / absent (values must be empty).
 */

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `labels` satisfy `selector`.
 *
 * A missing selector (`undefined` / `null`) matches nothing, as a nil `LabelSelector` does in Kubernetes;
 * callers that give "absent" another meaning (a NetworkPolicy peer, for one) decide that before calling.
 * Call {@link validateLabelSelector} first: a malformed selector matches nothing here.
 */
export function matchesLabelSelector(selector: any | undefined, labels: Record<string, string> | undefined): boolean {
  if (selector === undefined || selector === null) return false;
  if (!isPlainObject(selector)) return false;
  const have = labels ?? {};
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(have, key);

  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isPlainObject(matchLabels)) return false;
    for (const [key, value] of Object.entries(matchLabels)) {
      if (!has(key) || have[key] !== value) return false;
    }
  }

  const expressions = selector.matchExpressions;
  if (expressions !== undefined && expressions !== null) {
    if (!Array.isArray(expressions)) return false;
    for (const expression of expressions) {
      if (!isPlainObject(expression) || typeof expression.key !== 'string') return false;
      const key = expression.key;
      const values: unknown[] = Array.isArray(expression.values) ? expression.values : [];
      switch (expression.operator) {
        case 'In':
          if (!has(key) || !values.includes(have[key])) return false;
          break;
        case 'NotIn':
          if (has(key) && values.includes(have[key])) return false;
          break;
        case 'Exists':
          if (!has(key)) return false;
          break;
        case 'DoesNotExist':
          if (has(key)) return false;
          break;
        default:
          return false;
      }
    }
  }
  return true;
}

/** Problems with the shape of a label selector, each prefixed with `path`. Empty when it is valid. */
export function validateLabelSelector(selector: unknown, path: string): string[] {
  const problems: string[] = [];
  if (!isPlainObject(selector)) {
    return [`${path} must be a label selector object, got ${JSON.stringify(selector)}`];
  }
  for (const key of Object.keys(selector)) {
    if (key !== 'matchLabels' && key !== 'matchExpressions') {
      problems.push(`${path} has unknown field "${key}" (a label selector has matchLabels and matchExpressions)`);
    }
  }
  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isPlainObject(matchLabels)) {
      problems.push(`${path}.matchLabels must be an object of string values`);
    } else {
      for (const [key, value] of Object.entries(matchLabels)) {
        if (typeof value !== 'string') {
          problems.push(`${path}.matchLabels["${key}"] must be a string, got ${JSON.stringify(value)}`);
        }
      }
    }
  }
  const expressions = selector.matchExpressions;
  if (expressions !== undefined && expressions !== null) {
    if (!Array.isArray(expressions)) {
      problems.push(`${path}.matchExpressions must be a list`);
    } else {
      expressions.forEach((expression: unknown, i: number) => {
        const at = `${path}.matchExpressions[${i}]`;
        if (!isPlainObject(expression)) {
          problems.push(`${at} must be an object with key, operator and values`);
          return;
        }
        if (typeof expression.key !== 'string' || expression.key === '') {
          problems.push(`${at}.key must be a non-empty string`);
        }
        const operator = expression.operator;
        if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
          problems.push(`${at}.operator must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(operator)}`);
          return;
        }
        const values = expression.values;
        if (values !== undefined && values !== null && !Array.isArray(values)) {
          problems.push(`${at}.values must be a list of strings`);
          return;
        }
        const list: unknown[] = Array.isArray(values) ? values : [];
        if (list.some((v) => typeof v !== 'string')) {
          problems.push(`${at}.values must contain only strings`);
        }
        if ((operator === 'In' || operator === 'NotIn') && list.length === 0) {
          problems.push(`${at}.values must be non-empty for operator ${operator}`);
        }
        if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0) {
          problems.push(`${at}.values must be empty for operator ${operator}`);
        }
      });
    }
  }
  return problems;
}
