import * as path from 'path';
import { ControlPlane } from './control-plane';
import { RunResult } from './processes';

/**
 * The one place that says how the platform is applied: README's command (`kubectl apply --server-side
 * --field-manager=platform-kit -R -f dist/platform`); `applyPlatform` adds strict field validation. When the dist layout changes
 * (e.g. `kubectl apply -f dist` as issue 17 plans), this is the line to change.
 */
export function platformApplyArgs(distDir: string): string[] {
  return ['--server-side', '--field-manager=platform-kit', '-R', '-f', path.join(distDir, 'platform')];
}

/** Applies the platform part of a dist/ directory. */
export function applyPlatform(cluster: ControlPlane, distDir: string): Promise<RunResult> {
  return cluster.kubectl(['apply', '--validate=strict', ...platformApplyArgs(distDir)]);
}

/** What a second apply would change: `kubectl diff` runs the same server-side apply as a dry run (exit 0: nothing). */
export function diffPlatform(cluster: ControlPlane, distDir: string): Promise<RunResult> {
  return cluster.kubectl(['diff', ...platformApplyArgs(distDir)]);
}

/** stderr lines of a kubectl run: warnings (deprecations, Pod Security) and errors alike, all failures here. */
export function complaints(result: RunResult): string[] {
  return result.stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}
