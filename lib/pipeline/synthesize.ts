import { checkFailure } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { Flow } from '../network/flow';
import { hostOutputFiles } from '../output/host-file';
import { layoutFiles, OutputFile } from '../output/layout';
import { markerFile } from '../output/marker';
import { readmeFile } from '../output/readme';
import { collectObjects, validateTree } from '../output/synthesized';
import { PhaseTimings } from '../output/timings';
import { GatheredOffers } from '../parts/platform-part';
import { BuildOptions, buildPlatformWith, partNotices } from './build-platform';
import { checkedObjects, checkReport } from './platform-checks';

export interface SynthResult {
  readonly files: OutputFile[];
  readonly objectCount: number;
  /** Lines to show the user: the capacity table, then the parts' notices. */
  readonly report: string[];
  /** The capacity table alone (dist/README.md holds it). */
  readonly capacity: string[];
  /** What the parts offered each other (first-time Secrets, scrape targets, backup volumes). */
  readonly offers: GatheredOffers;
}

export interface SynthOptions extends BuildOptions {
  /** Where each phase's time is recorded (PLATFORM_KIT_TIMINGS). @default - a fresh, unreported one */
  readonly timings?: PhaseTimings;
}

/**
 * The pipeline, in memory: build (config → constructs) → check (every construct validation, the whole-tree checks
 * included) → lay out files (the manifests, dist/README.md and the ownership marker). Nothing is written here;
 * `writeOutput` does that once this returned.
 */
export function synthesize(config: PlatformConfig, options: SynthOptions = {}): SynthResult {
  const timings = options.timings ?? new PhaseTimings();
  const built = timings.time('build', () => buildPlatformWith(config, options));
  const problems = timings.time('checks', () => validateTree(built.app));
  if (problems.length > 0) throw checkFailure(problems, checkReport(built.app));
  const report = checkReport(built.app);
  const objects = checkedObjects(built.app) ?? collectObjects(built.app);
  const files = timings.time('render', () => {
    const manifests = layoutFiles(objects);
    const readme = readmeFile({ files: manifests, flows: Flow.all(built.app), capacity: report, secrets: built.offers.firstTimeSecrets });
    return [...manifests, ...hostOutputFiles(built.app), readme, markerFile()];
  });
  return { files, objectCount: objects.length, report: [...report, ...partNotices(config, options.parts, built.outputOf)], capacity: report, offers: built.offers };
}
