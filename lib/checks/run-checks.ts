import { PlatformConfig } from '../config/platform-config';
import { UserError } from '../core/errors';
import { InjectedContainers } from '../core/injected-containers';
import { Flow } from '../network/flow';
import { checkCustomResources } from './custom-resource-schema';
import { SynthesizedObject } from '../output/synthesized';
import { checkCustomResourcePlacement, checkDuplicates, checkIngressPaths, checkNoSecretValues, checkSchema } from './manifest-checks';
import { checkCapacity } from './capacity';
import { configKeysOf } from './config-keys';
import { checkFlows } from './flow-checks';
import { checkObjectSizes } from './object-size';
import { checkRbacLeastPrivilege } from './rbac-checks';
import { checkServiceReferences } from './service-references';
import { checkContainerHygiene, checkImmutableFields, checkPodSecurityLevels, checkQuotaFit, checkStatefulSetServices } from './workload-checks';

export interface CheckInput {
  readonly config: PlatformConfig;
  readonly objects: readonly SynthesizedObject[];
  readonly flows: readonly Flow[];
  /**
   * Stand-ins for the workloads controllers create at run time (not in dist/): counted by the quota-fit, capacity
   * and flow checks only — the other checks judge what Platform Kit writes. See ControllerPods.
   * @default []
   */
  readonly standIns?: readonly SynthesizedObject[];
  /**
   * Containers admission webhooks add to the pods of a namespace (a mesh's sidecar): the quota-fit and capacity
   * checks judge every pod with them. See InjectedContainers.
   * @default []
   */
  readonly injections?: readonly InjectedContainers[];
}

/** What the checks found: every problem (`[section] message`), and the report lines (the capacity table). */
export interface CheckOutcome {
  readonly problems: string[];
  readonly report: string[];
}

/**
 * Every synth-time check, in the order a reader would fix them; all problems are reported together.
 * Returns the report lines (the capacity table) for the user.
 */
export function runChecks(input: CheckInput): string[] {
  const { problems, report } = evaluateChecks(input);
  if (problems.length > 0) throw checkFailure(problems, report);
  return report;
}

/** The error a failed check run is reported as: the count, every problem, then the capacity table. */
export function checkFailure(problems: readonly string[], report: readonly string[]): UserError {
  return new UserError(`synth checks failed, ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`, [...problems], [...report]);
}

/** Runs every check and returns what they found, without throwing. */
export function evaluateChecks(input: CheckInput): CheckOutcome {
  const { config, objects, flows } = input;
  const keys = configKeysOf(config);
  // What will run: dist/ plus the pods controllers create from it, as admission leaves them.
  const injections = input.injections ?? [];
  const running = admitted(input.standIns && input.standIns.length > 0 ? [...objects, ...input.standIns] : objects, injections);
  const sections: Array<[string, () => string[]]> = [
    ['Kubernetes 1.27 schema', () => checkSchema(objects)],
    ['custom resources', () => checkCustomResourcePlacement(objects)],
    ['custom resource schemas', () => checkCustomResources(objects)],
    ['duplicate objects', () => checkDuplicates(objects)],
    ['ingress hosts', () => checkIngressPaths(objects)],
    ['secret values', () => checkNoSecretValues(objects)],
    ['object sizes', () => checkObjectSizes(objects)],
    ['RBAC least privilege', () => checkRbacLeastPrivilege(objects)],
    ['Pod Security', () => checkPodSecurityLevels(objects, keys)],
    ['container hygiene', () => checkContainerHygiene(objects)],
    ['immutable fields', () => checkImmutableFields(objects)],
    ['StatefulSet services', () => checkStatefulSetServices(objects)],
    ['quota fit', () => checkQuotaFit(running, config.cluster.nodes.length, keys, injections)],
    ['network flows', () => checkFlows(running, flows, config.cluster.podCidr, { serviceCidr: config.cluster.serviceCidr, keys })],
    ['service references', () => checkServiceReferences(objects, config.apps ?? [])],
  ];
  const capacity = checkCapacity(running, config.cluster, keys);
  sections.push(['capacity', () => capacity.problems]);
  const problems: string[] = [];
  for (const [name, check] of sections) {
    for (const problem of check()) problems.push(`[${name}] ${problem}`);
  }
  const placed = capacity.summaries.length > 0 ? ['Nodes after placing the pods that fit:', ...capacity.summaries.map((s) => `  ${s}`)] : [];
  return { problems, report: [...placed, ...capacity.table] };
}

/** `objects` with every pod template as the admission webhooks of `injections` will leave it (unchanged without any). */
function admitted(objects: readonly SynthesizedObject[], injections: readonly InjectedContainers[]): readonly SynthesizedObject[] {
  if (injections.length === 0) return objects;
  return objects.map((o) => {
    const manifest = injections.reduce((m, injection) => injection.admit(m), o.manifest);
    return manifest === o.manifest ? o : { ...o, manifest };
  });
}
