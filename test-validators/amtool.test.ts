import * as fs from 'fs';
import * as path from 'path';
import { alertmanagerConfig } from '../lib/observability/config-files';
import { IMAGES } from '../lib/versions';
import { findTool, toolRelease } from '../scripts/validators/tools';
import { findObject, podFilesystem, runTool, tempDir } from './support/run';

describe('amtool (Alertmanager config)', () => {
  test('is the release the Alertmanager image is pinned to', () => {
    expect(`v${toolRelease(findTool('amtool'))}`).toBe(IMAGES.alertmanager.tag);
    expect(runTool('amtool', ['--version']).output).toContain(`amtool, version ${toolRelease(findTool('amtool'))}`);
  });

  test('check-config: the generated alertmanager.yml is valid', () => {
    // GIVEN the config as the Alertmanager pod mounts it
    const root = tempDir('amtool');
    const rewrite = podFilesystem(root, findObject('Deployment', 'monitoring', 'alertmanager'), 'alertmanager');
    const configPath = path.join(root, 'etc/alertmanager/config/alertmanager.yml');
    fs.writeFileSync(configPath, rewrite(fs.readFileSync(configPath, 'utf8')));
    // WHEN amtool checks it THEN it passes
    const r = runTool('amtool', ['check-config', configPath]);
    if (r.status !== 0) console.log(r.output);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  test.each([
    ['a webhook URL', { webhookUrl: 'https://alerts.lab.example/hook' }],
    ['a webhook URL read from a file (a mounted Secret)', { webhookUrlFile: '/etc/alertmanager/secrets/webhook-url' }],
  ])('check-config: the config with %s is valid too', (_what, opts) => {
    // GIVEN the generator's output for that receiver (the default platform.yaml has none)
    const dir = tempDir('amtool-webhook');
    const configPath = path.join(dir, 'alertmanager.yml');
    fs.writeFileSync(configPath, alertmanagerConfig({ ...opts, repeatInterval: '4h' }));
    // WHEN amtool checks it THEN it passes, with the webhook receiver in place
    const r = runTool('amtool', ['check-config', configPath]);
    if (r.status !== 0) console.log(r.output);
    expect(r.output).toContain('SUCCESS');
    expect(r.output).toContain(' - 1 receivers');
    expect(r.status).toBe(0);
  });
});
