import * as fs from 'fs';
import * as path from 'path';
import { IMAGES } from '../lib/versions';
import { findTool, toolRelease } from '../scripts/validators/tools';
import { findObject, podFilesystem, runTool, tempDir } from './support/run';

// promtool of the Prometheus release we pin, on the configuration and rules we generate, laid out as the pod sees them.
describe('promtool (Prometheus config and alert rules)', () => {
  const root = tempDir('promtool');
  const prometheus = findObject('StatefulSet', 'monitoring', 'prometheus');
  const rewrite = podFilesystem(root, prometheus, 'prometheus');
  const configPath = path.join(root, 'etc/prometheus/config/prometheus.yml');
  const rulesPath = path.join(root, 'etc/prometheus/rules/platform-kit.yaml');
  // The config names the pod's paths (rule_files, Service Account token and CA): point them at the local copies.
  fs.writeFileSync(configPath, rewrite(fs.readFileSync(configPath, 'utf8')));

  test('is the release the Prometheus image is pinned to', () => {
    // GIVEN the promtool module pinned in tools/validators/promtool/go.mod
    // THEN it is the same release as the prom/prometheus row of lib/versions.ts, and says so itself
    expect(`v${toolRelease(findTool('promtool'))}`).toBe(IMAGES.prometheus.tag);
    expect(runTool('promtool', ['--version']).output).toContain(`promtool, version ${toolRelease(findTool('promtool'))}`);
  });

  test('check config: the generated prometheus.yml (with the rule files it loads) is valid and lint-clean', () => {
    const r = runTool('promtool', ['check', 'config', '--lint=all', '--lint-fatal', configPath]);
    // the rule_files glob found the mounted rules, and promtool checked them as part of the config
    expect(r.output).toContain('SUCCESS: 1 rule files found');
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.output).not.toMatch(/WARNING|FAILED/);
    expect(r.status).toBe(0);
  });

  test('check rules: the generated alert rules are valid and lint-clean', () => {
    const r = runTool('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', rulesPath]);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  test('test rules: every alert fires when it should and stays quiet when it should not', () => {
    // GIVEN the unit tests next to a copy of the generated rule file
    const dir = tempDir('promtool-test');
    fs.copyFileSync(rulesPath, path.join(dir, 'platform-kit.yaml'));
    fs.copyFileSync(path.join(__dirname, 'promtool', 'alert-rules.test.yaml'), path.join(dir, 'alert-rules.test.yaml'));
    // WHEN promtool runs them THEN all pass
    const r = runTool('promtool', ['test', 'rules', 'alert-rules.test.yaml'], { cwd: dir });
    if (r.status !== 0) console.log(r.output);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
