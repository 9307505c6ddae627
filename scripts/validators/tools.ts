import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../../lib/core/paths';

/**
 * The real validators `npm run test:validators` runs, built from the Go modules pinned in
 * tools/validators/<tool>/go.mod (the version lives there and nowhere else), once per version, into
 * `${PLATFORM_KIT_CACHE:-$HOME/.cache/platform-kit}/bin/<tool>-<version>/`: outside the repo, so every clone and every
 * run reuses them (the control-plane tier uses the same layout).
 */
export interface ValidatorTool {
  /** Binary name, and the folder under tools/validators/ holding its go.mod. */
  readonly name: string;
  /** The Go module whose required version is the tool's version. */
  readonly module: string;
  /** The main package to build. */
  readonly pkg: string;
  /** The release the module version stands for (Prometheus' module versions are not its release numbers). */
  readonly release: (moduleVersion: string) => string;
  /** -X flags that make `--version` honest. */
  readonly ldflags: (release: string) => string[];
}

const PROMETHEUS_VERSION_PKG = 'github.com/prometheus/common/version';
const stripV = (v: string): string => v.replace(/^v/, '');

/** Prometheus publishes its Go module as v0.<major*100+minor>.<patch>: v0.313.5 is Prometheus 3.13.5. */
export function prometheusRelease(moduleVersion: string): string {
  const m = /^v0\.(\d+)\.(\d+)$/.exec(moduleVersion);
  if (!m) throw new Error(`validators: ${moduleVersion} is not a Prometheus module version (v0.<major*100+minor>.<patch>)`);
  const minor = Number(m[1]);
  return `${Math.floor(minor / 100)}.${minor % 100}.${m[2]}`;
}

const prometheusLdflags = (release: string): string[] => [
  `-X ${PROMETHEUS_VERSION_PKG}.Version=${release}`,
  `-X ${PROMETHEUS_VERSION_PKG}.Branch=release-${release.split('.').slice(0, 2).join('.')}`,
];

export const VALIDATOR_TOOLS: readonly ValidatorTool[] = [
  { name: 'promtool', module: 'github.com/prometheus/prometheus', pkg: 'github.com/prometheus/prometheus/cmd/promtool', release: prometheusRelease, ldflags: prometheusLdflags },
  { name: 'amtool', module: 'github.com/prometheus/alertmanager', pkg: 'github.com/prometheus/alertmanager/cmd/amtool', release: stripV, ldflags: prometheusLdflags },
  { name: 'kube-score', module: 'github.com/zegl/kube-score', pkg: 'github.com/zegl/kube-score/cmd/kube-score', release: stripV, ldflags: (r) => [`-X main.version=${r}`] },
  { name: 'kubeconform', module: 'github.com/yannh/kubeconform', pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', release: stripV, ldflags: (r) => [`-X main.version=${r}`] },
];

export function toolModuleDir(tool: ValidatorTool): string {
  return path.join(PROJECT_ROOT, 'tools', 'validators', tool.name);
}

/** The version tools/validators/<tool>/go.mod requires for the tool's module (e.g. "v0.313.5"). */
export function moduleVersion(tool: ValidatorTool): string {
  const goMod = fs.readFileSync(path.join(toolModuleDir(tool), 'go.mod'), 'utf8');
  const escaped = tool.module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`^(?:require\\s+|\\s+)${escaped}\\s+(v\\S+)\\s*$`, 'm').exec(goMod);
  if (!m) throw new Error(`validators: tools/validators/${tool.name}/go.mod does not require ${tool.module}`);
  return m[1];
}

export function toolRelease(tool: ValidatorTool): string {
  return tool.release(moduleVersion(tool));
}

export function cacheRoot(): string {
  return process.env.PLATFORM_KIT_CACHE || path.join(os.homedir(), '.cache', 'platform-kit');
}

export function toolPath(tool: ValidatorTool): string {
  return path.join(cacheRoot(), 'bin', `${tool.name}-${toolRelease(tool)}`, tool.name);
}

export function findTool(name: string): ValidatorTool {
  const tool = VALIDATOR_TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`validators: no tool named ${name}`);
  return tool;
}

/** Builds one tool unless its version is cached; returns the seconds the build took (0 when cached). */
export function buildTool(tool: ValidatorTool, log: (line: string) => void = console.log): number {
  const out = toolPath(tool);
  const release = toolRelease(tool);
  if (fs.existsSync(out)) {
    log(`validators: ${tool.name} ${release} cached at ${out}`);
    return 0;
  }
  log(`validators: building ${tool.name} ${release} from ${tool.module} ${moduleVersion(tool)} (first run only)`);
  const started = Date.now();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Build to a temporary name, then rename: an interrupted build never leaves a binary that looks complete.
  const tmp = path.join(path.dirname(out), `.${tool.name}.${process.pid}`);
  execFileSync('nice', ['-n', '10', 'go', 'build', '-mod=readonly', '-trimpath', '-buildvcs=false', '-ldflags', ['-s', '-w', ...tool.ldflags(release)].join(' '), '-o', tmp, tool.pkg], {
    cwd: toolModuleDir(tool),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  fs.renameSync(tmp, out);
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`validators: built ${tool.name} ${release} in ${seconds}s`);
  return seconds;
}
