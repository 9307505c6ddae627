import { dashboard, Dashboard, Layout, promVariable, stat, timeseries } from './common';

/** Real filesystems only (no tmpfs/overlay/kubelet mounts), as in the alert rules. */
const FS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs",mountpoint!~"/run(/.*)?|/var/lib/kubelet/.*"';
/** Physical interfaces only: skip loopback and the CNI's virtual devices (Calico cali*, tunl0, vxlan). */
const NIC = 'device!~"lo|veth.*|cali.*|tunl.*|vxlan.*|flannel.*|cni.*|docker.*|kube-ipvs.*"';

/** Cluster / node overview: node CPU, memory, disk, network and pods per node. */
export function clusterOverviewDashboard(): Dashboard {
  const l = new Layout();
  const n = 'node=~"$node"';
  const panels = [
    stat(l, {
      title: 'Nodes Ready',
      query: { expr: 'sum(kube_node_status_condition{condition="Ready",status="true"})' },
    }),
    stat(l, {
      title: 'Pods running',
      query: { expr: 'sum(kube_pod_status_phase{phase="Running"})' },
    }),
    stat(l, {
      title: 'Pods pending / failed',
      query: { expr: 'sum(kube_pod_status_phase{phase=~"Pending|Failed|Unknown"})' },
      thresholds: [['green', null], ['orange', 1]],
    }),
    stat(l, {
      title: 'Scrape targets down',
      query: { expr: 'count(up == 0) or vector(0)' },
      thresholds: [['green', null], ['red', 1]],
    }),
    timeseries(l, {
      title: 'CPU busy by node',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        { expr: `1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle",${n}}[$__rate_interval]))`, legend: '{{node}}' },
      ],
    }),
    timeseries(l, {
      title: 'Memory used by node',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        {
          expr: `1 - sum by (node) (node_memory_MemAvailable_bytes{${n}}) / sum by (node) (node_memory_MemTotal_bytes{${n}})`,
          legend: '{{node}}',
        },
      ],
    }),
    timeseries(l, {
      title: 'Load (1m) per CPU',
      description: 'Above 1 means runnable tasks are queuing for CPU.',
      queries: [
        {
          expr: `sum by (node) (node_load1{${n}}) / count by (node) (node_cpu_seconds_total{mode="idle",${n}})`,
          legend: '{{node}}',
        },
      ],
    }),
    timeseries(l, {
      title: 'Filesystem used',
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [
        {
          expr: `1 - node_filesystem_avail_bytes{${n},${FS}} / node_filesystem_size_bytes{${n},${FS}}`,
          legend: '{{node}} {{mountpoint}}',
        },
      ],
    }),
    timeseries(l, {
      title: 'Disk throughput',
      unit: 'Bps',
      queries: [
        { expr: `sum by (node) (rate(node_disk_read_bytes_total{${n}}[$__rate_interval]))`, legend: '{{node}} read' },
        { expr: `sum by (node) (rate(node_disk_written_bytes_total{${n}}[$__rate_interval]))`, legend: '{{node}} write' },
      ],
    }),
    timeseries(l, {
      title: 'Network throughput',
      unit: 'Bps',
      queries: [
        {
          expr: `sum by (node) (rate(node_network_receive_bytes_total{${n},${NIC}}[$__rate_interval]))`,
          legend: '{{node}} receive',
        },
        {
          expr: `sum by (node) (rate(node_network_transmit_bytes_total{${n},${NIC}}[$__rate_interval]))`,
          legend: '{{node}} transmit',
        },
      ],
    }),
    timeseries(l, {
      title: 'Pods per node',
      description: 'Scheduled pods (kube-state-metrics) against the node pod capacity.',
      w: 24,
      queries: [
        {
          // Completed (Succeeded/Failed) pods keep their kube_pod_info series but no longer use a slot.
          expr: 'count by (node) (kube_pod_info unless on (namespace, pod) (kube_pod_status_phase{phase=~"Succeeded|Failed"} == 1))',
          legend: '{{node}} pods',
        },
        { expr: 'sum by (node) (kube_node_status_allocatable{resource="pods"})', legend: '{{node}} allocatable' },
      ],
    }),
  ];
  return dashboard({
    uid: 'pk-cluster-overview',
    title: 'Platform Kit / Cluster overview',
    description: 'Node CPU, memory, disk and network (node-exporter) and pod placement (kube-state-metrics).',
    tags: ['kubernetes', 'nodes'],
    variables: [promVariable('node', 'node', 'node_uname_info', { multi: true, includeAll: true, allValue: '.*' })],
    panels,
  });
}
