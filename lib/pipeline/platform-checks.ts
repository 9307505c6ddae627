import { App } from 'cdk8s';
import { evaluateChecks } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { InjectedContainers } from '../core/injected-containers';
import { Flow } from '../network/flow';
import { collectObjects, controllerStandIns, SynthesizedObject } from '../output/synthesized';

const reports = new WeakMap<App, string[]>();
const checked = new WeakMap<App, SynthesizedObject[]>();

/**
 * Attaches every whole-tree check (schema, Pod Security, quota fit, flows, capacity…) to the App as a construct
 * validation, so a TypeScript program that composes our constructs and calls `app.synth()` fails exactly where
 * `npm run synth` does. Idempotent.
 */
export function attachPlatformChecks(app: App, config: PlatformConfig): void {
  if (reports.has(app)) return;
  reports.set(app, []);
  app.node.addValidation({
    validate: () => {
      const objects = collectObjects(app);
      const outcome = evaluateChecks({ config, objects, flows: Flow.all(app), standIns: controllerStandIns(app), injections: InjectedContainers.all(app) });
      reports.set(app, outcome.report);
      checked.set(app, objects);
      return outcome.problems;
    },
  });
}

/**
 * The objects the last check run judged (rendering the tree is the largest cost of a synth, so the pipeline writes
 * exactly what was checked instead of rendering it twice); undefined when no check ran.
 */
export function checkedObjects(app: App): SynthesizedObject[] | undefined {
  return checked.get(app);
}

/** The report lines (capacity table) of the last check run on `app`. */
export function checkReport(app: App): string[] {
  return reports.get(app) ?? [];
}
