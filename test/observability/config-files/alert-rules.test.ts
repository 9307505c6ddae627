import { parse } from 'yaml';
import { alertRules, alertRulesYaml } from '../../../lib/observability/config-files/alert-rules';
import { allowedLabels, catalogIndex } from '../../../lib/observability/config-files/metrics-catalog';
import { analysePromql } from './promql';

const file = alertRules();
const rules = file.groups.flatMap((g) => g.rules);

describe('alertRules', () => {
  it('covers the required alerts', () => {
    const names = new Set(rules.map((r) => r.alert));
    for (const name of [
      'TargetDown',
      'NodeNotReady',
      'NodeMemoryPressure',
      'NodeDiskPressure',
      'NodePIDPressure',
      'NodeCPUSaturated',
      'NodeFilesystemAlmostFull',
      'NodeFilesystemFillingUp',
      'PodCrashLooping',
      'PersistentVolumeFillingUp',
      'DeploymentReplicasUnavailable',
      'StatefulSetReplicasUnavailable',
      'MySQLDown',
      'MySQLReplicationLagging',
      'MySQLReplicationStopped',
      'LokiDown',
      'PrometheusRuleEvaluationFailures',
    ]) {
      expect(names.has(name)).toBe(true);
    }
  });

  it('gives every rule a duration, a severity and a summary/description', () => {
    for (const r of rules) {
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      expect(r.annotations.description.length).toBeGreaterThan(10);
    }
    expect(new Set(file.groups.map((g) => g.name)).size).toBe(file.groups.length);
  });

  it.each(rules.map((r) => [`${r.alert} (${r.labels.severity})`, r.expr]))('%s parses as PromQL', (_name, expr) => {
    expect(analysePromql(expr).errors).toEqual([]);
  });

  it('only uses metrics (and labels) from the metrics catalog', () => {
    const index = catalogIndex();
    for (const r of rules) {
      for (const sel of analysePromql(r.expr).selectors) {
        expect(`${r.alert}: ${sel.metric} ${index.has(sel.metric) ? 'known' : 'unknown'}`).toBe(`${r.alert}: ${sel.metric} known`);
        const allowed = allowedLabels(sel.metric)!;
        for (const label of sel.labels) {
          expect(`${sel.metric}{${label}} ${allowed.has(label) ? 'ok' : 'not exposed'}`).toBe(`${sel.metric}{${label}} ok`);
        }
      }
    }
  });

  it('handles both MySQL replica-status spellings', () => {
    const lag = rules.find((r) => r.alert === 'MySQLReplicationLagging')!;
    expect(analysePromql(lag.expr).selectors.map((s) => s.metric).sort()).toEqual([
      'mysql_slave_status_seconds_behind_master',
      'mysql_slave_status_seconds_behind_source',
    ]);
    expect(lag.expr).toMatch(/> 30$/);
  });

  it('uses the thresholds from the options', () => {
    const custom = alertRules({ nodeCpuBusyRatio: 0.8, mysqlReplicationLagSeconds: 120, lokiJob: 'logs' }).groups.flatMap((g) => g.rules);
    expect(custom.find((r) => r.alert === 'NodeCPUSaturated')!.expr).toMatch(/> 0\.8$/);
    expect(custom.find((r) => r.alert === 'MySQLReplicationLagging')!.expr).toMatch(/> 120$/);
    expect(custom.find((r) => r.alert === 'LokiDown')!.expr).toBe('up{job="logs"} == 0 or absent(up{job="logs"})');
    expect(() => alertRules({ nodeCpuBusyRatio: 1.5 })).toThrow(/nodeCpuBusyRatio/);
    expect(() => alertRules({ lokiJob: 'a"b' })).toThrow(/lokiJob/);
  });

  it('serialises to a rule file that round-trips, deterministically', () => {
    const yaml = alertRulesYaml();
    expect(parse(yaml)).toEqual(JSON.parse(JSON.stringify(file)));
    expect(alertRulesYaml()).toBe(yaml);
    expect(alertRules()).toEqual(file);
  });
});
