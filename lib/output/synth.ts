import { App } from 'cdk8s';
import { runChecks } from '../checks/run-checks';
import { PlatformConfig } from '../config/platform-config';
import { Flow } from '../network/flow';
import { buildPlatform } from '../platform';
import { layoutFiles, OutputFile } from './layout';
import { markerFile } from './marker';
import { synthesizeObjects } from './synthesized';

export interface SynthResult {
  readonly files: OutputFile[];
  readonly objectCount: number;
  /** Lines to show the user (e.g. the capacity table). */
  readonly report: string[];
}

/** Config → constructs → objects → checks → files, all in memory; nothing is written here. */
export function synthesize(config: PlatformConfig): SynthResult {
  const app: App = buildPlatform(config);
  const objects = synthesizeObjects(app);
  const report = runChecks({ config, objects, flows: Flow.all(app) });
  return { files: [...layoutFiles(objects), markerFile()], objectCount: objects.length, report };
}
