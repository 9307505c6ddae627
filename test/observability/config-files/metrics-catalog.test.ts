import { alertRules } from '../../../lib/observability/config-files/alert-rules';
import { platformDashboards } from '../../../lib/observability/config-files/dashboards';
import { allowedLabels, catalogIndex, METRICS_CATALOG } from '../../../lib/observability/config-files/metrics-catalog';
import { CADVISOR_KEPT_METRICS, PROMETHEUS_JOB_NAMES } from '../../../lib/observability/config-files/prometheus';
import { synthDefault } from '../../support/helpers';
import { analysePromql, interpolateGrafana } from './promql';

function usedMetrics(): Set<string> {
  // The platform's own rules and the groups the default platform's parts offer (the backup alerts).
  const exprs: string[] = [...alertRules().groups, ...synthDefault().offers.alertRuleGroups].flatMap((g) => g.rules.map((r) => r.expr));
  for (const d of Object.values(platformDashboards()) as any[]) {
    for (const p of d.panels) for (const t of p.targets) if (t.datasource.type === 'prometheus') exprs.push(t.expr);
    for (const v of d.templating.list) {
      const mm = /^label_values\((.+),\s*\w+\)$/.exec(v.query?.query ?? '');
      if (v.datasource?.type === 'prometheus' && mm) exprs.push(mm[1]);
    }
  }
  return new Set(exprs.flatMap((e) => analysePromql(interpolateGrafana(e)).selectors.map((s) => s.metric)));
}

describe('metrics catalog', () => {
  it('documents each exporter group with a version, a source and the jobs that scrape it', () => {
    for (const g of METRICS_CATALOG) {
      expect(g.exporter.length).toBeGreaterThan(0);
      expect(g.version.length).toBeGreaterThan(0);
      expect(g.source.length).toBeGreaterThan(20);
      expect(g.metrics.length).toBeGreaterThan(0);
      // A job is built in, or offered by a part of the default platform (MySQL offers `mysql`).
      const offered = synthDefault().offers.scrapeTargets.map((t) => t.job);
      for (const job of g.jobs) {
        expect({ job, known: job === '*' || (PROMETHEUS_JOB_NAMES as readonly string[]).includes(job) || offered.includes(job) }).toEqual({ job, known: true });
      }
      for (const m of g.metrics) expect(m.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    }
  });

  it('has no duplicate metrics', () => {
    const all = METRICS_CATALOG.flatMap((g) => g.metrics.map((m) => m.name));
    expect(catalogIndex().size).toBe(all.length);
  });

  it('lists exactly the metrics the rules and dashboards use', () => {
    expect([...usedMetrics()].sort()).toEqual([...catalogIndex().keys()].sort());
  });

  it('only lists cAdvisor metrics that the cadvisor job keeps', () => {
    const cadvisor = METRICS_CATALOG.find((g) => g.jobs.includes('cadvisor'))!;
    for (const m of cadvisor.metrics) expect(CADVISOR_KEPT_METRICS as readonly string[]).toContain(m.name);
  });

  it('records the kube-state-metrics label names (objects keep their own namespace/pod/node)', () => {
    expect([...allowedLabels('kube_pod_container_resource_requests')!].sort()).toEqual(
      ['container', 'instance', 'job', 'namespace', 'node', 'pod', 'resource', 'uid', 'unit'].sort(),
    );
    expect(allowedLabels('kube_node_status_condition')!.has('pod')).toBe(false);
    expect(allowedLabels('mysql_up')!.has('pod')).toBe(true);
    expect(allowedLabels('no_such_metric')).toBeUndefined();
  });
});
