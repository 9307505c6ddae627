import { dashboard, Dashboard, Layout, LOKI_DS, logs, lokiVariable, textboxVariable, timeseries } from './common';

/** Logs (Loki): volume by namespace, error-looking lines, a log browser and Kubernetes events. */
export function logsDashboard(): Dashboard {
  const l = new Layout();
  const sel = '{namespace=~"$namespace"}';
  const panels = [
    timeseries(l, {
      title: 'Log lines by namespace',
      datasource: LOKI_DS,
      drawStyle: 'bars',
      stack: true,
      queries: [{ expr: `sum by (namespace) (count_over_time(${sel}[$__auto]))`, legend: '{{namespace}}' }],
    }),
    timeseries(l, {
      title: 'Error-looking lines by namespace',
      description: 'Lines matching error, exception, fatal or panic (case-insensitive).',
      datasource: LOKI_DS,
      drawStyle: 'bars',
      stack: true,
      queries: [
        {
          expr: `sum by (namespace) (count_over_time(${sel} |~ "(?i)(error|exception|fatal|panic)" [$__auto]))`,
          legend: '{{namespace}}',
        },
      ],
    }),
    logs(l, {
      title: 'Logs',
      expr: '{namespace=~"$namespace", pod=~"$pod"} |~ "(?i)$search"',
    }),
    logs(l, {
      title: 'Kubernetes events',
      h: 10,
      expr: '{job="kubernetes-events", namespace=~"$namespace"}',
    }),
  ];
  return dashboard({
    uid: 'pk-logs',
    title: 'Platform Kit / Logs',
    description: 'Pod logs collected by Alloy and stored in Loki.',
    tags: ['logs', 'loki'],
    refresh: '30s',
    timeFrom: 'now-1h',
    variables: [
      lokiVariable('namespace', 'namespace'),
      lokiVariable('pod', 'pod', '{namespace=~"$namespace"}'),
      textboxVariable('search', 'search (regex)'),
    ],
    panels,
  });
}
