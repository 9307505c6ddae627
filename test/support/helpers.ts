import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { UserError } from '../../lib/core/errors';
import { PlatformConfig } from '../../lib/config/platform-config';
import { synthesize, SynthResult } from '../../lib/pipeline/synthesize';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The embedded default platform.yaml, parsed. */
export function defaultConfig(): PlatformConfig {
  return parseConfig(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
}

let cachedDefault: SynthResult | undefined;
/** Synthesis of the default platform (cached: it is deterministic, and several suites read it). */
export function synthDefault(): SynthResult {
  cachedDefault ??= synthesize(defaultConfig());
  return cachedDefault;
}

/** Every manifest of a synth result. */
export function manifestsOf(result: SynthResult): any[] {
  return result.files.flatMap((f) => f.objects.map((o) => o.manifest));
}

/** The manifests a parsed platform.yaml (plain data, e.g. the default one edited by a test) synthesizes to. */
export function synthData(data: unknown): any[] {
  return manifestsOf(synthesize(parseConfig(stringify(data))));
}

/** The error text of a synth (config load included) that must fail; a synth that succeeds fails the test. */
export function synthFailure(data: unknown): string {
  try {
    synthesize(parseConfig(stringify(data)));
  } catch (e) {
    return String((e as Error).message);
  }
  throw new Error('expected the synth to fail');
}

/** Finds one object by kind, name and (optionally) namespace; fails the test clearly when absent. */
export function find(manifests: readonly any[], kind: string, name: string, namespace?: string): any {
  const hits = manifests.filter((m) => m.kind === kind && m.metadata?.name === name && (namespace === undefined || m.metadata?.namespace === namespace));
  if (hits.length !== 1) throw new Error(`expected exactly one ${kind} ${namespace ?? '*'}/${name}, found ${hits.length}`);
  return hits[0];
}

/** A chart to put one construct under test in; `toJson()` renders it. */
export function testChart(): Chart {
  return new Chart(new App(), 'Test', { disableResourceNameHashes: true });
}

/** A fresh temporary directory, removed by the OS eventually (tests also clean up). */
export function tempDir(prefix = 'platform-kit-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Hash of every file (path + bytes) under a directory: equal hashes = byte-identical trees. */
export function treeHash(dir: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        hash.update(path.relative(dir, full));
        hash.update(fs.readFileSync(full));
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** A minimal valid platform.yaml; tests append or replace sections to make it bad. */
export const MINIMAL_CLUSTER = `cluster:
  nodes:
    - { name: cp, ip: 10.0.0.1, role: control-plane, cpu: "2", memory: 4Gi }
    - { name: w1, ip: 10.0.0.2, cpu: "4", memory: 8Gi }
  nfs: { server: 10.0.0.100 }
`;

/** Wraps plain manifests as synthesized objects (for the checks, which read only `manifest` and `path`). */
export function asObjects(manifests: any[]): any[] {
  return manifests.map((manifest, i) => ({ chart: { folder: '99-test', wave: 99, description: 'test' }, component: 'Test', path: `Test/Object${i}`, manifest }));
}

/** A Deployment that passes every hygiene rule; tests break one thing at a time. */
export function goodDeployment(overrides: { name?: string; namespace?: string; replicas?: number; container?: any; podSecurity?: any; labels?: Record<string, string> } = {}): any {
  const labels = overrides.labels ?? { app: overrides.name ?? 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: overrides.name ?? 'web', namespace: overrides.namespace ?? 'team-a' },
    spec: {
      replicas: overrides.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: overrides.podSecurity ?? { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'web',
            image: 'nginxinc/nginx-unprivileged:1.27.4',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' } },
            livenessProbe: { httpGet: { path: '/', port: 'http' } },
            securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
            ...(overrides.container ?? {}),
          }],
        },
      },
    },
  };
}

/** The problems parseConfig reports for a config text, or [] when it loads. */
/** The message of the UserError `run` throws; a run that succeeds, or throws anything else, fails the test. */
export function userErrorMessage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('expected the config to be refused');
}

export function problemsOf(yaml: string): readonly string[] {
  try {
    parseConfig(yaml);
    return [];
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
}
