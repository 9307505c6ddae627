import type { OfferedAlertRule, OfferedAlertRuleGroup } from '../../parts/platform-part';
import { toYaml } from './yaml-util';

/** One Prometheus alerting rule (rule file format): the shape the part contract defines for offered rules too. */
export type AlertRule = OfferedAlertRule;

export type AlertRuleGroup = OfferedAlertRuleGroup;

/** A Prometheus rule file: `{ groups: [...] }`. */
export interface PrometheusRuleFile {
  readonly groups: readonly AlertRuleGroup[];
}

export interface AlertRulesOptions {
  /** Fraction of CPU time busy (non-idle) for 15 minutes that counts as saturation. Default 0.9. */
  readonly nodeCpuBusyRatio?: number;
  /** Free-space fraction below which a node filesystem is "almost full". Default 0.10. */
  readonly filesystemFreeRatio?: number;
  /** Replication lag in seconds that raises MySQLReplicationLagging. Default 30. */
  readonly mysqlReplicationLagSeconds?: number;
  /** Prometheus job name of the Loki scrape. Default `loki`. */
  readonly lokiJob?: string;
}

/** Filesystems worth alerting on: real block devices, not tmpfs/overlay/kubelet-managed mounts. */
const FS_SELECTOR = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs",mountpoint!~"/run(/.*)?|/var/lib/kubelet/.*"';

/** The platform's alert rules as a Prometheus rule-file object. */
export function alertRules(opts: AlertRulesOptions = {}): PrometheusRuleFile {
  const cpu = opts.nodeCpuBusyRatio ?? 0.9;
  const fsFree = opts.filesystemFreeRatio ?? 0.1;
  const lag = opts.mysqlReplicationLagSeconds ?? 30;
  const lokiJob = opts.lokiJob ?? 'loki';
  for (const [name, v] of [['nodeCpuBusyRatio', cpu], ['filesystemFreeRatio', fsFree]] as const) {
    if (!(v > 0 && v < 1)) throw new Error(`alertRules: ${name} must be in (0, 1), got ${v}`);
  }
  if (!(lag > 0)) throw new Error(`alertRules: mysqlReplicationLagSeconds must be > 0, got ${lag}`);
  if (!/^[a-zA-Z0-9_-]+$/.test(lokiJob)) throw new Error(`alertRules: invalid lokiJob "${lokiJob}"`);

  const nodeCondition = (condition: string, alert: string, what: string): AlertRule => ({
    alert,
    expr: `kube_node_status_condition{condition="${condition}",status="true"} == 1`,
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `Node {{ $labels.node }} reports ${condition}.`,
      description: `The kubelet on {{ $labels.node }} has reported ${condition} for 5 minutes: ${what}`,
    },
  });

  return {
    groups: [
      {
        name: 'platform-kit.targets',
        rules: [
          {
            alert: 'TargetDown',
            // Loki has its own (critical) alert; every other failed scrape lands here.
            expr: `up{job!="${lokiJob}"} == 0`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Scrape target {{ $labels.instance }} of job {{ $labels.job }} is down.',
              description:
                'Prometheus has failed to scrape {{ $labels.job }}/{{ $labels.instance }} (namespace {{ $labels.namespace }}) for 10 minutes.',
            },
          },
        ],
      },
      {
        name: 'platform-kit.nodes',
        rules: [
          {
            alert: 'NodeNotReady',
            expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
            for: '5m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Node {{ $labels.node }} is not Ready.',
              description: 'Node {{ $labels.node }} has not been Ready for 5 minutes; its pods are being evicted or are unreachable.',
            },
          },
          nodeCondition('MemoryPressure', 'NodeMemoryPressure', 'the kubelet is evicting pods to reclaim memory.'),
          nodeCondition('DiskPressure', 'NodeDiskPressure', 'the kubelet is garbage-collecting images and evicting pods to reclaim disk.'),
          nodeCondition('PIDPressure', 'NodePIDPressure', 'the node is running out of process IDs.'),
          {
            // The kubelet has no CPU-pressure condition (CPU is compressible: workloads are throttled,
            // never evicted), so saturation is measured from node-exporter's per-CPU idle time.
            alert: 'NodeCPUSaturated',
            expr: `1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > ${cpu}`,
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Node {{ $labels.node }} CPU is saturated.',
              description: `CPU on {{ $labels.node }} has been more than ${pct(cpu)} busy for 15 minutes (now {{ $value | humanizePercentage }}); workloads are being throttled.`,
            },
          },
          {
            alert: 'NodeFilesystemAlmostFull',
            expr:
              `node_filesystem_avail_bytes{${FS_SELECTOR}} / node_filesystem_size_bytes{${FS_SELECTOR}} < ${fsFree}` +
              ` and node_filesystem_readonly{${FS_SELECTOR}} == 0`,
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} is almost full.',
              description: `Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.node }} is free (threshold ${pct(fsFree)}).`,
            },
          },
          {
            alert: 'NodeFilesystemFillingUp',
            expr:
              `node_filesystem_avail_bytes{${FS_SELECTOR}} / node_filesystem_size_bytes{${FS_SELECTOR}} < 0.4` +
              ` and predict_linear(node_filesystem_avail_bytes{${FS_SELECTOR}}[6h], 24 * 3600) < 0` +
              ` and node_filesystem_readonly{${FS_SELECTOR}} == 0`,
            for: '1h',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.node }} will fill up within 24 hours.',
              description:
                'At the growth rate of the last 6 hours, {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.node }} runs out of space within 24 hours.',
            },
          },
        ],
      },
      {
        name: 'platform-kit.workloads',
        rules: [
          {
            alert: 'PodCrashLooping',
            expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping.',
              description:
                'Container {{ $labels.container }} in pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.',
            },
          },
          {
            alert: 'PersistentVolumeFillingUp',
            expr: 'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03',
            for: '1m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is almost full.',
              description: 'Only {{ $value | humanizePercentage }} of PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is free.',
            },
          },
          {
            alert: 'PersistentVolumeFillingUp',
            expr:
              'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.15' +
              ' and predict_linear(kubelet_volume_stats_available_bytes[6h], 4 * 24 * 3600) < 0',
            for: '1h',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} will fill up within 4 days.',
              description:
                'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} free and is predicted to fill up within 4 days.',
            },
          },
          {
            alert: 'DeploymentReplicasUnavailable',
            expr: 'kube_deployment_status_replicas_unavailable > 0',
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas.',
              description: '{{ $value }} replica(s) of Deployment {{ $labels.namespace }}/{{ $labels.deployment }} have been unavailable for 15 minutes.',
            },
          },
          {
            alert: 'StatefulSetReplicasUnavailable',
            expr: 'kube_statefulset_status_replicas_ready < kube_statefulset_replicas',
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has replicas that are not ready.',
              description: 'Only {{ $value }} replica(s) of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} have been ready for 15 minutes.',
            },
          },
        ],
      },
      {
        name: 'platform-kit.mysql',
        rules: [
          {
            alert: 'MySQLDown',
            expr: 'mysql_up == 0',
            for: '2m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'MySQL {{ $labels.namespace }}/{{ $labels.pod }} is down.',
              description: 'mysqld-exporter in {{ $labels.namespace }}/{{ $labels.pod }} cannot reach mysqld (mysql_up == 0) for 2 minutes.',
            },
          },
          {
            // SHOW REPLICA STATUS (MySQL >= 8.0.22, the only form in 8.4) names the column
            // Seconds_Behind_Source; SHOW SLAVE STATUS (older servers) names it Seconds_Behind_Master.
            alert: 'MySQLReplicationLagging',
            expr: `(mysql_slave_status_seconds_behind_source or mysql_slave_status_seconds_behind_master) > ${lag}`,
            for: '5m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'MySQL replica {{ $labels.namespace }}/{{ $labels.pod }} is lagging.',
              description: `Replica {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value }}s behind its source (threshold ${lag}s).`,
            },
          },
          {
            alert: 'MySQLReplicationStopped',
            expr:
              '(mysql_slave_status_replica_io_running or mysql_slave_status_slave_io_running) == 0' +
              ' or (mysql_slave_status_replica_sql_running or mysql_slave_status_slave_sql_running) == 0',
            for: '2m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'MySQL replication is stopped on {{ $labels.namespace }}/{{ $labels.pod }}.',
              description:
                'The replication IO or SQL thread on {{ $labels.namespace }}/{{ $labels.pod }} is not running; the replica is no longer applying changes.',
            },
          },
        ],
      },
      {
        name: 'platform-kit.observability',
        rules: [
          {
            alert: 'LokiDown',
            expr: `up{job="${lokiJob}"} == 0 or absent(up{job="${lokiJob}"})`,
            for: '5m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Loki is down.',
              description: 'Prometheus cannot scrape Loki (or finds no Loki target) for 5 minutes; logs are not being stored.',
            },
          },
          {
            alert: 'PrometheusRuleEvaluationFailures',
            expr: 'increase(prometheus_rule_evaluation_failures_total[10m]) > 0',
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Prometheus fails to evaluate rules in group {{ $labels.rule_group }}.',
              description: 'Rule evaluations have failed in {{ $labels.rule_group }} during the last 10 minutes; some alerts may never fire.',
            },
          },
          {
            alert: 'AlertmanagerNotificationsFailing',
            expr: 'increase(alertmanager_notifications_failed_total[10m]) > 0',
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Alertmanager fails to deliver notifications via {{ $labels.integration }}.',
              description: 'Alertmanager notifications through {{ $labels.integration }} have failed during the last 10 minutes.',
            },
          },
        ],
      },
    ],
  };
}

/** The rule file as YAML, ready for a ConfigMap mounted at /etc/prometheus/rules; `offered`: the parts' groups, after ours. */
export function alertRulesYaml(opts: AlertRulesOptions = {}, offered: readonly AlertRuleGroup[] = []): string {
  const file = alertRules(opts);
  return toYaml({ groups: [...file.groups, ...offered] }, 'Prometheus alert rules - generated by Platform Kit; do not edit by hand.');
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
