import { setCondition } from '../src/conditions';

describe('setCondition', () => {
  const t0 = new Date('2026-12-01T12:00:00.456Z');
  const t1 = new Date('2026-12-01T13:00:00Z');

  test('a new condition gets the time now, in seconds (RFC 3339 as metav1.Time writes it)', () => {
    expect(setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Progressing', message: 'm', observedGeneration: 1 }, t0)).toEqual([
      { type: 'Ready', status: 'False', observedGeneration: 1, lastTransitionTime: '2026-12-01T12:00:00Z', reason: 'Progressing', message: 'm' },
    ]);
  });

  test('the same status keeps its transition time; another status moves it', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Progressing', message: 'a' }, t0);
    expect(setCondition(first, { type: 'Ready', status: 'False', reason: 'ApplyFailed', message: 'b' }, t1)[0].lastTransitionTime).toBe('2026-12-01T12:00:00Z');
    expect(setCondition(first, { type: 'Ready', status: 'True', reason: 'Available', message: 'c' }, t1)[0].lastTransitionTime).toBe('2026-12-01T13:00:00Z');
  });
});
