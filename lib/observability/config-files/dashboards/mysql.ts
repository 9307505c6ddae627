import { dashboard, Dashboard, Layout, promVariable, stat, timeseries } from './common';

/** MySQL (mysqld-exporter sidecars): availability, connections, throughput, replication, buffer pool. */
export function mysqlDashboard(): Dashboard {
  const l = new Layout();
  const p = 'pod=~"$pod"';
  // SHOW REPLICA STATUS (MySQL >= 8.0.22) and SHOW SLAVE STATUS name the columns differently.
  const lag = `mysql_slave_status_seconds_behind_source{${p}} or mysql_slave_status_seconds_behind_master{${p}}`;
  const panels = [
    stat(l, {
      title: 'MySQL up',
      query: { expr: `min(mysql_up{${p}})` },
      thresholds: [['red', null], ['green', 1]],
      mappings: [['0', 'DOWN', 'red'], ['1', 'UP', 'green']],
    }),
    stat(l, { title: 'Uptime', unit: 's', query: { expr: `min(mysql_global_status_uptime{${p}})` } }),
    stat(l, {
      title: 'Connections used',
      unit: 'percentunit',
      query: { expr: `max(mysql_global_status_threads_connected{${p}} / mysql_global_variables_max_connections{${p}})` },
      thresholds: [['green', null], ['orange', 0.75], ['red', 0.9]],
    }),
    stat(l, {
      title: 'Replication lag (max)',
      unit: 's',
      query: { expr: `max(${lag})` },
      thresholds: [['green', null], ['orange', 10], ['red', 30]],
    }),
    timeseries(l, {
      title: 'Connections',
      queries: [
        { expr: `mysql_global_status_threads_connected{${p}}`, legend: '{{pod}} connected' },
        { expr: `mysql_global_status_threads_running{${p}}`, legend: '{{pod}} running' },
        { expr: `mysql_global_variables_max_connections{${p}}`, legend: '{{pod}} max' },
      ],
    }),
    timeseries(l, {
      title: 'Queries per second',
      unit: 'ops',
      queries: [
        { expr: `rate(mysql_global_status_queries{${p}}[$__rate_interval])`, legend: '{{pod}} queries' },
        { expr: `rate(mysql_global_status_questions{${p}}[$__rate_interval])`, legend: '{{pod}} client statements' },
        { expr: `rate(mysql_global_status_slow_queries{${p}}[$__rate_interval])`, legend: '{{pod}} slow' },
      ],
    }),
    timeseries(l, {
      title: 'Top commands',
      unit: 'ops',
      queries: [
        {
          expr: `topk(5, sum by (command) (rate(mysql_global_status_commands_total{${p}}[$__rate_interval])))`,
          legend: '{{command}}',
        },
      ],
    }),
    timeseries(l, {
      title: 'Replication lag',
      unit: 's',
      queries: [{ expr: lag, legend: '{{pod}}' }],
    }),
    timeseries(l, {
      title: 'Replication threads running',
      description: '1 = running, 0 = stopped or connecting. Empty on a source (primary).',
      min: 0,
      max: 1,
      queries: [
        {
          expr: `mysql_slave_status_replica_io_running{${p}} or mysql_slave_status_slave_io_running{${p}}`,
          legend: '{{pod}} IO thread',
        },
        {
          expr: `mysql_slave_status_replica_sql_running{${p}} or mysql_slave_status_slave_sql_running{${p}}`,
          legend: '{{pod}} SQL thread',
        },
      ],
    }),
    timeseries(l, {
      title: 'InnoDB buffer pool',
      unit: 'bytes',
      queries: [
        { expr: `mysql_global_status_innodb_buffer_pool_bytes_data{${p}}`, legend: '{{pod}} data' },
        { expr: `mysql_global_variables_innodb_buffer_pool_size{${p}}`, legend: '{{pod}} size' },
      ],
    }),
    timeseries(l, {
      title: 'InnoDB buffer pool hit ratio',
      unit: 'percentunit',
      max: 1,
      w: 24,
      queries: [
        {
          expr:
            `1 - sum by (pod) (rate(mysql_global_status_innodb_buffer_pool_reads{${p}}[$__rate_interval]))` +
            ` / sum by (pod) (rate(mysql_global_status_innodb_buffer_pool_read_requests{${p}}[$__rate_interval]))`,
          legend: '{{pod}}',
        },
      ],
    }),
  ];
  return dashboard({
    uid: 'pk-mysql',
    title: 'Platform Kit / MySQL',
    description: 'MySQL StatefulSet as seen by the mysqld-exporter sidecars.',
    tags: ['mysql', 'database'],
    variables: [promVariable('pod', 'pod', 'mysql_up', { multi: true, includeAll: true, allValue: '.*' })],
    panels,
  });
}
