import { LOKI_DATASOURCE_UID, PROMETHEUS_DATASOURCE_UID } from '../grafana';

/**
 * Small builders for Grafana dashboard JSON (classic "v1" dashboard model). Grafana 12 reads
 * dashboards with schemaVersion <= 42 and migrates older ones on load; 41 is what Grafana 12.0
 * writes, so these load unchanged on every 12.x release.
 */
export const DASHBOARD_SCHEMA_VERSION = 41;

export interface DatasourceRef {
  readonly type: 'prometheus' | 'loki';
  readonly uid: string;
}

export const PROMETHEUS_DS: DatasourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
export const LOKI_DS: DatasourceRef = { type: 'loki', uid: LOKI_DATASOURCE_UID };

export interface QuerySpec {
  readonly expr: string;
  readonly legend?: string;
  /** Instant query (stat panels). */
  readonly instant?: boolean;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Panel = { [key: string]: Json };
export type Dashboard = { [key: string]: Json };

export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Hands out panel ids and grid positions row by row, so both are deterministic. */
export class Layout {
  private nextId = 1;
  private y = 0;
  private x = 0;
  private rowHeight = 0;

  /** Place a panel `w` columns wide (of 24) and `h` units tall, wrapping to a new row when full. */
  place(w: number, h: number): { id: number; gridPos: GridPos } {
    if (this.x + w > 24) this.newRow();
    const gridPos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return { id: this.nextId++, gridPos };
  }

  newRow(): void {
    if (this.x === 0) return;
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

function targets(ds: DatasourceRef, queries: readonly QuerySpec[]): Json[] {
  return queries.map((q, i) => {
    const t: { [key: string]: Json } = {
      refId: String.fromCharCode(65 + i),
      datasource: { ...ds },
      expr: q.expr,
    };
    if (ds.type === 'prometheus') {
      t.range = !q.instant;
      t.instant = !!q.instant;
      t.legendFormat = q.legend ?? '__auto';
    } else {
      t.queryType = 'range';
      if (q.legend) t.legendFormat = q.legend;
    }
    return t;
  });
}

export interface TimeseriesOptions {
  readonly title: string;
  readonly description?: string;
  readonly unit?: string;
  readonly queries: readonly QuerySpec[];
  readonly w?: number;
  readonly h?: number;
  readonly min?: number;
  readonly max?: number;
  readonly stack?: boolean;
  readonly datasource?: DatasourceRef;
  readonly drawStyle?: 'line' | 'bars';
}

/**
 * What every panel starts with, in the order Grafana writes it: its id and place from the layout (`w`×`h`, or the
 * panel kind's default size), its type, title, description and datasource.
 */
function panelHead(layout: Layout, type: string, o: { readonly title: string; readonly description?: string; readonly w?: number; readonly h?: number }, size: { readonly w: number; readonly h: number }, ds: DatasourceRef): Panel {
  const { id, gridPos } = layout.place(o.w ?? size.w, o.h ?? size.h);
  return { id, type, title: o.title, description: o.description ?? '', datasource: { ...ds }, gridPos: { ...gridPos } };
}

export function timeseries(layout: Layout, o: TimeseriesOptions): Panel {
  const ds = o.datasource ?? PROMETHEUS_DS;
  const defaults: { [key: string]: Json } = {
    unit: o.unit ?? 'short',
    custom: {
      drawStyle: o.drawStyle ?? 'line',
      lineWidth: 1,
      fillOpacity: o.stack ? 30 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: o.stack ? 'normal' : 'none', group: 'A' },
    },
  };
  if (o.min !== undefined) defaults.min = o.min;
  if (o.max !== undefined) defaults.max = o.max;
  return {
    ...panelHead(layout, 'timeseries', o, { w: 12, h: 8 }, ds),
    fieldConfig: { defaults, overrides: [] },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    targets: targets(ds, o.queries),
  };
}

export interface StatOptions {
  readonly title: string;
  readonly description?: string;
  readonly unit?: string;
  readonly query: QuerySpec;
  readonly w?: number;
  readonly h?: number;
  /** Threshold steps: [color, value] with the first value null (base). */
  readonly thresholds?: ReadonlyArray<readonly [string, number | null]>;
  /** Value-to-text mappings, e.g. 1 -> "UP". */
  readonly mappings?: ReadonlyArray<readonly [string, string, string]>;
}

export function stat(layout: Layout, o: StatOptions): Panel {
  const steps = (o.thresholds ?? [['green', null]]).map(([color, value]) => ({ color, value }));
  const mappings: Json[] = (o.mappings ?? []).map(([value, text, color]) => ({
    type: 'value',
    options: { [value]: { text, color, index: 0 } },
  }));
  return {
    ...panelHead(layout, 'stat', o, { w: 6, h: 4 }, PROMETHEUS_DS),
    fieldConfig: {
      defaults: {
        unit: o.unit ?? 'short',
        thresholds: { mode: 'absolute', steps },
        mappings,
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      textMode: 'auto',
      justifyMode: 'auto',
      orientation: 'auto',
    },
    targets: targets(PROMETHEUS_DS, [{ ...o.query, instant: true }]),
  };
}

export interface LogsOptions {
  readonly title: string;
  readonly expr: string;
  readonly w?: number;
  readonly h?: number;
}

export function logs(layout: Layout, o: LogsOptions): Panel {
  return {
    ...panelHead(layout, 'logs', o, { w: 24, h: 14 }, LOKI_DS),
    options: {
      showTime: true,
      showLabels: false,
      showCommonLabels: false,
      wrapLogMessage: true,
      prettifyLogMessage: false,
      enableLogDetails: true,
      dedupStrategy: 'none',
      sortOrder: 'Descending',
    },
    targets: targets(LOKI_DS, [{ expr: o.expr }]),
  };
}

/** A Prometheus `label_values(<selector>, <label>)` query variable. */
export function promVariable(
  name: string,
  label: string,
  selector: string,
  o: { multi?: boolean; includeAll?: boolean; allValue?: string } = {},
): Json {
  const query = `label_values(${selector}, ${label})`;
  return {
    name,
    label,
    type: 'query',
    datasource: { ...PROMETHEUS_DS },
    query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    definition: query,
    refresh: 2,
    sort: 1,
    multi: o.multi ?? false,
    includeAll: o.includeAll ?? false,
    ...(o.allValue !== undefined ? { allValue: o.allValue } : {}),
    current: {},
    options: [],
    hide: 0,
  };
}

/** A Loki label-values variable, optionally restricted to the streams of `stream`. */
export function lokiVariable(name: string, label: string, stream = ''): Json {
  return {
    name,
    label,
    type: 'query',
    datasource: { ...LOKI_DS },
    // type 1 = label values (0 would be label names).
    query: { type: 1, label, stream, refId: 'LokiVariableQueryEditor-VariableQuery' },
    definition: stream ? `label_values(${stream}, ${label})` : `label_values(${label})`,
    refresh: 2,
    sort: 1,
    multi: true,
    includeAll: true,
    // Loki rejects selectors that can match the empty string, so "All" must be `.+`, not `.*`.
    allValue: '.+',
    current: {},
    options: [],
    hide: 0,
  };
}

export function textboxVariable(name: string, label: string): Json {
  return {
    name,
    label,
    type: 'textbox',
    query: '',
    current: { text: '', value: '' },
    options: [],
    hide: 0,
  };
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly panels: readonly Panel[];
  readonly variables: readonly Json[];
  readonly refresh?: string;
  readonly timeFrom?: string;
}

export function dashboard(spec: DashboardSpec): Dashboard {
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(spec.uid)) throw new Error(`dashboard: invalid uid "${spec.uid}"`);
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['platform-kit', ...spec.tags],
    editable: false,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: spec.refresh ?? '1m',
    time: { from: spec.timeFrom ?? 'now-6h', to: 'now' },
    timepicker: {},
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    version: 1,
    links: [],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: [...spec.variables] },
    panels: [...spec.panels],
  };
}
