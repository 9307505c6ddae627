import { CRON_SCHEDULE, isCronSchedule, requireValid } from '../../../lib/core/validate';

describe('isCronSchedule: what a CronJob accepts (robfig/cron standard parser)', () => {
  test.each([
    '30 2 * * *', '*/15 * * * 1-5', '0 3 1 JAN,JUL *', '@daily', '@hourly', '0 0 * * SUN', '0 0 ? * MON-FRI',
    '59 23 31 12 6', '0-30/10 */2 1-15 * *', '  30 2 * * *  ',
  ])('accepts %j', (schedule) => {
    expect(isCronSchedule(schedule)).toBe(true);
  });

  test.each([
    '99 99 99 99 99', '60 * * * *', '0 24 * * *', '0 0 32 * *', '0 0 * 13 *', '0 0 * * 7', '*/0 * * * *', '5-1 * * * *',
    '30 2 * *', '0 30 2 * * *', 'every night', 'CRON_TZ=UTC 30 2 * * *', 'TZ=UTC 30 2 * * *', '', '0 0 L * *',
    '0 0 1W * *', '0 0 * * 5#2', '0 0 * * FRIDAY', '0 JAN * * *', '@every 1h', '@sometimes',
  ])('refuses %j', (schedule) => {
    expect(isCronSchedule(schedule)).toBe(false);
  });

  test('a construct gets the same message as the loader', () => {
    expect(() => requireValid(CRON_SCHEDULE, '99 99 99 99 99', 'MySqlCluster x: backup.schedule')).toThrow(
      /^MySqlCluster x: backup\.schedule: "99 99 99 99 99" is not a cron schedule; write five fields/,
    );
  });
});
