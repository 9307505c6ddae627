import { OfferedAlertRule, OfferedAlertRuleGroup } from '../parts/platform-part';
import { VeleroScheduleConfig } from './config';

const DAY = 86_400;
const WEEK_MINUTES = 7 * 1440;
/** When a schedule is not one we can read (day-of-month or month fields, names): assume monthly, alert late rather than falsely. */
const UNKNOWN_GAP = 31 * DAY;
const MACROS: Record<string, string | number> = {
  '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0',
  '@monthly': 31 * DAY, '@yearly': 366 * DAY, '@annually': 366 * DAY,
};

/** Values of one cron field (`*`, `*\/n`, `a`, `a-b`, `a-b/n`, comma lists), or undefined when it cannot be read. */
function cronField(field: string, min: number, max: number): Set<number> | undefined {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!m) return undefined;
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * The longest time between two runs of a cron schedule, in seconds: what "twice its interval" is measured against.
 * Read over one week (minute, hour and day-of-week fields); schedules that also restrict day-of-month or month count
 * as monthly.
 */
export function cronMaxGapSeconds(schedule: string): number {
  const macro = MACROS[schedule.trim()];
  if (typeof macro === 'number') return macro;
  const fields = (macro ?? schedule).trim().split(/\s+/);
  if (fields.length !== 5 || fields[2] !== '*' || fields[3] !== '*') return UNKNOWN_GAP;
  const minutes = cronField(fields[0], 0, 59);
  const hours = cronField(fields[1], 0, 23);
  const days = cronField(fields[4], 0, 7);
  if (!minutes || !hours || !days) return UNKNOWN_GAP;
  if (days.has(7)) days.add(0);
  const runs: number[] = [];
  for (let t = 0; t < WEEK_MINUTES; t++) {
    if (days.has(Math.floor(t / 1440)) && hours.has(Math.floor(t / 60) % 24) && minutes.has(t % 60)) runs.push(t);
  }
  if (runs.length === 0) return UNKNOWN_GAP;
  let gap = runs[0] + WEEK_MINUTES - runs[runs.length - 1];
  for (let i = 1; i < runs.length; i++) gap = Math.max(gap, runs[i] - runs[i - 1]);
  return gap * 60;
}

/** Prometheus duration for whole seconds: `48h`, `90m`, `30s`. */
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The label every backup CronJob of the platform carries (etcd snapshots, MySQL's dumps): `app.kubernetes.io/component:
 * backup`, as kube-state-metrics exports it. One rule then covers each of them, whichever part owns it.
 */
export const BACKUP_CRONJOBS = 'kube_cronjob_labels{label_app_kubernetes_io_component="backup"}';

/**
 * Every backup of the platform is a CronJob or a Velero Schedule. Backup CronJobs are watched through
 * kube-state-metrics: the interval is the gap between the last and the next scheduled run, and "late" is no success
 * for twice that.
 */
const CRONJOB_RULES: OfferedAlertRule[] = [
  {
    alert: 'BackupJobLate',
    expr: '(time() - kube_cronjob_status_last_successful_time) > 2 * (kube_cronjob_next_schedule_time - kube_cronjob_status_last_schedule_time)'
      + ` and on (namespace, cronjob) ${BACKUP_CRONJOBS}`
      + ' unless on (namespace, cronjob) kube_cronjob_spec_suspend == 1',
    for: '10m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Backup CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded for twice its interval.',
      description: 'The last successful run of {{ $labels.namespace }}/{{ $labels.cronjob }} is older than two intervals: there is no fresh backup. Read the failed Job: kubectl -n {{ $labels.namespace }} get jobs.',
    },
  },
  {
    alert: 'BackupJobNeverSucceeded',
    expr: '(time() - kube_cronjob_created) > 2 * (kube_cronjob_next_schedule_time - kube_cronjob_status_last_schedule_time)'
      + ` and on (namespace, cronjob) ${BACKUP_CRONJOBS}`
      + ' unless on (namespace, cronjob) kube_cronjob_status_last_successful_time'
      + ' unless on (namespace, cronjob) kube_cronjob_spec_suspend == 1',
    for: '10m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Backup CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has never succeeded.',
      description: '{{ $labels.namespace }}/{{ $labels.cronjob }} exists for more than two intervals without one successful run (a missing Secret or NFS export is the usual cause): kubectl -n {{ $labels.namespace }} describe cronjob {{ $labels.cronjob }}.',
    },
  },
];

/** Velero's own metrics per Schedule (velero_backup_*{schedule=...}). */
function veleroRules(s: VeleroScheduleConfig): OfferedAlertRule[] {
  const twice = duration(2 * cronMaxGapSeconds(s.schedule));
  const sel = `schedule="${s.name}"`;
  return [
    {
      alert: 'VeleroBackupLate',
      expr: `(time() - velero_backup_last_successful_timestamp{${sel}}) > ${2 * cronMaxGapSeconds(s.schedule)}`,
      for: '10m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `Velero Schedule ${s.name} has not completed a backup for ${twice}.`,
        description: `No backup of Schedule ${s.name} (${s.schedule}) succeeded within twice its interval: velero backup get --selector velero.io/schedule-name=${s.name}.`,
      },
    },
    {
      alert: 'VeleroBackupNotRunning',
      expr: `increase(velero_backup_attempt_total{${sel}}[${twice}]) == 0 and on () (time() - process_start_time_seconds{job="velero"}) > ${2 * cronMaxGapSeconds(s.schedule)}`,
      for: '10m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `Velero Schedule ${s.name} has not started a backup for ${twice}.`,
        description: `The Velero server has run for more than ${twice} without attempting a backup of Schedule ${s.name}: velero schedule describe ${s.name}.`,
      },
    },
    {
      alert: 'VeleroBackupFailed',
      expr: `velero_backup_last_status{${sel}} == 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `The last backup of Velero Schedule ${s.name} failed.`,
        description: `The newest backup of ${s.name} did not complete: velero backup describe --details on it, and velero backup logs.`,
      },
    },
  ];
}

/** The backup part's alert rules: one group, the CronJob rules plus three per Velero Schedule. */
export function backupAlertRules(schedules: readonly VeleroScheduleConfig[]): OfferedAlertRuleGroup {
  return { name: 'platform-kit.backup', rules: [...CRONJOB_RULES, ...schedules.flatMap(veleroRules)] };
}
