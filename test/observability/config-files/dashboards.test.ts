import {
  DASHBOARD_SCHEMA_VERSION,
  dashboardJson,
  platformDashboards,
} from '../../../lib/observability/config-files/dashboards';
import { allowedLabels, catalogIndex } from '../../../lib/observability/config-files/metrics-catalog';
import { analysePromql, interpolateGrafana } from './promql';

type Any = Record<string, any>;

const dashboards = platformDashboards() as Record<string, Any>;
const entries = Object.entries(dashboards);

interface Query {
  dashboard: string;
  panel: string;
  type: 'prometheus' | 'loki';
  expr: string;
}

function queries(): Query[] {
  const out: Query[] = [];
  for (const [file, d] of entries) {
    for (const p of d.panels) {
      for (const t of p.targets) {
        out.push({ dashboard: file, panel: p.title, type: t.datasource.type, expr: t.expr });
      }
    }
  }
  return out;
}

const promQueries = queries().filter((q) => q.type === 'prometheus');
const lokiQueries = queries().filter((q) => q.type === 'loki');

/** `label_values(<selector>, <label>)` of every Prometheus query variable. */
function promVariables(): Array<{ dashboard: string; selector: string; label: string }> {
  const out: Array<{ dashboard: string; selector: string; label: string }> = [];
  for (const [file, d] of entries) {
    for (const v of d.templating.list) {
      if (v.datasource?.type !== 'prometheus') continue;
      const mm = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.query.query);
      expect(mm).not.toBeNull();
      out.push({ dashboard: file, selector: mm![1], label: mm![2] });
    }
  }
  return out;
}

describe('platform dashboards', () => {
  it('are the four expected dashboards with fixed uids', () => {
    expect(entries.map(([file, d]) => [file, d.uid])).toEqual([
      ['cluster-overview.json', 'pk-cluster-overview'],
      ['namespace-workloads.json', 'pk-namespace-workloads'],
      ['mysql.json', 'pk-mysql'],
      ['logs.json', 'pk-logs'],
    ]);
  });

  it.each(entries)('%s is Grafana 12-compatible dashboard JSON', (_file, d) => {
    expect(d.schemaVersion).toBe(DASHBOARD_SCHEMA_VERSION);
    expect(DASHBOARD_SCHEMA_VERSION).toBeLessThanOrEqual(42);
    expect(d.id).toBeUndefined();
    expect(d.title).toMatch(/^Platform Kit \/ /);
    expect(d.tags).toContain('platform-kit');
    expect(d.panels.length).toBeGreaterThanOrEqual(4);
    // Deterministic sequential panel ids.
    expect(d.panels.map((p: Any) => p.id)).toEqual(d.panels.map((_: Any, i: number) => i + 1));
    for (const p of d.panels) {
      expect(['timeseries', 'stat', 'logs']).toContain(p.type);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets.length).toBeGreaterThan(0);
      expect(['prometheus', 'loki']).toContain(p.datasource.uid);
      for (const t of p.targets) {
        expect(t.datasource).toEqual(p.datasource);
        expect(t.expr.trim().length).toBeGreaterThan(0);
      }
      expect(new Set(p.targets.map((t: Any) => t.refId)).size).toBe(p.targets.length);
    }
    // Panels do not overlap.
    const cells = new Set<string>();
    for (const p of d.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
    // Datasources are referenced by uid only (no names, no ${DS} placeholders).
    expect(JSON.stringify(d)).not.toMatch(/\$\{DS_|"datasource":"/);
  });

  it.each(promQueries.map((q) => [`${q.dashboard} / ${q.panel}: ${q.expr}`, q.expr]))('%s parses as PromQL', (_name, expr) => {
    expect(analysePromql(interpolateGrafana(expr)).errors).toEqual([]);
  });

  it('only queries metrics (and labels) from the metrics catalog', () => {
    const index = catalogIndex();
    const exprs = [...promQueries.map((q) => q.expr), ...promVariables().map((v) => v.selector)];
    expect(exprs.length).toBeGreaterThan(30);
    for (const expr of exprs) {
      const parsed = analysePromql(interpolateGrafana(expr));
      expect(parsed.selectors.length).toBeGreaterThan(0);
      for (const sel of parsed.selectors) {
        expect(`${sel.metric} ${index.has(sel.metric) ? 'in catalog' : 'NOT in catalog'}`).toBe(`${sel.metric} in catalog`);
        const allowed = allowedLabels(sel.metric)!;
        for (const label of sel.labels) {
          expect(`${sel.metric}{${label}} ${allowed.has(label) ? 'ok' : 'not exposed'}`).toBe(`${sel.metric}{${label}} ok`);
        }
      }
    }
  });

  it('template variables query labels the metrics really carry', () => {
    const vars = promVariables();
    expect(vars.map((v) => `${v.dashboard}:${v.label}`)).toEqual([
      'cluster-overview.json:node',
      'namespace-workloads.json:namespace',
      'mysql.json:pod',
    ]);
    for (const v of vars) {
      const [sel] = analysePromql(v.selector).selectors;
      expect(allowedLabels(sel.metric)!.has(v.label)).toBe(true);
    }
  });

  it('scopes every namespace-workloads query to the $namespace variable', () => {
    const d = dashboards['namespace-workloads.json'];
    expect(d.templating.list.map((v: Any) => v.name)).toEqual(['namespace']);
    for (const q of promQueries.filter((x) => x.dashboard === 'namespace-workloads.json')) {
      expect(q.expr).toContain('namespace="$namespace"');
    }
  });

  it('logs dashboard: LogQL queries are non-empty and filter on namespace', () => {
    expect(lokiQueries.length).toBeGreaterThanOrEqual(4);
    for (const q of lokiQueries) {
      expect(q.dashboard).toBe('logs.json');
      expect(q.expr.trim().length).toBeGreaterThan(0);
      expect(q.expr).toMatch(/namespace=~"\$namespace"/);
    }
    const d = dashboards['logs.json'];
    expect(d.panels.filter((p: Any) => p.type === 'logs').map((p: Any) => p.targets[0].expr)).toContain(
      '{namespace=~"$namespace", pod=~"$pod"} |~ "(?i)$search"',
    );
    const vars = d.templating.list;
    expect(vars.map((v: Any) => v.name)).toEqual(['namespace', 'pod', 'search']);
    expect(vars[0]).toMatchObject({ datasource: { type: 'loki', uid: 'loki' }, query: { type: 1, label: 'namespace' }, allValue: '.+' });
    expect(vars[1].query).toMatchObject({ type: 1, label: 'pod', stream: '{namespace=~"$namespace"}' });
  });

  it('is deterministic and serialises to stable JSON', () => {
    const again = platformDashboards();
    for (const [file, d] of entries) {
      expect(dashboardJson(again[file])).toBe(dashboardJson(d));
      expect(JSON.parse(dashboardJson(d))).toEqual(d);
    }
  });
});
