import { jsonLogger } from '../src/log';

describe('jsonLogger', () => {
  const now = () => new Date('2026-12-01T12:00:00Z');

  test('one JSON object per line, with time, level, msg and fields; errors become their message', () => {
    const lines: string[] = [];
    const log = jsonLogger('info', (l) => lines.push(l), now);
    log.info('reconciled', { website: 'demo/xxhf', error: new Error('boom'), skipped: undefined });
    expect(lines).toEqual(['{"time":"2026-12-01T12:00:00.000Z","level":"info","msg":"reconciled","website":"demo/xxhf","error":"boom"}\n']);
  });

  test('lines below LOG_LEVEL are dropped', () => {
    const lines: string[] = [];
    const log = jsonLogger('warn', (l) => lines.push(l), now);
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['c', 'd']);
  });

  test('at debug, errors keep their stack', () => {
    const lines: string[] = [];
    jsonLogger('debug', (l) => lines.push(l), now).error('x', { error: new Error('boom') });
    expect(JSON.parse(lines[0]).error).toEqual({ message: 'boom', stack: expect.stringContaining('Error: boom') });
  });
});
