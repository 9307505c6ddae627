import { dashboard, Dashboard, Layout, promVariable, stat, timeseries } from './common';

/** Workloads of one namespace: CPU and memory against requests, limits and quota; restarts. */
export function namespaceWorkloadsDashboard(): Dashboard {
  const l = new Layout();
  const ns = 'namespace="$namespace"';
  // cAdvisor also reports pod-level (container="") and sandbox (container="POD") cgroups; skip them.
  const ctr = `${ns},container!="",container!="POD"`;
  const cpuUsage = `sum(rate(container_cpu_usage_seconds_total{${ctr}}[$__rate_interval]))`;
  const memUsage = `sum(container_memory_working_set_bytes{${ctr}})`;
  const panels = [
    stat(l, { title: 'Pods running', query: { expr: `sum(kube_pod_status_phase{${ns},phase="Running"})` } }),
    stat(l, {
      title: 'Pods pending / failed',
      query: { expr: `sum(kube_pod_status_phase{${ns},phase=~"Pending|Failed|Unknown"})` },
      thresholds: [['green', null], ['orange', 1]],
    }),
    stat(l, {
      title: 'Container restarts (1h)',
      query: { expr: `sum(increase(kube_pod_container_status_restarts_total{${ns}}[1h]))` },
      thresholds: [['green', null], ['orange', 1], ['red', 5]],
    }),
    stat(l, {
      title: 'CPU used / requested',
      unit: 'percentunit',
      query: {
        expr: `sum(rate(container_cpu_usage_seconds_total{${ctr}}[5m])) / sum(kube_pod_container_resource_requests{${ns},resource="cpu"})`,
      },
      thresholds: [['green', null], ['orange', 0.9], ['red', 1.2]],
    }),
    timeseries(l, {
      title: 'CPU by pod',
      unit: 'short',
      description: 'CPU cores used.',
      stack: true,
      queries: [
        { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${ctr}}[$__rate_interval]))`, legend: '{{pod}}' },
      ],
    }),
    timeseries(l, {
      title: 'CPU: usage vs requests, limits, quota',
      unit: 'short',
      queries: [
        { expr: cpuUsage, legend: 'usage' },
        { expr: `sum(kube_pod_container_resource_requests{${ns},resource="cpu"})`, legend: 'requests' },
        { expr: `sum(kube_pod_container_resource_limits{${ns},resource="cpu"})`, legend: 'limits' },
        { expr: `sum(kube_resourcequota{${ns},resource=~"cpu|requests.cpu",type="hard"})`, legend: 'quota requests.cpu' },
        { expr: `sum(kube_resourcequota{${ns},resource="limits.cpu",type="hard"})`, legend: 'quota limits.cpu' },
      ],
    }),
    timeseries(l, {
      title: 'Memory by pod',
      unit: 'bytes',
      description: 'Working set (what the OOM killer looks at).',
      stack: true,
      queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${ctr}})`, legend: '{{pod}}' }],
    }),
    timeseries(l, {
      title: 'Memory: usage vs requests, limits, quota',
      unit: 'bytes',
      queries: [
        { expr: memUsage, legend: 'usage' },
        { expr: `sum(kube_pod_container_resource_requests{${ns},resource="memory"})`, legend: 'requests' },
        { expr: `sum(kube_pod_container_resource_limits{${ns},resource="memory"})`, legend: 'limits' },
        { expr: `sum(kube_resourcequota{${ns},resource=~"memory|requests.memory",type="hard"})`, legend: 'quota requests.memory' },
        { expr: `sum(kube_resourcequota{${ns},resource="limits.memory",type="hard"})`, legend: 'quota limits.memory' },
      ],
    }),
    timeseries(l, {
      title: 'Container restarts',
      drawStyle: 'bars',
      queries: [
        {
          expr: `sum by (pod, container) (increase(kube_pod_container_status_restarts_total{${ns}}[$__rate_interval])) > 0`,
          legend: '{{pod}}/{{container}}',
        },
      ],
    }),
    timeseries(l, {
      title: 'Network by pod',
      unit: 'Bps',
      queries: [
        { expr: `sum by (pod) (rate(container_network_receive_bytes_total{${ns}}[$__rate_interval]))`, legend: '{{pod}} receive' },
        { expr: `sum by (pod) (rate(container_network_transmit_bytes_total{${ns}}[$__rate_interval]))`, legend: '{{pod}} transmit' },
      ],
    }),
    timeseries(l, {
      title: 'Deployments: available vs desired replicas',
      queries: [
        { expr: `kube_deployment_status_replicas_available{${ns}}`, legend: '{{deployment}} available' },
        { expr: `kube_deployment_spec_replicas{${ns}}`, legend: '{{deployment}} desired' },
      ],
    }),
    timeseries(l, {
      title: 'StatefulSets: ready vs desired replicas',
      queries: [
        { expr: `kube_statefulset_status_replicas_ready{${ns}}`, legend: '{{statefulset}} ready' },
        { expr: `kube_statefulset_replicas{${ns}}`, legend: '{{statefulset}} desired' },
      ],
    }),
  ];
  return dashboard({
    uid: 'pk-namespace-workloads',
    title: 'Platform Kit / Namespace workloads',
    description: 'CPU and memory of the pods in one namespace against their requests, limits and ResourceQuota.',
    tags: ['kubernetes', 'workloads'],
    variables: [promVariable('namespace', 'namespace', 'kube_namespace_status_phase')],
    panels,
  });
}
