import { parse } from 'yaml';
import { backupAlertRules, cronMaxGapSeconds } from '../../lib/backup/alerts';
import { backupDashboard } from '../../lib/backup/dashboard';
import { analysePromql } from '../observability/config-files/promql';
import { synthDefault } from '../support/helpers';

const DAILY = { name: 'daily', schedule: '0 3 * * *', ttl: '720h0m0s', includedNamespaces: ['*'], excludedNamespaces: [], fileSystemBackup: true };

describe('cronMaxGapSeconds', () => {
  test.each([
    ['0 3 * * *', 86_400],
    ['30 2 * * *', 86_400],
    ['0 */6 * * *', 6 * 3600],
    ['*/15 * * * *', 900],
    ['0 1,13 * * *', 12 * 3600],
    ['0 0 * * 0', 7 * 86_400],
    ['0 2 * * 1-5', 3 * 86_400],
    ['@daily', 86_400],
    ['@hourly', 3600],
    // Day-of-month and month fields are read as monthly: an alert that comes late, never a false one.
    ['0 0 1 * *', 31 * 86_400],
    ['0 0 * * MON', 31 * 86_400],
  ])('%s → %i s', (schedule, seconds) => {
    expect(cronMaxGapSeconds(schedule)).toBe(seconds);
  });
});

describe('the backup alert rules', () => {
  test('parse as PromQL and use only the metrics of kube-state-metrics and Velero v1.14.1', () => {
    // The Velero names are from pkg/metrics/metrics.go at v1.14.1 (namespace "velero", label "schedule").
    const velero = ['velero_backup_last_successful_timestamp', 'velero_backup_attempt_total', 'velero_backup_last_status', 'process_start_time_seconds'];
    const group = backupAlertRules([DAILY]);
    for (const rule of group.rules) {
      const a = analysePromql(rule.expr);
      expect({ alert: rule.alert, errors: a.errors }).toEqual({ alert: rule.alert, errors: [] });
      for (const s of a.selectors) expect(s.metric.startsWith('kube_cronjob_') || velero.includes(s.metric)).toBe(true);
    }
    expect(group.rules.map((r) => r.alert)).toEqual(['BackupJobLate', 'BackupJobNeverSucceeded', 'VeleroBackupLate', 'VeleroBackupNotRunning', 'VeleroBackupFailed']);
  });

  test('"late" is twice the interval: 48h for a daily Schedule', () => {
    const late = backupAlertRules([DAILY]).rules.find((r) => r.alert === 'VeleroBackupLate')!;
    expect(late.expr).toBe('(time() - velero_backup_last_successful_timestamp{schedule="daily"}) > 172800');
    expect(backupAlertRules([DAILY]).rules.find((r) => r.alert === 'VeleroBackupNotRunning')!.expr).toContain('[48h]');
  });

  test('Prometheus of the default platform evaluates them, and kube-state-metrics exports CronJobs', () => {
    const objects = synthDefault().files.flatMap((f) => f.objects.map((o) => o.manifest));
    const rules = parse(objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'prometheus-rules').data['platform-kit.yaml']);
    expect(rules.groups.find((g: any) => g.name === 'platform-kit.backup').rules.map((r: any) => r.alert)).toEqual(['BackupJobLate', 'BackupJobNeverSucceeded']);
    const ksm = objects.find((m) => m.kind === 'Deployment' && m.metadata.name === 'kube-state-metrics');
    expect(ksm.spec.template.spec.containers[0].args.find((a: string) => a.startsWith('--resources='))).toContain('cronjobs');
    expect(ksm.spec.template.spec.containers[0].args).toContain('--metric-labels-allowlist=cronjobs=[app.kubernetes.io/component]');
    // AND every backup CronJob of the default platform carries the label the rules select on
    const cronJobs = objects.filter((m) => m.kind === 'CronJob');
    expect(cronJobs.map((m) => [m.metadata.namespace, m.metadata.name, m.metadata.labels['app.kubernetes.io/component']]).sort()).toEqual([
      ['backup', 'etcd-snapshot', 'backup'], ['mysql', 'mysql-backup', 'backup'],
    ]);
  });
});

describe('the backup dashboard', () => {
  test('shows the last success of every CronJob, and of each Velero Schedule when Velero runs; its queries parse', () => {
    const withVelero = backupDashboard(true) as any;
    const without = backupDashboard(false) as any;
    expect(withVelero.panels.map((p: any) => p.title)).toEqual(['Oldest last success (CronJobs)', 'Oldest last success (Velero)', 'Time since last successful backup']);
    expect(without.panels.map((p: any) => p.title)).toEqual(['Oldest last success (CronJobs)', 'Time since last successful backup']);
    for (const p of withVelero.panels) for (const t of p.targets) expect(analysePromql(t.expr).errors).toEqual([]);
  });

  test('Grafana of the default platform provisions it from its own ConfigMap', () => {
    const objects = synthDefault().files.flatMap((f) => f.objects.map((o) => o.manifest));
    const cm = objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'grafana-dashboard-backups');
    expect(JSON.parse(cm.data['backups.json']).uid).toBe('platform-kit-backups');
    const grafana = objects.find((m) => m.kind === 'Deployment' && m.metadata.name === 'grafana');
    const sources = grafana.spec.template.spec.volumes.flatMap((v: any) => v.projected?.sources ?? []);
    expect(sources).toContainEqual({ configMap: { name: 'grafana-dashboard-backups' } });
  });
});
