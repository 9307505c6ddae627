import { PlatformConfig } from '../config/platform-config';
import { UserError } from '../core/errors';
import { Flow } from '../network/flow';
import { checkCustomResources } from '../gitops/crd-schema';
import { SynthesizedObject } from '../output/synthesized';
import { checkCustomResourcePlacement, checkDuplicates, checkNoSecretValues, checkSchema } from './basic-checks';
import { checkCapacity } from './capacity';
import { checkFlows } from './flow-checks';
import { checkRbacLeastPrivilege } from './rbac-checks';
import { checkContainerHygiene, checkImmutableFields, checkPodSecurityLevels, checkQuotaFit, checkStatefulSetServices } from './workload-checks';

export interface CheckInput {
  readonly config: PlatformConfig;
  readonly objects: readonly SynthesizedObject[];
  readonly flows: readonly Flow[];
}

/**
 * Every synth-time check, in the order a reader would fix them; all problems are reported together.
 * Returns the report lines (the capacity table) for the user.
 */
export function runChecks(input: CheckInput): string[] {
  const { config, objects, flows } = input;
  const sections: Array<[string, () => string[]]> = [
    ['Kubernetes 1.27 schema', () => checkSchema(objects)],
    ['custom resources', () => checkCustomResourcePlacement(objects)],
    ['custom resource schemas', () => checkCustomResources(objects)],
    ['duplicate objects', () => checkDuplicates(objects)],
    ['secret values', () => checkNoSecretValues(objects)],
    ['RBAC least privilege', () => checkRbacLeastPrivilege(objects)],
    ['Pod Security', () => checkPodSecurityLevels(objects)],
    ['container hygiene', () => checkContainerHygiene(objects)],
    ['immutable fields', () => checkImmutableFields(objects)],
    ['StatefulSet services', () => checkStatefulSetServices(objects)],
    ['quota fit', () => checkQuotaFit(objects, config.cluster.nodes.length)],
    ['network flows', () => checkFlows(objects, flows, config.cluster.podCidr)],
  ];
  const capacity = checkCapacity(objects, config.cluster);
  sections.push(['capacity', () => capacity.problems]);
  const problems: string[] = [];
  for (const [name, check] of sections) {
    for (const problem of check()) problems.push(`[${name}] ${problem}`);
  }
  if (problems.length > 0) {
    throw new UserError(`synth checks failed, ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`, problems, capacity.table);
  }
  return capacity.table;
}
