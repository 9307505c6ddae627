import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { BuiltPlatform, buildPlatform, loadConfigFile, PlatformChart, runCli } from '../../lib';

const ROOT = path.resolve(__dirname, '..', '..');

/** A construct that breaks Pod Security restricted in tenant dwayne: a privileged container. */
function addPrivilegedPod(platform: Pick<BuiltPlatform, 'app'>): void {
  const chart = new PlatformChart(platform.app, 'Rogue', { folder: '45-rogue', wave: 45, description: 'A pod that breaks restricted' });
  new k8s.KubePod(chart, 'Pod', {
    metadata: { name: 'rogue', namespace: 'dwayne' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.37.0', securityContext: { privileged: true } }] },
  });
}

describe('a TypeScript program using only the package entry point', () => {
  const podSecurityLine = /\[Pod Security\] .*rogue.*privileged/;

  test('app.synth() fails on a Pod Security violation, as npm run synth does', () => {
    // GIVEN the default platform built into an App of our own, plus a construct that breaks Pod Security
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-app-'));
    const app = buildPlatform(loadConfigFile(path.join(ROOT, 'platform.yaml')), { app: new App({ outdir }) });
    addPrivilegedPod({ app });
    // WHEN synthesized the cdk8s way THEN the whole-tree checks run and refuse it, and nothing is written
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(podSecurityLine);
    expect(fs.readdirSync(outdir)).toEqual([]);

    // AND npm run synth, given the same construct through its extension point, prints the same problem
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-cli-'));
    const err: string[] = [];
    const code = runCli(['--config', path.join(ROOT, 'platform.yaml'), '--out', path.join(out, 'dist')], { out: () => {}, err: (l) => err.push(l) }, { extend: addPrivilegedPod });
    expect(code).not.toBe(0);
    const cliLine = err.join('\n').split('\n').find((l) => podSecurityLine.test(l));
    const appLine = message.split('\n').find((l) => podSecurityLine.test(l));
    expect(cliLine).toBeDefined();
    expect(appLine?.replace(/^.*?\[Pod Security\]/, '[Pod Security]')).toBe(cliLine?.replace(/^.*?\[Pod Security\]/, '[Pod Security]'));
  });

  test('without the rogue construct, app.synth() passes every check', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-app-'));
    const app = buildPlatform(loadConfigFile(path.join(ROOT, 'platform.yaml')), { app: new App({ outdir }) });
    expect(() => app.synth()).not.toThrow();
  });
});
