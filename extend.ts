import { BuiltPlatform, PlatformPart } from './lib';

/**
 * Your code-composed additions to the platform that platform.yaml describes (README, "Extending the platform in
 * TypeScript"). `npm run synth` and `npm run schema` read this file: the parts below get their platform.yaml
 * section, their unit folder in dist/ and an Argo CD Application; `extend` adds constructs after every part is
 * built and before they connect, so its charts get an Application too and every synth-time check covers them.
 */

/** Extra parts, built after the default ones and before gitops (e.g. `[registryPart]`). */
export const extraParts: PlatformPart[] = [];

/** Adds constructs to the built platform (e.g. `new WebApp(new PlatformChart(platform.app, ...), ...)`). */
export function extend(_platform: BuiltPlatform): void {
  // Nothing by default: the embedded platform is exactly platform.yaml.
}
