/** The pod templates of the synthesized tree (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs), indexed once. */
import { ManifestPods } from '../core/pod-templates';
import { SynthesizedObject } from '../output/synthesized';
import { TreeIndex } from './tree-index';

export { allContainers } from '../core/pod-templates';

/** A pod template found in the output, with how many pods it makes. */
export interface PodTemplate extends ManifestPods {
  readonly object: SynthesizedObject;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** `Deployment/grafana` in namespace `monitoring` → `monitoring/Deployment/grafana` */
  readonly ref: string;
}

/** Every pod template in the output: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods. */
export function podTemplates(objects: readonly SynthesizedObject[]): readonly PodTemplate[] {
  return TreeIndex.of(objects).podTemplates;
}
