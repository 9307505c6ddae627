import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../lib/cli';
import { MINIMAL_CLUSTER, tempDir } from './support/helpers';

describe('npm run synth -- --config <file> --out <dir>', () => {
  test('synthesizes another description into another directory and prints the capacity table', () => {
    // GIVEN a config and an output directory elsewhere
    const dir = tempDir();
    const config = path.join(dir, 'other.yaml');
    fs.writeFileSync(config, `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`);
    const out: string[] = [];
    // WHEN
    const code = runCli(['--config', config, '--out', path.join(dir, 'other-dir')], { out: (l) => out.push(l), err: (l) => out.push(l) });
    // THEN
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'other-dir')).filter((f) => f.startsWith('10-tenancy.')).sort()).toEqual(['10-tenancy.00-cluster-scoped.yaml', '10-tenancy.10-team-a.yaml']);
    expect(out.join('\n')).toMatch(/Capacity \(requests;/);
    // 2 tenancy files, and 5 node-side files in host/ (index, audit policy and its README, one eviction file per node)
    expect(out.join('\n')).toMatch(/objects in 7 files written to .*other-dir\/ from .*other\.yaml/);
    expect(fs.readdirSync(path.join(dir, 'other-dir', 'host')).sort()).toEqual(['README.md', 'kube-apiserver', 'kubelet']);
  });

  test('--help prints the usage and exits 0', () => {
    const out: string[] = [];
    expect(runCli(['--help'], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out).toEqual(['usage: npm run synth -- [--config platform.yaml] [--out dist]']);
  });

  test('an error thrown by a construct is one message without a stack trace, exit 2, nothing written', () => {
    // GIVEN a config that passes the schema but that a construct refuses (a host the Ingress cannot use)
    const dir = tempDir();
    const config = path.join(dir, 'p.yaml');
    fs.writeFileSync(config, `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`);
    const err: string[] = [];
    const spy = jest.spyOn(require('../lib/pipeline/synthesize'), 'synthesize').mockImplementation(() => { throw new Error('IngressRoute x/y: host "y" is not a DNS name with a domain'); });
    // WHEN
    const code = runCli(['--config', config, '--out', path.join(dir, 'out')], { out: () => undefined, err: (l) => err.push(l) });
    spy.mockRestore();
    // THEN
    expect(code).toBe(2);
    expect(err[0]).toBe('error: IngressRoute x/y: host "y" is not a DNS name with a domain');
    expect(err.join('\n')).toMatch(/PLATFORM_KIT_DEBUG=1/);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
