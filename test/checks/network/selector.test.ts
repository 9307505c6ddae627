import { matchesLabelSelector } from '../../../lib/checks/network/evaluator';
import { validateLabelSelector } from '../../../lib/checks/network/selector';

const labels = { app: 'web', tier: 'frontend', env: 'prod' };

describe('matchesLabelSelector', () => {
  test('an empty selector matches everything, including no labels at all', () => {
    // GIVEN the empty selector
    // WHEN it is applied to labelled, unlabelled and missing label sets
    // THEN it always matches
    expect(matchesLabelSelector({}, labels)).toBe(true);
    expect(matchesLabelSelector({}, {})).toBe(true);
    expect(matchesLabelSelector({}, undefined)).toBe(true);
  });

  test('a missing selector matches nothing (nil LabelSelector)', () => {
    // GIVEN no selector
    // WHEN it is applied
    // THEN it never matches
    expect(matchesLabelSelector(undefined, labels)).toBe(false);
    expect(matchesLabelSelector(null, labels)).toBe(false);
  });

  test('matchLabels requires every pair', () => {
    // GIVEN selectors with one and two pairs
    // WHEN they are applied to the labels
    // THEN all pairs must be present with equal values
    expect(matchesLabelSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { app: 'web', env: 'prod' } }, labels)).toBe(true);
    expect(matchesLabelSelector({ matchLabels: { app: 'web', env: 'dev' } }, labels)).toBe(false);
    expect(matchesLabelSelector({ matchLabels: { team: '' } }, labels)).toBe(false);
    expect(matchesLabelSelector({ matchLabels: { team: '' } }, { team: '' })).toBe(true);
  });

  test.each([
    ['In with the value', { key: 'tier', operator: 'In', values: ['frontend', 'backend'] }, true],
    ['In without the value', { key: 'tier', operator: 'In', values: ['backend'] }, false],
    ['In on a missing key', { key: 'team', operator: 'In', values: ['a'] }, false],
    ['NotIn without the value', { key: 'tier', operator: 'NotIn', values: ['backend'] }, true],
    ['NotIn with the value', { key: 'tier', operator: 'NotIn', values: ['frontend'] }, false],
    ['NotIn on a missing key', { key: 'team', operator: 'NotIn', values: ['a'] }, true],
    ['Exists on a present key', { key: 'env', operator: 'Exists' }, true],
    ['Exists on a missing key', { key: 'team', operator: 'Exists' }, false],
    ['DoesNotExist on a missing key', { key: 'team', operator: 'DoesNotExist' }, true],
    ['DoesNotExist on a present key', { key: 'env', operator: 'DoesNotExist' }, false],
  ])('matchExpressions %s', (_name, expression, expected) => {
    // GIVEN a selector with one expression
    const selector = { matchExpressions: [expression] };
    // WHEN it is applied to the labels
    const result = matchesLabelSelector(selector, labels);
    // THEN the operator's meaning decides
    expect(result).toBe(expected);
  });

  test('matchLabels and all expressions are ANDed', () => {
    // GIVEN a selector combining matchLabels with two expressions
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    // WHEN it is applied to matching and non-matching label sets
    // THEN only a set satisfying every requirement matches
    expect(matchesLabelSelector(selector, labels)).toBe(true);
    expect(matchesLabelSelector(selector, { ...labels, canary: 'true' })).toBe(false);
    expect(matchesLabelSelector(selector, { ...labels, env: 'dev' })).toBe(false);
    expect(matchesLabelSelector(selector, { env: 'prod' })).toBe(false);
  });
});

describe('validateLabelSelector', () => {
  test('accepts well-formed selectors', () => {
    // GIVEN valid selectors
    // WHEN they are validated
    // THEN there are no problems
    expect(validateLabelSelector({}, 's')).toEqual([]);
    expect(
      validateLabelSelector(
        { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'k', operator: 'Exists' }, { key: 'x', operator: 'In', values: ['y'] }] },
        's',
      ),
    ).toEqual([]);
  });

  test('rejects unknown operators, value lists that do not fit the operator and non-string labels', () => {
    // GIVEN malformed selectors
    const problems = [
      ...validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Equals', values: ['v'] }] }, 'a'),
      ...validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }, 'b'),
      ...validateLabelSelector({ matchExpressions: [{ key: 'k', operator: 'Exists', values: ['v'] }] }, 'c'),
      ...validateLabelSelector({ matchLabels: { k: 1 } }, 'd'),
      ...validateLabelSelector({ matchLabel: { k: 'v' } }, 'e'),
    ];
    // WHEN they are validated
    // THEN each problem is reported with its path
    expect(problems).toEqual([
      'a.matchExpressions[0].operator must be one of In, NotIn, Exists, DoesNotExist, got "Equals"',
      'b.matchExpressions[0].values must be non-empty for operator In',
      'c.matchExpressions[0].values must be empty for operator Exists',
      'd.matchLabels["k"] must be a string, got 1',
      'e has unknown field "matchLabel" (a label selector has matchLabels and matchExpressions)',
    ]);
  });
});
