import { App } from 'cdk8s';
import { runChecks } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { Flow } from '../network/flow';
import { buildPlatform } from '../platform';
import { firstTimeSecretsStub } from './first-time-secrets';
import { layoutFiles, OutputFile } from './layout';
import { markerFile } from './marker';
import { readmeFile } from './readme';
import { synthesizeObjects } from './synthesized';
import { PhaseTimings } from './timings';

export interface SynthResult {
  readonly files: OutputFile[];
  readonly objectCount: number;
  /** Lines to show the user (e.g. the capacity table). */
  readonly report: string[];
}

/** Config → constructs → objects → checks → files, all in memory; nothing is written here. */
export function synthesize(config: PlatformConfig, timings: PhaseTimings = new PhaseTimings()): SynthResult {
  const { app, objects } = timings.time('build', () => {
    const built: App = buildPlatform(config);
    return { app: built, objects: synthesizeObjects(built) };
  });
  const flows = Flow.all(app);
  const report = timings.time('checks', () => runChecks({ config, objects, flows }));
  const files = timings.time('render', () => {
    const manifests = layoutFiles(objects);
    const readme = readmeFile({ files: manifests, flows, capacity: report, secrets: firstTimeSecretsStub(app, config) });
    return [...manifests, readme, markerFile()];
  });
  return { files, objectCount: objects.length, report };
}
