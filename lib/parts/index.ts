import { appsPart } from '../apps/part';
import { backupPart } from '../backup/part';
import { gitopsPart } from '../gitops/part';
import { hostPart } from '../host/part';
import { meshPart } from '../mesh/part';
import { mysqlPart } from '../mysql/part';
import { observabilityPart } from '../observability/part';
import { registryPart } from '../registry/part';
import { tenancyPart } from '../tenancy/part';
import { gatewayPart } from '../traffic/part';
import { websitesPart } from '../websites/part';
import { ConfigOfParts, PlatformPart } from './platform-part';

/**
 * The parts of the platform, in apply order: this list drives the config loader, platform.schema.json,
 * `buildPlatform`, the Argo CD inventory, Prometheus' scrape targets and the first-time Secrets. Adding a part is one
 * folder plus one line here (README, "Adding a part"). GitOps comes last: it describes every unit before it.
 */
export const PLATFORM_PARTS = [
  tenancyPart,
  mysqlPart,
  gatewayPart,
  meshPart,
  registryPart,
  observabilityPart,
  appsPart,
  websitesPart,
  backupPart,
  hostPart,
  gitopsPart,
] as const;

/** The whole typed description of the default platform, after validation and defaults: derived from the list. */
export type PlatformConfig = ConfigOfParts<typeof PLATFORM_PARTS>;

/**
 * The default parts with `extra` parts added before gitops (which must stay last: it gives every unit before it an
 * Argo CD Application). What a TypeScript user passes as `parts` to the loader, `buildPlatform` and the schema.
 */
export function platformParts(...extra: PlatformPart<any, any>[]): readonly PlatformPart<any, any>[] {
  return [...PLATFORM_PARTS.filter((p) => p !== gitopsPart), ...extra, gitopsPart];
}
