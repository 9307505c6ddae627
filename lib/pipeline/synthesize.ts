import { checkFailure } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { hostOutputFiles } from '../output/host-file';
import { layoutFiles, OutputFile } from '../output/layout';
import { collectObjects, validateTree } from '../output/synthesized';
import { BuildOptions, buildPlatformWith, partNotices } from './build-platform';
import { checkReport } from './platform-checks';
import { GatheredOffers } from '../parts/platform-part';

export interface SynthResult {
  readonly files: OutputFile[];
  readonly objectCount: number;
  /** Lines to show the user (e.g. the capacity table, then the parts' notices). */
  readonly report: string[];
  /** What the parts offered each other (first-time Secrets, scrape targets, backup volumes). */
  readonly offers: GatheredOffers;
}

/**
 * The pipeline, in memory: build (config → constructs) → check (every construct validation, the whole-tree checks
 * included) → lay out files. Nothing is written here; `writeAtomically` does that once this returned.
 */
export function synthesize(config: PlatformConfig, options: BuildOptions = {}): SynthResult {
  const built = buildPlatformWith(config, options);
  const problems = validateTree(built.app);
  if (problems.length > 0) throw checkFailure(problems, checkReport(built.app));
  const objects = collectObjects(built.app);
  return {
    files: [...layoutFiles(objects), ...hostOutputFiles(built.app)],
    objectCount: objects.length,
    report: [...checkReport(built.app), ...partNotices(config, options.parts)],
    offers: built.offers,
  };
}
