import { SynthesizedObject } from '../output/synthesized';

/** A pod template found in the output, with how many pods it makes. */
export interface PodTemplate {
  readonly object: SynthesizedObject;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** `Deployment/grafana` in namespace `monitoring` → `monitoring/Deployment/grafana` */
  readonly ref: string;
  readonly metadata: any;
  readonly spec: any;
  /** Pods at steady state; for a DaemonSet the pods per node (1) — see `perNode`. */
  readonly replicas: number;
  /** DaemonSet: one pod on every node it tolerates. */
  readonly perNode: boolean;
  /** Runs to completion (Job, CronJob): probes do not apply. */
  readonly runsToCompletion: boolean;
}

/** Every pod template in the output: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods. */
export function podTemplates(objects: readonly SynthesizedObject[]): PodTemplate[] {
  // An autoscaled workload can grow to its HorizontalPodAutoscaler's maxReplicas: quota and capacity must hold then.
  const autoscaled = new Map<string, number>();
  for (const o of objects) {
    if (o.manifest.kind !== 'HorizontalPodAutoscaler') continue;
    const target = o.manifest.spec?.scaleTargetRef ?? {};
    autoscaled.set(`${o.manifest.metadata?.namespace ?? 'default'}/${target.kind}/${target.name}`, o.manifest.spec?.maxReplicas ?? 1);
  }
  const out: PodTemplate[] = [];
  for (const object of objects) {
    const m = object.manifest;
    const namespace = m.metadata?.namespace ?? 'default';
    const base = { object, kind: m.kind, name: m.metadata?.name, namespace, ref: `${namespace}/${m.kind}/${m.metadata?.name}` };
    switch (m.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'ReplicaSet':
        out.push({ ...base, metadata: m.spec?.template?.metadata ?? {}, spec: m.spec?.template?.spec ?? {}, replicas: autoscaled.get(base.ref) ?? m.spec?.replicas ?? 1, perNode: false, runsToCompletion: false });
        break;
      case 'DaemonSet':
        out.push({ ...base, metadata: m.spec?.template?.metadata ?? {}, spec: m.spec?.template?.spec ?? {}, replicas: 1, perNode: true, runsToCompletion: false });
        break;
      case 'Job':
        out.push({ ...base, metadata: m.spec?.template?.metadata ?? {}, spec: m.spec?.template?.spec ?? {}, replicas: m.spec?.parallelism ?? 1, perNode: false, runsToCompletion: true });
        break;
      case 'CronJob': {
        // Forbid/Replace keep one Job at a time; Allow may overlap, counted as one (the usual case) — the quota is
        // enforced by the API server anyway, this check is the early warning.
        const job = m.spec?.jobTemplate?.spec ?? {};
        out.push({ ...base, metadata: job.template?.metadata ?? {}, spec: job.template?.spec ?? {}, replicas: job.parallelism ?? 1, perNode: false, runsToCompletion: true });
        break;
      }
      case 'Pod':
        out.push({ ...base, metadata: m.metadata ?? {}, spec: m.spec ?? {}, replicas: 1, perNode: false, runsToCompletion: m.spec?.restartPolicy !== 'Always' && m.spec?.restartPolicy !== undefined });
        break;
      default:
        break;
    }
  }
  return out;
}

export function allContainers(spec: any): Array<{ container: any; init: boolean }> {
  return [
    ...(spec.initContainers ?? []).map((container: any) => ({ container, init: true })),
    ...(spec.containers ?? []).map((container: any) => ({ container, init: false })),
  ];
}
