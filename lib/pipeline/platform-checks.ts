import { App } from 'cdk8s';
import { evaluateChecks } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { Flow } from '../network/flow';
import { collectObjects } from '../output/synthesized';

const reports = new WeakMap<App, string[]>();

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
      const outcome = evaluateChecks({ config, objects: collectObjects(app), flows: Flow.all(app) });
      reports.set(app, outcome.report);
      return outcome.problems;
    },
  });
}

/** The report lines (capacity table) of the last check run on `app`. */
export function checkReport(app: App): string[] {
  return reports.get(app) ?? [];
}
