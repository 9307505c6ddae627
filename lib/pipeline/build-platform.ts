import { App } from 'cdk8s';
import { PlatformConfig } from '../config/platform-config';
import { ManagedNamespaces } from '../network/managed-namespaces';
import { PLATFORM_PARTS } from '../parts';
import { gatherOffers, GatheredOffers, isEnabled, LoadedConfig, managedNamespaceOwners, PartContext, PartOffers, PlatformPart, sectionOf } from '../parts/platform-part';
import { attachPlatformChecks } from './platform-checks';
import { secretTypeConflicts } from '../secrets/first-time-secrets';

/** What {@link buildPlatform} hands an extension, and returns. */
export interface BuiltPlatform {
  readonly app: App;
  readonly config: PlatformConfig;
  /** Every part's offers (scrape targets, first-time Secrets, backup volumes). */
  readonly offers: GatheredOffers;
  /** The typed output of a built part (undefined when it is not in the list or is disabled). */
  outputOf<O>(part: PlatformPart<any, O>): O | undefined;
}

export interface BuildOptions {
  /** The App to build into. @default - a new App */
  readonly app?: App;
  /** The parts, in apply order. @default PLATFORM_PARTS */
  readonly parts?: readonly PlatformPart<any, any>[];
  /**
   * Code-composed constructs to add to the platform: called after every part is built and before the parts connect,
   * so an extension's unit charts get their Argo CD Application and every check covers them (README, "Extending").
   * @default - none
   */
  readonly extend?: (platform: BuiltPlatform) => void;
}

/**
 * Composes the platform from its typed description, part by part in list order: each builds its unit chart(s)
 * and returns a typed output later parts connect to; then extensions run; then every part connects with all
 * offers. The whole-tree checks are attached to the App as a validation, so `app.synth()` runs them too.
 */
export function buildPlatform(config: PlatformConfig, options: BuildOptions = {}): App {
  return buildPlatformWith(config, options).app;
}

/** {@link buildPlatform}, returning the parts' outputs and offers too. */
export function buildPlatformWith(config: PlatformConfig, options: BuildOptions = {}): BuiltPlatform {
  const app = options.app ?? new App();
  const parts = options.parts ?? PLATFORM_PARTS;
  const whole = config as unknown as LoadedConfig;
  const enabled = parts.filter((p) => isEnabled(p, whole));
  ManagedNamespaces.declare(app, managedNamespaceOwners(enabled, whole).keys());

  const outputs = new Map<PlatformPart<any, any>, unknown>();
  const outputOf = <O>(part: PlatformPart<any, O>): O | undefined => outputs.get(part) as O | undefined;
  const offered: PartOffers[] = [];
  const contexts = new Map<PlatformPart<any, any>, PartContext<unknown>>();
  for (const part of enabled) {
    const ctx: PartContext<unknown> = {
      scope: app,
      config: sectionOf(part, whole),
      platform: whole,
      outputOf: <O>(other: PlatformPart<any, O>): O | undefined => {
        if (other !== part && parts.includes(other) && !outputs.has(other) && enabled.includes(other)) {
          throw new Error(`part ${JSON.stringify(part.key)} connects to part ${JSON.stringify(other.key)}, which is listed after it; move ${JSON.stringify(other.key)} before it in the parts list.`);
        }
        return outputOf(other);
      },
    };
    contexts.set(part, ctx);
    const output = part.build(ctx);
    outputs.set(part, output);
    offered.push(part.offers?.(output, ctx.config) ?? {});
  }
  const offers = gatherOffers(offered);
  const built: BuiltPlatform = { app, config, offers, outputOf };
  options.extend?.(built);
  for (const part of enabled) part.connect?.(outputs.get(part), { ...contexts.get(part)!, offers });
  app.node.addValidation({ validate: () => secretTypeConflicts(offers.firstTimeSecrets) });
  attachPlatformChecks(app, config);
  return built;
}

/** The notices of the enabled parts (printed after a successful synth). */
export function partNotices(config: PlatformConfig, parts: readonly PlatformPart<any, any>[] = PLATFORM_PARTS, outputOf?: BuiltPlatform['outputOf']): string[] {
  const whole = config as unknown as LoadedConfig;
  return parts.flatMap((p) => (p.notices ? [...p.notices(sectionOf(p, whole), outputOf?.(p))] : []));
}
